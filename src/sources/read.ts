import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import type { Readable } from "node:stream";

/**
 * Reading a user's input within a byte budget decided before the read. `stat` says 0 bytes for
 * `/dev/zero` and for a FIFO, so the size check alone is no bound: every read here stops at the cap, and a
 * walk never opens what is not a regular file (a FIFO with no writer would block the walk forever).
 */

/** What was read, and enough to tell later whether the file changed since (see `write.ts`). */
export interface BoundedRead {
  bytes: Buffer;
  /** sha256 of `bytes`, hex. */
  digest: string;
  /** Regular files only: the size and modification time `fstat` gave on the handle that was read. */
  stat?: { size: number; mtimeMs: number; dev: number; ino: number };
}

/** Why a read stopped without giving text: the caller turns this into a located problem. */
export interface ReadRefusal {
  refused: "too-large" | "not-a-regular-file" | "unreadable";
  message: string;
}

/** What a file is, in the words a person uses (`fs.Stats` has only predicates). */
export function fileType(info: Stats): string {
  if (info.isFile()) return "a regular file";
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  if (info.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/**
 * Reads at most `maxBytes` of a file. `named` files (given on the command line) may be FIFOs or devices
 * (`<(helm template .)` is a FIFO): they are opened with O_NONBLOCK, so that open() does not wait for a
 * writer, and read until EOF or the cap. Files found by a walk must be regular (checked with `fstat` on the
 * opened handle, so a file swapped for a FIFO between the walk and the read is still refused).
 */
export async function readBounded(
  path: string,
  maxBytes: number,
  named: boolean,
): Promise<BoundedRead | ReadRefusal> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading blocks until a writer opens it; a regular file ignores it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { refused: "unreadable", message: `cannot read: ${describeFsError(error)}` };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { refused: "unreadable", message: "cannot read: is a directory" };
    if (info.isFile()) {
      if (info.size > maxBytes) return tooLarge(`file is ${formatBytes(info.size)}`, maxBytes);
      const bytes = await readUpTo(handle, maxBytes + 1, false);
      // A file that grew between fstat and the read is refused like one that was large from the start.
      if (bytes.length > maxBytes) return stopped("the file grew while read", maxBytes);
      return {
        bytes,
        digest: digestOf(bytes),
        stat: { size: info.size, mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino },
      };
    }
    if (!named) {
      return { refused: "not-a-regular-file", message: `${fileType(info)}, not a regular file: not read` };
    }
    const bytes = await readUpTo(handle, maxBytes + 1, true);
    if (bytes.length > maxBytes) {
      return stopped(fileType(info), maxBytes);
    }
    return { bytes, digest: digestOf(bytes) };
  } catch (error) {
    return { refused: "unreadable", message: `cannot read: ${describeFsError(error)}` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** How long a non-blocking FIFO read waits between tries when no data is there yet. */
const EAGAIN_WAIT_MS = 20;

async function readUpTo(handle: FileHandle, limit: number, mayWouldBlock: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(65536, limit - total));
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
    } catch (error) {
      if (mayWouldBlock && (error as NodeJS.ErrnoException).code === "EAGAIN") {
        await new Promise((resolve) => setTimeout(resolve, EAGAIN_WAIT_MS));
        continue;
      }
      throw error;
    }
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads a stream (standard input) until its end or until more than `maxBytes` arrived; then it stops
 * reading and destroys the stream, so `yes | fpm-graceful check -` ends (the writer gets EPIPE) with a
 * problem instead of growing without bound.
 */
export async function readStreamBounded(
  stream: Readable,
  maxBytes: number,
): Promise<BoundedRead | ReadRefusal> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(buffer);
      total += buffer.length;
      if (total > maxBytes) {
        stream.destroy();
        return stopped("standard input", maxBytes);
      }
    }
  } catch (error) {
    return { refused: "unreadable", message: `cannot read standard input: ${describeFsError(error)}` };
  }
  const bytes = Buffer.concat(chunks, total);
  return { bytes, digest: digestOf(bytes) };
}

export function digestOf(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function stopped(what: string, maxBytes: number): ReadRefusal {
  return {
    refused: "too-large",
    message: `${what}: reading stopped at the ${formatBytes(maxBytes)} limit (--max-file-size)`,
  };
}

function tooLarge(what: string, maxBytes: number): ReadRefusal {
  return {
    refused: "too-large",
    message: `${what}, over the ${formatBytes(maxBytes)} limit (--max-file-size)`,
  };
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ELOOP") return "too many levels of symbolic links";
  if (code === "ENOTDIR") return "a path component is not a directory";
  return error instanceof Error ? error.message : String(error);
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
