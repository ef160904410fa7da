import { stat } from "node:fs/promises";
import { join } from "node:path";
import { kindFromContent, kindFromName, type SourceKind } from "./classify.js";
import { decodeBytes, normaliseLineEndings } from "./decode.js";
import type { Problem } from "./location.js";
import {
  type BoundedRead,
  describeFsError,
  formatBytes,
  type ReadRefusal,
  readBounded,
  readStreamBounded,
} from "./read.js";
import { type RenderSource, render } from "./render.js";
import { walkTree } from "./walk.js";

export { kindFromContent, kindFromName, type SourceKind } from "./classify.js";

/** A user's file, read and decoded, with what kind of file it was taken for. */
export interface SourceFile {
  path: string;
  kind: SourceKind;
  /** The decoded text, every line break as `\n` (the file's own endings are kept by `write.ts`). */
  text: string;
  /**
   * Kubernetes objects already parsed (an AdmissionReview's object): read as documents without parsing
   * `text`, so the webhook does not serialise and re-parse what the API server sent. Positions are 1:1.
   */
  values?: unknown[];
  /** How the bytes were read from disk: `fix` writes only a file that is still as it was read. */
  read?: Pick<BoundedRead, "digest" | "stat">;
}

export interface ReadInputsOptions {
  /** Files larger than this are reported, not read (a 50 MB manifest is a mistake, not a workload). */
  maxFileBytes: number;
  /** `--exclude` globs for directory walks (see `WalkOptions`). */
  exclude?: readonly string[];
  /** Values files for Helm charts found in a walk (`helm template DIR -f FILE`). */
  helmValues?: readonly string[];
  /** Reads standard input for the path `-`, at most `maxBytes` of it (more is refused, not read). */
  readStdin?: (maxBytes: number) => Promise<Buffer | BoundedRead | ReadRefusal>;
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
const AS_READ: DecodeOptions = { lineBreaks: "lf" };
/** A line that is not blank, a comment or a document marker: a file of only those is empty, not wrong. */
const HAS_CONTENT = /^(?![ \t]*(#|---|\.\.\.|$))/m;
/** `apiVersion:`/`kind:` as a block key (a List's `- kind:` too) or a JSON key. */
const HAS_OBJECT = /^[ \t-]*["']?(apiVersion|kind)["']?[ \t]*:|"(apiVersion|kind)"\s*:/m;

/**
 * Reads files, directories (recursively) and `-` (stdin) into decoded source files. Never throws on user
 * input: what cannot be read becomes a problem with its file. In a directory, files of no known kind are
 * skipped silently; named explicitly, they are a problem. Every read is bounded by `maxFileBytes` before
 * it starts (`/dev/zero`, endless stdin), and a walk opens regular files only.
 *
 * @example
 *   const { files, problems } = await readInputs(["k8s/", "Dockerfile"]);
 */
export async function readInputs(
  paths: string[],
  options: ReadInputsOptions = { maxFileBytes: DEFAULT_MAX_FILE_BYTES },
): Promise<{ files: SourceFile[]; problems: Problem[] }> {
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const add = (result: SourceFile | Problem | undefined) => {
    if (result === undefined) return;
    if ("code" in result) problems.push(result);
    else files.push(result);
  };
  for (const path of paths) {
    if (path === "-") {
      const got = await (options.readStdin ?? readStdin)(options.maxFileBytes);
      const read = Buffer.isBuffer(got) ? { bytes: got, digest: "" } : got;
      if ("refused" in read) add(problemAt("<stdin>", read.refused, read.message));
      else add(decodeStdin(read.bytes, options.maxFileBytes));
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      problems.push(problemAt(path, "unreadable", `cannot read: ${describeFsError(error)}`));
      continue;
    }
    if (isDirectory) {
      const walked = await walkTree(path, { exclude: options.exclude ?? [] });
      problems.push(...walked.problems);
      for (const file of walked.files) add(await readSource(file, false, options.maxFileBytes));
      for (const source of walked.renders) add(renderSource(source, options));
    } else {
      add(await readSource(path, true, options.maxFileBytes));
    }
  }
  return { files, problems };
}

async function readSource(
  path: string,
  explicit: boolean,
  maxBytes: number,
): Promise<SourceFile | Problem | undefined> {
  const byName = kindFromName(path);
  if (byName === undefined && !explicit) return undefined;
  const read = await readBounded(path, maxBytes, explicit);
  if ("refused" in read) return problemAt(path, read.refused, read.message);
  const source = decodeSource(path, read.bytes, byName, explicit, maxBytes, AS_READ);
  // A named .yaml/.json with no object in it (a values.yaml, a CI workflow) is as much a mistake as a
  // named .txt; in a walk such files are left alone silently.
  if (
    explicit &&
    source &&
    !("code" in source) &&
    source.kind === "kubernetes" &&
    !HAS_OBJECT.test(source.text) &&
    HAS_CONTENT.test(source.text)
  )
    return problemAt(
      path,
      "unknown-file-type",
      "YAML/JSON without a Kubernetes object (no apiVersion or kind): nothing to check",
    );
  if (source && !("code" in source))
    source.read = read.stat ? { digest: read.digest, stat: read.stat } : { digest: read.digest };
  return source;
}

/**
 * How decoded text is handed on. `lf`: every line break becomes `\n` (CRLF, CR-only and mixed files), as
 * `readInputs` reads files; `write.ts` gives each line its own ending back when `fix` writes the file.
 * Without it the text keeps its breaks (the fix engine keeps a CRLF text CRLF).
 */
export interface DecodeOptions {
  lineBreaks?: "lf" | "keep";
}

/** Decodes bytes as UTF-8 (or UTF-16 with a byte-order mark) and settles the file's kind. */
export function decodeSource(
  path: string,
  bytes: Buffer,
  kindByName: SourceKind | "conf" | undefined,
  explicit: boolean,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
  options: DecodeOptions = {},
): SourceFile | Problem | undefined {
  if (bytes.length > maxBytes) {
    return problemAt(
      path,
      "too-large",
      `input is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} limit (--max-file-size)`,
    );
  }
  const decoded = decodeBytes(bytes);
  if (decoded === undefined) {
    return explicit ? problemAt(path, "binary", "binary file: not UTF-8 or UTF-16 text") : undefined;
  }
  const text = options.lineBreaks === "lf" ? normaliseLineEndings(decoded.raw).text : decoded.raw;
  if (text.trim() === "") {
    return explicit ? problemAt(path, "empty", "empty file: nothing to check") : undefined;
  }
  const kind =
    kindByName === "conf" || kindByName === undefined ? kindFromContent(text, kindByName) : kindByName;
  if (kind === undefined) {
    return explicit
      ? problemAt(
          path,
          "unknown-file-type",
          "unknown file type: expected Kubernetes YAML/JSON, a Dockerfile, php-fpm or nginx .conf, or php.ini",
        )
      : undefined;
  }
  return { path, kind, text };
}

export function problemAt(
  file: string,
  code: Problem["code"],
  message: string,
  line = 1,
  column = 1,
): Problem {
  return { file, line, column, code, message };
}

/**
 * A chart or kustomization rendered by its tool, read as rendered input (Helm's `# Source:` comments
 * locate findings in the templates), or one problem for the folder when it cannot be rendered.
 */
function renderSource(source: RenderSource, options: ReadInputsOptions): SourceFile | Problem | undefined {
  const marker = source.kind === "helm" ? "Chart.yaml" : "kustomization.yaml";
  const rendered = render(source, options.maxFileBytes, options.helmValues);
  if ("problem" in rendered) return problemAt(join(source.dir, marker), "unrendered", rendered.problem);
  return decodeSource(
    `${source.dir} (${rendered.command})`,
    Buffer.from(rendered.text),
    "kubernetes",
    true,
    options.maxFileBytes,
    AS_READ,
  );
}

/**
 * Standard input is sniffed (`cat Dockerfile | fpm-graceful check -` is a Dockerfile, not broken YAML);
 * what looks like nothing in particular is read as manifests, so its YAML problems are reported.
 */
function decodeStdin(bytes: Buffer, maxBytes: number): SourceFile | Problem | undefined {
  const sniffed = decodeSource("<stdin>", bytes, undefined, false, maxBytes, AS_READ);
  if (sniffed && !("code" in sniffed)) return sniffed;
  return decodeSource("<stdin>", bytes, "kubernetes", true, maxBytes, AS_READ);
}

function readStdin(maxBytes: number): Promise<BoundedRead | ReadRefusal> {
  return readStreamBounded(process.stdin, maxBytes);
}
