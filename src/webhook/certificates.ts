import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks a certificate and its key: a pair that does not match throws, with both paths named. */
export async function readKeyPair(certFile: string, keyFile: string): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`${certFile} and ${keyFile} are not a usable certificate and key: ${String(error)}`, {
      cause: error,
    });
  }
  return { cert, key };
}

export interface CertificateWatch {
  close(): void;
}

export interface WatchOptions {
  certFile: string;
  keyFile: string;
  /** Wait this long after the last change before reading: cert-manager writes the key and the cert apart. */
  debounceMs: number;
  /** Compare the files' contents this often too, in case the file system sends no event (network volumes). */
  pollMs: number;
  initial: KeyPair;
  onReload(pair: KeyPair): void;
  onError(error: Error): void;
}

/**
 * Calls `onReload` with the new pair when the files change. A Secret volume (cert-manager's) is updated by
 * an atomic swap of the `..data` symlink: the files' own inodes never change, so the watch is on their
 * directories. A half-written or mismatched pair is reported and the previous one kept; the next change
 * (or poll) tries again.
 */
export function watchKeyPair(options: WatchOptions): CertificateWatch {
  let fingerprint = fingerprintOf(options.initial);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const reload = async () => {
    try {
      const pair = await readKeyPair(options.certFile, options.keyFile);
      const next = fingerprintOf(pair);
      if (closed || next === fingerprint) return;
      fingerprint = next;
      options.onReload(pair);
    } catch (error) {
      if (!closed) options.onError(error as Error);
    }
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set([dirname(options.certFile), dirname(options.keyFile)])) {
    try {
      const watcher = watch(directory, schedule);
      watcher.on("error", (error) => options.onError(error));
      watchers.push(watcher);
    } catch (error) {
      options.onError(error as Error);
    }
  }
  const poll = setInterval(schedule, options.pollMs);
  poll.unref();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}

function fingerprintOf(pair: KeyPair): string {
  return createHash("sha256").update(pair.cert).update("\0").update(pair.key).digest("hex");
}
