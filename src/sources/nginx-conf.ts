import type { LineMapper } from "./ini.js";
import type { SourceLocation } from "./location.js";

/** A simple nginx directive (`name args;`) with where it stands. Blocks are flattened: context is not needed. */
export interface NginxDirective {
  name: string;
  args: string[];
  loc: SourceLocation;
}

/** The directives that bear on shutdown: where requests go, and how long nginx waits for them. */
const INTERESTING = new Set([
  "fastcgi_pass",
  "fastcgi_read_timeout",
  "fastcgi_connect_timeout",
  "proxy_pass",
  "worker_shutdown_timeout",
  "keepalive_timeout",
  "listen",
  // FastCGI keep-alive: cached connections hold php-fpm's workers through its graceful finish.
  "fastcgi_keep_conn",
  "keepalive",
]);

/** Reads the shutdown-relevant directives of an nginx configuration. */
export function parseNginxConf(text: string, at: LineMapper): NginxDirective[] {
  const out: NginxDirective[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const code = line.replace(/#.*$/, "");
    for (const m of code.matchAll(/(?:^|[;{}])\s*([a-z_]+)\s+([^;{}]*);/g)) {
      const name = m[1] ?? "";
      if (!INTERESTING.has(name)) continue;
      const column = (m.index ?? 0) + (m[0].length - m[0].trimStart().length);
      out.push({ name, args: (m[2] ?? "").trim().split(/\s+/), loc: at(index, column) });
    }
  });
  return out;
}

/** nginx time values: `60s`, `1m`, `500ms`, or a bare number of seconds. */
export function parseNginxSeconds(value: string): number | undefined {
  const m = value.match(/^(\d+)(ms|s|m|h)?$/);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  const seconds = m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
  // nginx's ngx_parse_time refuses values that overflow its integer type; a bound keeps sums finite.
  return seconds <= 2 ** 31 - 1 ? seconds : undefined;
}
