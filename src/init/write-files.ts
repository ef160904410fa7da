import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../write.js";
import type { GeneratedFile } from "./files.js";

/** Why generated files could not be written; `file` is the path (joined with the output directory). */
export class InitWriteError extends Error {
  constructor(
    readonly code: "exists" | "write-failed",
    readonly file: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = "InitWriteError";
  }
}

/**
 * Writes generated files under `outDir`, each atomically (a temp file beside it, then a rename or a link),
 * so no reader sees half a file. Without `force` nothing is overwritten: every target is looked at first
 * and, if one exists, nothing is written at all; a file that appears meanwhile is still not replaced (the
 * temp file is hard-linked into place, which fails if the name is taken). Answers the paths written.
 *
 * @example
 *   await writeGeneratedFiles("fpm-graceful", generateInit(options), { force: false });
 */
export async function writeGeneratedFiles(
  outDir: string,
  files: readonly GeneratedFile[],
  options: { force: boolean },
): Promise<string[]> {
  const targets = files.map((f) => ({ path: join(outDir, f.path), content: f.content }));
  if (!options.force) {
    for (const target of targets) {
      if (await exists(target.path))
        throw new InitWriteError("exists", target.path, `${target.path} already exists`);
    }
  }
  const written: string[] = [];
  for (const target of targets) {
    try {
      await mkdir(dirname(target.path), { recursive: true });
      if (options.force) await writeFileAtomic(target.path, target.content);
      else await writeFileExclusive(target.path, target.content);
    } catch (error) {
      if (error instanceof InitWriteError) throw error;
      throw new InitWriteError(
        "write-failed",
        target.path,
        `cannot write ${target.path}: ${describe(error)}`,
        { cause: error },
      );
    }
    written.push(target.path);
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new InitWriteError("write-failed", path, `cannot write ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** A complete temp file, hard-linked to its name: `link` fails with EEXIST instead of replacing a file. */
async function writeFileExclusive(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content, { flag: "wx" });
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new InitWriteError("exists", path, `${path} already exists`, { cause: error });
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "a directory is in the way";
  if (code === "ENOTDIR" || code === "EEXIST") return "a file is in the way of a directory";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
