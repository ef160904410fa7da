import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads and checks a certificate and its key as a pair: the key must be the certificate's (an RSA
 * certificate with an EC key passed `createSecureContext`, was "reloaded", and then every handshake
 * failed: issue 16). A pair that does not match throws, with both paths named and why.
 *
 * @example
 *   const pair = await readKeyPair("/tls/tls.crt", "/tls/tls.key"); // throws on a mismatched key
 */
export async function readKeyPair(certFile: string, keyFile: string): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  const problem = keyPairProblem(cert, key);
  if (problem) throw new Error(`${certFile} and ${keyFile} are not a usable certificate and key: ${problem}`);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`${certFile} and ${keyFile} are not a usable certificate and key: ${String(error)}`, {
      cause: error,
    });
  }
  return { cert, key };
}

/** Why `cert` and `key` are not a pair (unreadable, or the key is not the certificate's), or undefined. */
export function keyPairProblem(cert: Buffer, key: Buffer): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    return `the certificate is not a PEM X.509 certificate (${(error as Error).message})`;
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    return `the key is not a PEM private key (${(error as Error).message})`;
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    const certType = certificate.publicKey.asymmetricKeyType ?? "unknown";
    const keyType = privateKey.asymmetricKeyType ?? "unknown";
    return certType === keyType
      ? `the key is not the certificate's (both ${certType}, different keys)`
      : `the key is not the certificate's (an ${certType} certificate with an ${keyType} key)`;
  }
  return undefined;
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
