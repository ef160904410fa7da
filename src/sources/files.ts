import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import type { Problem } from "./location.js";

/** The kinds of file the model reads. */
export type SourceKind = "kubernetes" | "dockerfile" | "fpm-conf" | "php-ini" | "nginx-conf";

/** A user's file, read and decoded, with what kind of file it was taken for. */
export interface SourceFile {
  path: string;
  kind: SourceKind;
  text: string;
  /**
   * Kubernetes objects already parsed (an AdmissionReview's object): read as documents without parsing
   * `text`, so the webhook does not serialise and re-parse what the API server sent. Positions are 1:1.
   */
  values?: unknown[];
}

export interface ReadInputsOptions {
  /** Files larger than this are reported, not read (a 50 MB manifest is a mistake, not a workload). */
  maxFileBytes: number;
  /** Reads standard input for the path `-`. */
  readStdin?: () => Promise<Buffer>;
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "vendor", "dist"]);
/**
 * Hidden folders are skipped (`.git`, `.github`, editors' state), except those where repositories keep
 * their images and deployments: `.docker/php.dockerfile` (drevops/vortex), `.docker/Dockerfile.fpm`.
 */
const HIDDEN_DIRS_READ = new Set([
  ".docker",
  ".deploy",
  ".k8s",
  ".kube",
  ".kubernetes",
  ".helm",
  ".build",
  ".lagoon",
]);
/** `Dockerfile.prod` is a Dockerfile; `dockerfile.ts` is code about Dockerfiles. */
const CODE_EXTENSIONS = new Set([
  ".ts",
  ".js",
  ".mjs",
  ".cjs",
  ".md",
  ".txt",
  ".json",
  ".yaml",
  ".yml",
  ".py",
  ".go",
  ".sh",
  ".map",
]);
const CONFIG_FILE_NAMES = new Set([".fpm-graceful.yaml", ".fpm-graceful.yml"]);

/**
 * Reads files, directories (recursively) and `-` (stdin) into decoded source files. Never throws on user
 * input: what cannot be read becomes a problem with its file. In a directory, files of no known kind are
 * skipped silently; named explicitly, they are a problem.
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
      const bytes = await (options.readStdin ?? readStdin)();
      add(decodeSource("<stdin>", bytes, "kubernetes", true, options.maxFileBytes));
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      problems.push(problemAt(path, "unreadable", `cannot read: ${describeFsError(error)}`));
      continue;
    }
    if (info.isDirectory()) {
      for (const file of await walk(path, problems)) {
        add(await readSource(file, false, options.maxFileBytes));
      }
    } else {
      add(await readSource(path, true, options.maxFileBytes));
    }
  }
  return { files, problems };
}

async function walk(dir: string, problems: Problem[]): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push(problemAt(dir, "unreadable", `cannot read directory: ${describeFsError(error)}`));
    return [];
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const found: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && (!entry.name.startsWith(".") || HIDDEN_DIRS_READ.has(entry.name)))
        found.push(...(await walk(full, problems)));
    } else if (entry.isFile() && !CONFIG_FILE_NAMES.has(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

async function readSource(
  path: string,
  explicit: boolean,
  maxBytes: number,
): Promise<SourceFile | Problem | undefined> {
  const byName = kindFromName(path);
  if (byName === undefined && !explicit) return undefined;
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.size > maxBytes) {
      return problemAt(
        path,
        "too-large",
        `file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit (--max-file-size)`,
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    return problemAt(path, "unreadable", `cannot read: ${describeFsError(error)}`);
  }
  return decodeSource(path, bytes, byName, explicit, maxBytes);
}

/** Decodes bytes as UTF-8 (or UTF-16 with a byte-order mark) and settles the file's kind. */
export function decodeSource(
  path: string,
  bytes: Buffer,
  kindByName: SourceKind | "conf" | undefined,
  explicit: boolean,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
): SourceFile | Problem | undefined {
  if (bytes.length > maxBytes) {
    return problemAt(
      path,
      "too-large",
      `input is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} limit (--max-file-size)`,
    );
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    return explicit ? problemAt(path, "binary", "binary file: not UTF-8 or UTF-16 text") : undefined;
  }
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

function decodeText(bytes: Buffer): string | undefined {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    if (bytes.subarray(0, 8192).includes(0)) return undefined;
    // ignoreBOM: false strips a UTF-8 byte-order mark, which kubectl also accepts.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The kind a file's name says; `conf` means "php-fpm or nginx, look inside". */
export function kindFromName(path: string): SourceKind | "conf" | undefined {
  const name = basename(path).toLowerCase();
  const ext = extname(name);
  if (
    name === "dockerfile" ||
    name === "containerfile" ||
    (/^(dockerfile|containerfile)\.[a-z0-9_-]+$/.test(name) && !CODE_EXTENSIONS.has(ext)) ||
    ext === ".dockerfile"
  ) {
    return "dockerfile";
  }
  if (ext === ".yaml" || ext === ".yml" || ext === ".json") return "kubernetes";
  if (ext === ".ini") return "php-ini";
  if (ext === ".conf") return "conf";
  return undefined;
}

/** Tells php-fpm, nginx, php.ini, YAML and Dockerfiles apart by what they contain. */
export function kindFromContent(text: string, hint: "conf" | undefined): SourceKind | undefined {
  const head = text.slice(0, 65536);
  if (/^\s*(FROM|ARG)\s+\S/im.test(head) && /^\s*FROM\s+\S/im.test(head) && hint === undefined)
    return "dockerfile";
  if (/^\s*\[[A-Za-z0-9_.$-]+\]\s*$/m.test(head) && /^\s*[a-z_.[\]]+\s*=/m.test(head)) {
    return /^\s*\[PHP\]\s*$/m.test(head) ? "php-ini" : "fpm-conf";
  }
  if (/\b(server|http|location|upstream|events)\s*[^;{]*\{/.test(head) || /^\s*fastcgi_pass\s/m.test(head)) {
    return "nginx-conf";
  }
  if (/^\s*(process_control_timeout|pm|listen|include)\s*=/m.test(head)) return "fpm-conf";
  if (hint === undefined && /^\s*(apiVersion|kind)\s*:/m.test(head)) return "kubernetes";
  if (hint === undefined && /^\s*\{/.test(head) && /"apiVersion"/.test(head)) return "kubernetes";
  return undefined;
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

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return error instanceof Error ? error.message : String(error);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
