import type { ContainerRole, ImageShell, Signal } from "./types.js";

/** What an image's name alone tells: its role, its STOPSIGNAL and its /bin/sh, when it is a known image. */
export interface KnownImage {
  role: ContainerRole | undefined;
  stopSignal: Signal | undefined;
  shell: ImageShell;
  basis: string;
}

/** Splits `registry/ns/repo:tag@digest` into the repository path (without a Docker Hub prefix) and the tag. */
export function parseImageReference(reference: string): { repository: string; tag: string } {
  const noDigest = reference.split("@")[0] ?? "";
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const repository = colon > slash ? noDigest.slice(0, colon) : noDigest;
  const tag = colon > slash ? noDigest.slice(colon + 1) : "latest";
  return { repository: repository.replace(/^(docker\.io\/)?(library\/)?/, ""), tag };
}

/**
 * Facts of the official images, from their Dockerfiles: `php:*-fpm` and `nginx` set `STOPSIGNAL SIGQUIT`
 * and are Debian-based (dash as /bin/sh) unless the tag says `alpine` (busybox). Other images are unknown:
 * many custom images set no STOPSIGNAL, so the runtime sends SIGTERM.
 */
export function knownImage(reference: string): KnownImage {
  const { repository, tag } = parseImageReference(reference);
  const shell: ImageShell = /alpine/.test(tag) ? "busybox" : "dash";
  if (repository === "php") {
    return /fpm/.test(tag)
      ? {
          role: "fpm",
          stopSignal: "SIGQUIT",
          shell,
          basis: `official image ${reference}: STOPSIGNAL SIGQUIT, /bin/sh is ${shell}`,
        }
      : { role: "other", stopSignal: undefined, shell, basis: `official image ${reference} (not php-fpm)` };
  }
  if (repository === "nginx" || repository === "nginxinc/nginx-unprivileged") {
    return {
      role: "nginx",
      stopSignal: "SIGQUIT",
      shell,
      basis: `official image ${reference}: STOPSIGNAL SIGQUIT, /bin/sh is ${shell}`,
    };
  }
  const last = repository.split("/").at(-1) ?? repository;
  // The distributions' own images: Alpine's /bin/sh is busybox, Debian's and Ubuntu's is dash.
  const baseShell: ImageShell | undefined =
    repository === "alpine"
      ? "busybox"
      : repository === "debian" || repository === "ubuntu"
        ? "dash"
        : undefined;
  const role: ContainerRole | undefined = /fpm|php/.test(last)
    ? "fpm"
    : /nginx|openresty/.test(last)
      ? "nginx"
      : undefined;
  return {
    role,
    stopSignal: undefined,
    shell: baseShell ?? (/alpine/.test(tag) ? "busybox" : "unknown"),
    basis: `image ${reference}`,
  };
}

/** A role read off a container's name, command and ports when the image does not say it. */
export function roleFromContainer(
  name: string,
  command: string[],
  ports: number[],
): ContainerRole | undefined {
  const text = `${name} ${command.join(" ")}`.toLowerCase();
  if (/php-fpm|\bfpm\b|php/.test(text) || ports.includes(9000)) return "fpm";
  if (/nginx|openresty/.test(text)) return "nginx";
  return undefined;
}
