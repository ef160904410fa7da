import { type IniParse, type LineMapper, parseIni } from "../sources/ini.js";
import { parseNginxConf } from "../sources/nginx-conf.js";
import type { ConfigSetting, SourceLocation } from "./types.js";

/** Where a config file lands in a container, which decides who reads it and how. */
export type ConfigPlacement =
  /** php-fpm's main file (`php-fpm.conf`): entries before any header are `[global]`. */
  | "fpm-main"
  /** An included fpm file (`php-fpm.d/*.conf`): the section carries over from the file before, a pool. */
  | "fpm-include"
  /** php.ini or a `conf.d/*.ini` file: PHP settings; php-fpm's own globals are not read here. */
  | "php-ini"
  | "nginx";

/** Decides a config's placement from the path it is mounted or copied to, else from its name and text. */
export function placementOf(path: string, text: string | undefined): ConfigPlacement | undefined {
  const p = path.toLowerCase();
  // PHP source, scripts and data mounted from a ConfigMap (Drupal's settings.php, wp-config.php) are not
  // configs php-fpm or nginx read, whatever their text looks like.
  if (/\.(php|phtml|inc|module|js|json|ya?ml|html?|sh|txt|md|xml|csv|pem|crt|key|sql)$/.test(p))
    return undefined;
  // supervisord's own configs (`/etc/supervisor.d/*.ini` on Alpine, `/etc/supervisor/conf.d/*.conf` on
  // Debian, `[program:…]` sections): an `.ini` or a `conf.d` there is not php.ini, whatever it runs.
  if (
    /(^|\/)etc\/supervisor(\.d|d\.d)?(\/|$)|(^|\/)supervisord[^/]*\.(conf|ini)$/.test(p) ||
    (text !== undefined &&
      /^\s*\[(program|supervisord|eventlistener|group|unix_http_server):?[^\]]*\]/m.test(text))
  )
    return undefined;
  // nginx's config folders (official, openresty, bitnami images), or a `*nginx*.conf` file; not its
  // docroot (`/usr/share/nginx/html`), which ConfigMaps also mount into.
  if (/(^|\/)etc\/nginx(\/|$)|\/nginx\/conf(\/|$)|\/openresty\/nginx\/conf/.test(p)) return "nginx";
  if (/php-fpm\.conf$/.test(p)) return "fpm-main";
  // php-fpm's include folder decides before a file's name: `php-fpm.d/nginx.conf` is a pool.
  if (/php-fpm\.d|pool\.d|\/fpm\/.*\.conf$/.test(p)) return "fpm-include";
  if (/(^|\/)[^/]*nginx[^/]*\.conf$/.test(p)) return "nginx";
  if (/\.ini$|\/conf\.d(\/|$)|php\.ini/.test(p)) return "php-ini";
  if (text === undefined) return undefined;
  if (/^\s*\[PHP\]/m.test(text)) return "php-ini";
  if (/\b(server|location|http)\s*[^;{]*\{|fastcgi_pass/.test(text)) return "nginx";
  if (/^\s*\[[^\]]+\]/m.test(text) || /^\s*(pm|listen|process_control_timeout)\s*=/m.test(text)) {
    return /^\s*\[global\]/m.test(text) || /php-fpm\.conf$/.test(p) ? "fpm-main" : "fpm-include";
  }
  return undefined;
}

const NGINX_KEYS = new Set([
  "fastcgi_pass",
  "fastcgi_read_timeout",
  "worker_shutdown_timeout",
  "keepalive_timeout",
  "listen",
  "fastcgi_keep_conn",
  "keepalive",
]);

/**
 * Reads a php-fpm, php.ini or nginx config into settings, each with the scope php-fpm or nginx really
 * gives it. php-fpm carries the current section over into included files, and the official image's
 * `php-fpm.d/*.conf` end in `[www]`, so an included file's entries before its own header are pool entries
 * (php-src `fpm_conf.c`).
 */
export function readConfigSettings(
  text: string,
  placement: ConfigPlacement,
  at: LineMapper,
  via: string,
): { settings: ConfigSetting[]; problems: IniParse["problems"] } {
  if (placement === "nginx") {
    const settings = parseNginxConf(text, at)
      .filter((d) => NGINX_KEYS.has(d.name))
      .map((d): ConfigSetting => ({ key: d.name, value: d.args.join(" "), loc: d.loc, scope: "nginx", via }));
    return { settings, problems: [] };
  }
  const parsed = parseIni(text, at);
  const settings = parsed.entries.map((entry): ConfigSetting => {
    if (placement === "php-ini") {
      return {
        key: entry.key,
        value: entry.value,
        loc: entry.loc,
        scope: "php-ini",
        via,
        section: entry.section ?? "PHP",
      };
    }
    const section =
      entry.section ?? (placement === "fpm-main" ? "global" : "www (carried over from the file before)");
    return {
      key: entry.key,
      value: entry.value,
      loc: entry.loc,
      scope: section === "global" ? "fpm-global" : "fpm-pool",
      section,
      via,
    };
  });
  return { settings, problems: parsed.problems };
}

/** A single setting written by a Dockerfile RUN line into the file at `target`. */
export function writtenSetting(
  key: string,
  value: string,
  target: string,
  opensGlobal: boolean,
  loc: SourceLocation,
  via: string,
): ConfigSetting | undefined {
  const placement = placementOf(target, undefined) ?? (target.endsWith(".conf") ? "fpm-include" : undefined);
  if (placement === undefined || placement === "nginx") return undefined;
  if (placement === "php-ini") return { key, value, loc, scope: "php-ini", section: "PHP", via };
  const global = opensGlobal || placement === "fpm-main";
  return {
    key,
    value,
    loc,
    scope: global ? "fpm-global" : "fpm-pool",
    section: global ? "global" : "www",
    via,
  };
}
