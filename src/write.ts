import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, chown, lstat, open, readdir, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { encodeLike, endingsLike, formOf } from "./sources/decode.js";
import type { SourceFile } from "./sources/files.js";
import { readBounded } from "./sources/read.js";

/**
 * The only way the tool writes a user's file. A regular file is replaced atomically (a temp file beside
 * it, then rename) with its mode and owner kept; a symbolic link is written through to its target (the
 * link stays a link); a device or FIFO (`-o /dev/stdout`, `/dev/null`) is written to, never replaced.
 * Temp files are named `.NAME.fpm-graceful-PID-RANDOM.tmp`: removed on every exit but SIGKILL, and those a
 * killed run left are swept by the next write into the same folder.
 */

const TEMP_MARK = ".fpm-graceful-";
const pendingTemps = new Set<string>();
let handlersInstalled = false;

/** Removes this process's temp files when it exits or is interrupted (SIGINT, SIGTERM, SIGHUP). */
function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const clean = () => {
    for (const temp of pendingTemps) rmSync(temp, { force: true });
    pendingTemps.clear();
  };
  process.on("exit", clean);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      clean();
      // The default action, now that the temp files are gone, unless someone else handles the signal
      // (rehearse stops its pods first): exit as killed by it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Removes temp files in `dir` that a process no longer running (killed with SIGKILL) left behind. */
export async function sweepStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = name.match(/^\..+\.fpm-graceful-(\d+)-[0-9a-f]{12}\.tmp$/);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sweptDirs = new Set<string>();

/** Where writing `path` really lands: a symbolic link's final target, or the path itself. */
async function landing(path: string): Promise<string> {
  try {
    if ((await lstat(path)).isSymbolicLink()) return await realpath(path);
  } catch {
    // A path that does not exist yet is written as given.
  }
  return path;
}

/**
 * Writes `content` to `path`: through a symlink to its target, straight into a device or FIFO, else
 * atomically with the file's mode and owner kept. Throws on failure (the caller reports it per file).
 *
 * @example
 *   await writeFileAtomic("report.sarif", rendered);
 */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  const target = await landing(path);
  let existing: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    existing = await stat(target);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    if (existing.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    // A device or FIFO: written to as it is (replacing /dev/full by a regular file is what must not happen).
    const handle = await open(target, "w");
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return;
  }
  await replaceAtomically(target, content, existing);
}

async function replaceAtomically(
  target: string,
  content: string | Buffer,
  existing: { mode: number; uid: number; gid: number } | undefined,
  beforeRename?: () => Promise<void>,
): Promise<void> {
  installCleanup();
  const dir = dirname(target);
  if (!sweptDirs.has(dir)) {
    sweptDirs.add(dir);
    await sweepStaleTemps(dir);
  }
  const temp = join(
    dir,
    `.${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString("hex")}.tmp`,
  );
  pendingTemps.add(temp);
  try {
    const handle = await open(temp, "wx", existing ? existing.mode & 0o7777 : 0o666);
    try {
      await handle.writeFile(content);
      if (existing) {
        // open() applies the umask; the file keeps exactly its mode (a 640 file stays 640) and owner.
        await chmod(temp, existing.mode & 0o7777);
        await chown(temp, existing.uid, existing.gid).catch(() => undefined);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeRename?.();
    await rename(temp, target);
  } finally {
    pendingTemps.delete(temp);
    await rm(temp, { force: true });
  }
}

/** Why a fixed file was not written; the others are still attempted. */
export class WriteRefused extends Error {}

/**
 * Writes the fixed text of a file `fix` read. Refused (a `WriteRefused` with the reason) when the file is
 * hard-linked (replacing it would break the link), not writable (read-only, 444), or changed since it was
 * read (compared by content right before the write and by size and mtime right before the rename). The
 * file's encoding (UTF-16 stays UTF-16), byte-order mark and each line's ending are kept: `source.text`
 * is the LF text it was read as, and the current bytes say what each line ended with.
 */
export async function writeFixedSource(source: SourceFile, after: string): Promise<void> {
  const target = await landing(source.path);
  const info = await stat(target);
  if (!info.isFile()) throw new WriteRefused("not a regular file: not written");
  if (info.nlink > 1)
    throw new WriteRefused(
      `has ${info.nlink} hard links: replacing it would break them, so it is not written (make the change by hand, or give a path without other links)`,
    );
  if ((info.mode & 0o222) === 0)
    throw new WriteRefused("is read-only (no write permission bit): not written; make it writable to fix it");
  const current = await readBounded(target, Math.max(info.size, 1), false);
  if ("refused" in current) throw new WriteRefused(current.message);
  if (source.read?.digest !== undefined && current.digest !== source.read.digest)
    throw new WriteRefused("changed since it was read: left as it is now; run fix again");
  const form = formOf(current.bytes);
  if (!form) throw new WriteRefused("is no longer text: not written");
  const bytes = encodeLike(source.text, form, after);
  await replaceAtomically(target, bytes, info, async () => {
    const now = await stat(target);
    if (now.size !== info.size || now.mtimeMs !== info.mtimeMs || now.ino !== info.ino)
      throw new WriteRefused("changed while fix was writing it: left as it is now; run fix again");
  });
}

/**
 * The before and after texts of a fixed file with the line endings `writeFixedSource` would write (a CRLF
 * file's lines end in CRLF on both sides), for `fix --diff`: a patch that `patch`/`git apply` applies to
 * the file's own bytes. Where the file cannot be read again, the LF texts.
 */
export async function textsAsWritten(
  path: string,
  before: string,
  after: string,
): Promise<{ before: string; after: string }> {
  const form = await readFile(path)
    .then(formOf)
    .catch(() => undefined);
  if (!form) return { before, after };
  return { before: endingsLike(before, form, before), after: endingsLike(before, form, after) };
}

/**
 * Writes a report or drawing (`-o`, `--svg`, `--report`) that must not replace one of the inputs: a path
 * that is (or links to) a file that was read (`inputs`: the files read, and the paths named) is refused.
 */
export async function writeOutputFile(
  path: string,
  content: string | Buffer,
  inputs: readonly string[],
): Promise<void> {
  await refuseInputAsOutput(path, inputs);
  await writeFileAtomic(path, content);
}

/**
 * Throws `WriteRefused` when `path` is (or links to) one of `inputs`: called before long work too
 * (`rehearse -o`, `--report`), so that a run of minutes does not end in a refusal.
 */
export async function refuseInputAsOutput(path: string, inputs: readonly string[]): Promise<void> {
  const target = await realpath(path).catch(() => path);
  for (const input of inputs) {
    if (input === "-") continue;
    const real = await realpath(input).catch(() => undefined);
    if (real !== undefined && real === target)
      throw new WriteRefused(`${path} is one of the inputs (${input}): not overwritten`);
  }
}
