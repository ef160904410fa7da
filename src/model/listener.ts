import { basename, dirname } from "node:path";
import { expandFpmValue } from "./effective.js";
import type { Container } from "./types.js";

/**
 * What a server really listens on, as far as the inputs and the image table say: a TCP port (and whether
 * only on loopback, which the kubelet's probes, sent to the pod IP, cannot reach), a unix socket, or
 * unknown. Readiness probes and the drain hook are built from it; a guessed port never is.
 */
export type Listener =
  | { kind: "tcp"; port: number; loopbackOnly: boolean; because: string }
  | { kind: "unix"; path: string; because: string }
  | { kind: "unknown"; because: string };

/**
 * php-fpm's listener: the `listen` of its pools, in the order php-fpm reads its files (the main file, then
 * `php-fpm.d/*.conf` by name, so the official images' `zz-docker.conf` — `[www] listen = 9000` — comes
 * after a user's `www.conf`, unless a mount replaces the whole folder). nginx's: the `listen` of its linked
 * configs, else the image's default.conf if nothing hides it.
 *
 * @example
 *   listenerOf(container); // { kind: "unix", path: "/run/php/fpm.sock", because: "listen = … (ConfigMap …)" }
 */
export function listenerOf(container: Container): Listener {
  return container.role === "nginx" ? nginxListener(container) : fpmListener(container);
}

interface ListenEntry {
  value: string;
  /** The file it is read from, for ordering. */
  file: string;
  section: string;
  because: string;
}

function fpmListener(container: Container): Listener {
  const entries: ListenEntry[] = container.settings
    .filter((s) => s.key === "listen" && s.scope === "fpm-pool")
    .map((s) => ({
      value: s.value,
      file: s.destination ?? s.loc.file,
      section: s.section ?? "www",
      because: `listen = ${s.value} (${s.via})`,
    }));
  const image = container.imageFacts.listen;
  const dir = container.imageFacts.fpmConfigDir?.value;
  // A volume mounted over the whole folder hides the image's own files in it.
  const hidden =
    dir !== undefined && container.mounts.some((m) => m.subPath === undefined && sameDir(m.mountPath, dir));
  if (image && dir && !hidden) {
    entries.push({
      value: image.value.value,
      file: `${dir}/${image.value.file}`,
      section: "www",
      because: `listen = ${image.value.value} in the image's ${image.value.file} (${image.source})`,
    });
  }
  if (entries.length === 0)
    return { kind: "unknown", because: "no php-fpm pool config among the inputs says where it listens" };
  // php-fpm reads the main file first, then the included files by name; the last `listen` of a pool wins.
  const ordered = [...entries].sort(
    (a, b) => order(a.file) - order(b.file) || basename(a.file).localeCompare(basename(b.file)),
  );
  const bySection = new Map<string, ListenEntry>();
  for (const entry of ordered) bySection.set(entry.section.replace(/ \(carried over.*\)$/, ""), entry);
  const listeners = [...bySection.values()].map((e) => parseFpmListen(e, container));
  return (
    listeners.find((l) => l.kind === "tcp" && !l.loopbackOnly) ??
    listeners.find((l) => l.kind === "tcp") ??
    listeners.find((l) => l.kind === "unix") ??
    listeners[0] ?? { kind: "unknown", because: "no pool listens" }
  );
}

/** php-fpm.conf (the main file) before the files it includes. */
function order(file: string): number {
  return /php-fpm\.conf$/.test(file) ? 0 : 1;
}

function sameDir(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

function parseFpmListen(entry: ListenEntry, container: Container): Listener {
  const expanded = expandFpmValue(entry.value, container);
  if (expanded.unknown) return { kind: "unknown", because: `${entry.because}: ${expanded.unknown}` };
  const value = expanded.value.trim();
  if (value.startsWith("/")) return { kind: "unix", path: value, because: entry.because };
  // `9000`, `127.0.0.1:9000`, `[::1]:9000`, `0.0.0.0:9000`, `[::]:9000` (php-fpm's fpm_sockets.c forms).
  const m = value.match(/^(?:(\[[^\]]*\]|[^:]+):)?(\d+)$/);
  if (!m?.[2]) return { kind: "unknown", because: `${entry.because}: not an address php-fpm accepts` };
  const host = m[1]?.replace(/^\[|\]$/g, "");
  return { kind: "tcp", port: Number(m[2]), loopbackOnly: isLoopback(host), because: entry.because };
}

function isLoopback(host: string | undefined): boolean {
  return host !== undefined && (/^127\./.test(host) || host === "::1" || host === "localhost");
}

function nginxListener(container: Container): Listener {
  const own = container.settings.filter((s) => s.key === "listen" && s.scope === "nginx");
  const listeners = own.map((s): Listener => {
    const address = s.value.split(/\s+/)[0] ?? "";
    if (address.startsWith("unix:"))
      return { kind: "unix", path: address.slice(5), because: `listen ${s.value} (${s.via})` };
    const m = address.match(/^(?:(\[[^\]]*\]|[^:]+):)?(\d+)$/);
    if (!m?.[2]) return { kind: "unknown", because: `listen ${s.value} (${s.via}): not read as an address` };
    const host = m[1]?.replace(/^\[|\]$/g, "");
    return {
      kind: "tcp",
      port: Number(m[2]),
      loopbackOnly: isLoopback(host),
      because: `listen ${s.value} (${s.via})`,
    };
  });
  const reachable = listeners.find((l) => l.kind === "tcp" && !l.loopbackOnly);
  if (reachable) return reachable;
  const image = container.imageFacts.listen;
  if (image) {
    const file = image.value.file;
    // A mount over the file, or over its folder, replaces the image's default server.
    const hidden = container.mounts.some(
      (m) => m.mountPath === file || (m.subPath === undefined && sameDir(m.mountPath, dirname(file))),
    );
    if (!hidden)
      return {
        kind: "tcp",
        port: Number(image.value.value),
        loopbackOnly: false,
        because: `listen ${image.value.value} in the image's ${file} (${image.source})`,
      };
  }
  return (
    listeners[0] ?? { kind: "unknown", because: "no nginx config among the inputs says where it listens" }
  );
}
