import { memoized } from "../memo.js";
import type { ImageShell, Signal } from "../types.js";
import { KNOWN_IMAGES, type KnownImageEntry, REGISTRY_MIRRORS } from "./known-images.js";

/** An image reference split as registries and the image table read it. */
export interface ImageName {
  /** Repository with mirror and Docker Hub prefixes removed: `php`, `uselagoon/php-8.3-fpm`, `myorg/app`. */
  repository: string;
  /** The tag; empty for a reference by digest alone, whose variant is then unknown. */
  tag: string;
  /** The registry prefix or mirror that was removed, if any. */
  mirror: string | undefined;
}

/**
 * Splits `registry/ns/repo:tag@digest` and removes the prefixes that serve the same images as Docker Hub
 * (`docker.io/library/`, `public.ecr.aws/docker/library/`, `mirror.gcr.io/library/`, …; see
 * `REGISTRY_MIRRORS` for each one's source).
 *
 * @example
 *   imageName("public.ecr.aws/docker/library/php:8.2-fpm"); // { repository: "php", tag: "8.2-fpm", … }
 */
export function imageName(reference: string): ImageName {
  const [noDigest = "", digest] = reference.trim().split("@");
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  let repository = (colon > slash ? noDigest.slice(0, colon) : noDigest).toLowerCase();
  // `php@sha256:…` pins an image by content: its tag, and so its variant, is not known.
  const tag = colon > slash ? noDigest.slice(colon + 1) : digest ? "" : "latest";
  let mirror: string | undefined;
  for (const m of REGISTRY_MIRRORS) {
    if (repository.startsWith(m.prefix)) {
      mirror = m.prefix;
      repository = m.replacement + repository.slice(m.prefix.length);
      break;
    }
  }
  return { repository, tag, mirror };
}

/** The image table's entry for a reference, if the tool knows the image. */
export function lookupImage(reference: string): { entry: KnownImageEntry; name: ImageName } | undefined {
  if (reference.trim() === "" || /\$\{?[A-Za-z_]/.test(reference)) return undefined;
  const name = imageName(reference);
  const ofRepository = KNOWN_IMAGES.filter((e) =>
    typeof e.repository === "string" ? e.repository === name.repository : e.repository.test(name.repository),
  );
  // By digest alone, only a repository whose one entry does not depend on the tag is known.
  if (name.tag === "") {
    const [only] = ofRepository;
    return only && ofRepository.length === 1 && only.tag === undefined ? { entry: only, name } : undefined;
  }
  // Tags are case-sensitive in registries, but no known image tells variants apart by case.
  const tag = name.tag.toLowerCase();
  const entry = ofRepository.find((e) => e.tag === undefined || e.tag.test(tag));
  return entry ? { entry, name } : undefined;
}

/** What an image reference alone tells, each fact with its source or `unknown`. */
export interface ImageKnowledge {
  known: boolean;
  role: KnownImageEntry["role"] | undefined;
  stopSignal: { value: Signal; source: string } | undefined;
  shell: { value: Exclude<ImageShell, "unknown">; source: string } | undefined;
  defaultArgv: { value: string[]; source: string } | undefined;
  processControlTimeout: { value: string; source: string } | undefined;
  /** The folder whose `*.conf` php-fpm includes (php-fpm images). */
  fpmConfigDir: { value: string; source: string } | undefined;
  listen: { value: { file: string; value: string }; source: string } | undefined;
  /** PID 1 under the image's ENTRYPOINT ignores its stop signal (a supervisor): which, and the source. */
  pid1IgnoresStopSignal: { value: string; source: string } | undefined;
  /** One line for the output: `official image php:8.3-fpm (docker-library/php:…)` or `image myorg/app (not in the image table)`. */
  basis: string;
}

/**
 * The facts the image table holds for a reference. The distributions' own images are known for their
 * shell only: Alpine's /bin/sh is busybox, Debian's and Ubuntu's is dash. Remembered (`memo.ts`): one
 * container's identity, facts and rules ask about its image a dozen times per check, and each lookup runs
 * the table's patterns (a tenth of a webhook review).
 */
export const imageKnowledge: (reference: string) => ImageKnowledge = memoized(lookUpKnowledge);

function lookUpKnowledge(reference: string): ImageKnowledge {
  const found = lookupImage(reference);
  if (!found) {
    return {
      known: false,
      role: undefined,
      stopSignal: undefined,
      shell: undefined,
      defaultArgv: undefined,
      processControlTimeout: undefined,
      fpmConfigDir: undefined,
      listen: undefined,
      pid1IgnoresStopSignal: undefined,
      basis: reference ? `image ${reference} (not in the image table)` : "no image",
    };
  }
  const { entry, name } = found;
  const via = name.mirror ? ` via ${name.mirror}` : "";
  return {
    known: true,
    role: entry.role,
    stopSignal: entry.stopSignal,
    shell: entry.shell,
    defaultArgv: entry.defaultArgv,
    processControlTimeout: entry.processControlTimeout,
    fpmConfigDir: entry.fpmConfigDir,
    listen: entry.listen,
    pid1IgnoresStopSignal: entry.pid1IgnoresStopSignal,
    basis: `image ${name.repository}:${name.tag}${via} (${entry.note})`,
  };
}
