/**
 * A user's own nginx configuration made runnable in a rehearsal pod (issue 13: "`rehearse PATH` runs the
 * user's own nginx and php-fpm configuration where it is given, with the docroot made runnable"). The files
 * the model linked to the nginx container (ConfigMaps at their mount paths, files COPY'd by its Dockerfile,
 * files given on the command line) are read as nginx reads them: the main file (the one with the `http`
 * block; else the official image's, reading every given file no other includes), its `include`s resolved against the
 * other given files and the stock parameter files the nginx package ships. What ties them to the image or
 * the cluster is rewritten, and said in `notes`:
 * - the main context's `user`, `pid`, `error_log`, `worker_processes`, `events` and modules are the
 *   rehearsal's (`nginxPreamble`); `worker_shutdown_timeout` and every other setting stay;
 * - the servers on the port traffic reaches listen on the pod's address instead (the first of them, or
 *   the `default_server`, takes every Host); servers on other ports or TLS-only are left out;
 * - `root` (and a `SCRIPT_FILENAME` naming the image's own path) is the rehearsal app's folder, so `try_files … /index.php` and `$document_root$fastcgi_script_name`
 *   reach the app that answers the load;
 * - `fastcgi_pass` (an address, a variable, or an `upstream` block, whose `keepalive` and other settings
 *   stay) goes to the pod's php-fpm; other upstream hosts (a cluster DNS name nginx cannot resolve here) go
 *   to a closed local port;
 * - logs and temp paths are the pod's; TLS, HTTP/2 and QUIC directives are left out (the rehearsal speaks
 *   plain HTTP/1.1);
 * - every server and location adds the headers the rehearsal classifies failures by (`X-Upstream`).
 * nginx itself is the judge of the result: `preflightUserNginx` runs `nginx -t` on it before the rehearsal
 * and falls back to the rehearsal's own config, with the reason, when it fails.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { parse } from "nginx-conf";
import picomatch from "picomatch";

/** One of the user's nginx files: where the container reads it (undefined: given on the command line). */
export interface UserNginxFile {
  name: string;
  destination?: string;
  text: string;
}

export interface UserNginxContext {
  /** The pod's container folder: the main file's folder, where relative includes resolve. */
  dir: string;
  /** `ip:port` nginx listens on. */
  listen: string;
  /** `host:port` of php-fpm. */
  fastcgiUpstream: string;
  appDir: string;
  podName: string;
  /** Where the host's nginx keeps its stock files (Debian: /etc/nginx). */
  stockDir?: string;
}

/** `main`: the main context's directives (after the rehearsal's own); `http`: the http block's (after its own). */
export type RunnableNginx =
  | { ok: true; main: string; http: string; notes: string[] }
  | { ok: false; reason: string };

const IMAGE_CONF_DIR = "/etc/nginx";
/**
 * Parameter files every nginx package ships, identical in the official image (nginx.org packages) and
 * Debian's nginx-common: an include of one of them is served from the host's copy.
 */
const STOCK_FILES = [
  "mime.types",
  "fastcgi_params",
  "fastcgi.conf",
  "proxy_params",
  "scgi_params",
  "uwsgi_params",
  "snippets/fastcgi-php.conf",
];
/**
 * The official image's `http` context when the user gives no main file: the nginx.org package's
 * /etc/nginx/nginx.conf, which the image installs (nginxinc/docker-nginx:mainline/debian/Dockerfile
 * installs the `nginx` package and only adds `conf.d/default.conf`), which then includes `conf.d/*.conf`.
 */
const IMAGE_HTTP = [
  "include /etc/nginx/mime.types",
  "default_type application/octet-stream",
  "sendfile on",
  "keepalive_timeout 65",
];
const MAIN_OWN = new Set(["user", "pid", "error_log", "worker_processes", "daemon", "master_process"]);
const MAIN_DROPPED = new Set(["load_module", "lock_file", "events", "stream", "mail", "thread_pool"]);
/** Directives tied to the image's files, TLS or protocols the rehearsal does not speak. */
const DROPPED = (name: string) =>
  /^(ssl|http2|http3|quic)(_|$)/.test(name) ||
  /_temp_path$/.test(name) ||
  name === "access_log" ||
  name === "error_log" ||
  name === "listen" ||
  name === "root";
const MAX_INCLUDE_DEPTH = 10;
/** Real configs nest a few levels (http, server, location, if); the bound keeps every walk of the tree shallow. */
const MAX_BLOCK_DEPTH = 64;

interface Node {
  name: string;
  value: string;
  children: Node[] | undefined;
}

/** The parser's tree node (nginx-conf exports the class only from its inner module). */
interface ParsedNode {
  name: string;
  value: string;
  isBlock: boolean;
  children: ParsedNode[] | null;
}

function fromParsed(node: ParsedNode): Node {
  return {
    name: node.name,
    value: node.value,
    children: node.isBlock ? (node.children ?? []).map(fromParsed) : undefined,
  };
}

/**
 * Where a block is left open or closed twice: nginx-conf's parser accepts both silently (it closes open
 * blocks at the end), which would rehearse another config than the user's. Quotes and comments skipped.
 */
function unbalanced(text: string): string | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    else if (ch === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end - 1;
    } else if (ch === '"' || ch === "'") {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === "\\") i++;
    } else if (ch === "{") {
      if (++depth > MAX_BLOCK_DEPTH) return `line ${line}: blocks nested deeper than ${MAX_BLOCK_DEPTH}`;
    } else if (ch === "}" && --depth < 0) return `line ${line}: unexpected "}"`;
  }
  return depth > 0 ? `unexpected end of file, expecting "}"` : undefined;
}

function parseText(file: UserNginxFile): Node[] | string {
  const braces = unbalanced(file.text);
  if (braces) return `${file.name}: ${braces}`;
  let result: Node[] | string = `${file.name}: could not be parsed`;
  try {
    parse(file.text, (error, tree) => {
      if (error) result = `${file.name}: ${error.message}`;
      else if (tree) result = (tree.children ?? []).map(fromParsed);
    });
  } catch (error) {
    result = `${file.name}: ${(error as Error).message}`;
  }
  if (typeof result !== "string" && hasVerbatim(result))
    return `${file.name}: Lua blocks (*_by_lua_block) are not run in a rehearsal`;
  return result;
}

/** Every `include` pattern of a file, at any depth. */
function includesOf(nodes: Node[]): string[] {
  return nodes.flatMap((n) =>
    n.name === "include" && !n.children
      ? [words(n.value)[0] ?? ""]
      : n.children
        ? includesOf(n.children)
        : [],
  );
}

function hasVerbatim(nodes: Node[]): boolean {
  return nodes.some((n) => /_by_lua_block$/.test(n.name) || (n.children ? hasVerbatim(n.children) : false));
}

function serialize(nodes: Node[], depth: number): string {
  const pad = "  ".repeat(depth);
  return nodes
    .map((n) => {
      const head = n.value === "" ? n.name : `${n.name} ${n.value}`;
      return n.children
        ? `${pad}${head} {\n${serialize(n.children, depth + 1)}${pad}}\n`
        : `${pad}${head};\n`;
    })
    .join("");
}

const directive = (name: string, value: string): Node => ({ name, value, children: undefined });
const words = (value: string) => value.trim().split(/\s+/);

/**
 * The user's nginx files rewritten to run in one rehearsal pod (see the file comment), or why they cannot.
 *
 * @example
 *   const r = runnableNginxConfig([{ name: "default.conf", destination: "/etc/nginx/conf.d/default.conf", text }],
 *     { dir, listen: "127.1.0.2:8080", fastcgiUpstream: "127.1.0.2:9000", appDir, podName: "web-1" });
 *   if (r.ok) writeFileSync(join(dir, "nginx.conf"), `${preamble.main}\n${r.main}http {\n${preamble.http}\n${r.http}}\n`);
 */
export function runnableNginxConfig(files: readonly UserNginxFile[], ctx: UserNginxContext): RunnableNginx {
  const parsed = new Map<UserNginxFile, Node[]>();
  for (const file of files) {
    const nodes = parseText(file);
    if (typeof nodes === "string") return { ok: false, reason: nodes };
    parsed.set(file, nodes);
  }
  const notes: string[] = [];
  const byDestination = files.map((file, index) => ({
    file,
    path:
      file.destination ??
      (parsed.get(file)?.some((n) => n.name === "http")
        ? `${IMAGE_CONF_DIR}/nginx.conf`
        : `${IMAGE_CONF_DIR}/conf.d/${index}-${posix.basename(file.name)}`),
  }));
  // The main file: the one with the http block (the image's own path first), wherever the image keeps it.
  const withHttp = byDestination.filter((f) => parsed.get(f.file)?.some((n) => n.name === "http"));
  const main = withHttp.find((f) => f.path === `${IMAGE_CONF_DIR}/nginx.conf`) ?? withHttp[0];
  // Without one, the image's main file includes the given files from where it mounts them (conf.d for the
  // official image, server_blocks/ for Bitnami's): each file no other given file includes is read in http.
  const includedByOthers = (f: (typeof byDestination)[number]) =>
    byDestination.some(
      (o) =>
        o !== f &&
        includesOf(parsed.get(o.file) ?? []).some((pattern) =>
          picomatch.isMatch(
            f.path,
            posix.isAbsolute(pattern) ? pattern : posix.join(IMAGE_CONF_DIR, pattern),
          ),
        ),
    );
  const tops = main ? [] : byDestination.filter((f) => !includedByOthers(f));
  for (const top of tops)
    if (!top.path.startsWith(`${IMAGE_CONF_DIR}/conf.d/`))
      notes.push(
        `${top.path}: read in the http context, as the image's own nginx.conf (not among the inputs) includes it`,
      );
  const mainNodes: Node[] = main
    ? (parsed.get(main.file) ?? [])
    : [
        {
          name: "http",
          value: "",
          children: [
            ...IMAGE_HTTP.map((line) => {
              const [name = "", ...rest] = words(line);
              return directive(name, rest.join(" "));
            }),
            ...tops.map((top) => directive("include", top.path)),
          ],
        },
      ];
  const stock = ctx.stockDir ?? IMAGE_CONF_DIR;
  const copied = new Set<string>();
  const include = (pattern: string, depth: number): Node[] => {
    const absolute = posix.isAbsolute(pattern) ? pattern : posix.join(IMAGE_CONF_DIR, pattern);
    const matches = byDestination
      .filter((f) => f !== main && picomatch.isMatch(f.path, absolute))
      .sort((a, b) => a.path.localeCompare(b.path));
    if (matches.length > 0) {
      if (depth >= MAX_INCLUDE_DEPTH)
        throw new Error(`include ${pattern}: nested more than ${MAX_INCLUDE_DEPTH} deep`);
      return matches.flatMap((m) => resolveIncludes(parsed.get(m.file) ?? [], depth + 1));
    }
    const relative = absolute.startsWith(`${IMAGE_CONF_DIR}/`)
      ? absolute.slice(IMAGE_CONF_DIR.length + 1)
      : "";
    if (STOCK_FILES.includes(relative) && existsSync(join(stock, relative))) {
      // Copied beside the main file: stock files include each other by relative paths (fastcgi-php.conf).
      for (const name of STOCK_FILES) {
        if (copied.has(name) || !existsSync(join(stock, name))) continue;
        mkdirSync(dirname(join(ctx.dir, name)), { recursive: true });
        copyFileSync(join(stock, name), join(ctx.dir, name));
        copied.add(name);
      }
      return [directive("include", relative)];
    }
    if (!/[*?[]/.test(pattern)) notes.push(`include ${pattern}: not among the inputs, left out`);
    return [];
  };
  const resolveIncludes = (nodes: Node[], depth: number): Node[] =>
    nodes.flatMap((n) =>
      n.name === "include" && !n.children
        ? include(words(n.value)[0] ?? "", depth)
        : [{ ...n, children: n.children ? resolveIncludes(n.children, depth) : undefined }],
    );
  let tree: Node[];
  try {
    tree = resolveIncludes(mainNodes, 0);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const http = tree.find((n) => n.name === "http" && n.children);
  if (!http?.children) return { ok: false, reason: "no http block in the main file" };
  const upstreams = http.children.filter((n) => n.name === "upstream" && n.children);
  const fastcgiUpstreams = new Set<string>();
  const servers = chooseServers(http.children, notes);
  if (servers.length === 0) return { ok: false, reason: "no server block listens for plain HTTP" };
  const headers = [
    directive(
      "add_header",
      `X-Upstream "$upstream_addr|$upstream_status|$upstream_connect_time|$upstream_header_time|$upstream_response_time" always`,
    ),
    directive("add_header", `X-Nginx-Pod ${ctx.podName} always`),
  ];
  const roots = new Set<string>();
  const rewrite = (nodes: Node[]): Node[] => {
    const out: Node[] = [];
    for (const n of nodes) {
      if (n.name === "root") roots.add(words(n.value)[0] ?? "");
      if (DROPPED(n.name)) continue;
      if (n.name === "fastcgi_pass") {
        const target = words(n.value)[0] ?? "";
        if (upstreams.some((u) => u.value.trim() === target)) {
          fastcgiUpstreams.add(target);
          out.push(n);
        } else out.push(directive("fastcgi_pass", ctx.fastcgiUpstream));
        continue;
      }
      const script =
        n.name === "fastcgi_param" ? /^SCRIPT_FILENAME\s+(\/[^$\s]*)(\$\S*)?$/.exec(n.value.trim()) : null;
      if (script) {
        // A script path of the image (`/var/www/app/public$fastcgi_script_name`, or a literal file): the
        // rehearsal app's folder in place of the image's, its variable part kept.
        const rest = script[2] ?? "";
        out.push(
          directive(
            "fastcgi_param",
            `SCRIPT_FILENAME ${rest ? `${ctx.appDir}${rest}` : `${ctx.appDir}/index.php`}`,
          ),
        );
        notes.push(`SCRIPT_FILENAME ${script[1]}…: the rehearsal app's folder instead`);
        continue;
      }
      if (n.name === "proxy_pass" || n.name === "uwsgi_pass" || n.name === "grpc_pass") {
        out.push(closedTarget(n, upstreams, notes));
        continue;
      }
      if (n.children) {
        const children = rewrite(n.children);
        out.push({ ...n, children: n.name === "location" ? [...children, ...headers] : children });
        continue;
      }
      out.push(n);
    }
    return out;
  };
  const keptServers = servers.map((s, i) => ({
    ...s,
    children: [
      directive("listen", `${ctx.listen}${i === 0 ? " default_server" : ""} backlog=511`),
      directive("root", ctx.appDir),
      ...rewrite(s.children ?? []),
      ...headers,
    ],
  }));
  for (const root of roots) {
    if (root && root !== ctx.appDir) notes.push(`root ${root}: the rehearsal app's folder instead`);
  }
  const httpChildren: Node[] = [];
  for (const n of http.children) {
    if (n.name === "server") {
      const kept = keptServers[servers.indexOf(n)];
      if (kept) httpChildren.push(kept);
      continue;
    }
    if (DROPPED(n.name)) continue;
    if (n.name === "upstream" && n.children) {
      httpChildren.push(
        fastcgiUpstreams.has(n.value.trim())
          ? {
              ...n,
              children: [
                directive("server", ctx.fastcgiUpstream),
                ...n.children.filter((c) => c.name !== "server" && c.name !== "zone"),
              ],
            }
          : closedUpstream(n, notes),
      );
      continue;
    }
    httpChildren.push(n.children ? { ...n, children: rewrite(n.children) } : n);
  }
  const mainKept: Node[] = [];
  for (const n of tree) {
    if (n === http) continue;
    if (MAIN_OWN.has(n.name)) continue;
    if (MAIN_DROPPED.has(n.name)) {
      if (n.name === "stream" || n.name === "mail") notes.push(`${n.name} block: not rehearsed, left out`);
      continue;
    }
    mainKept.push(n);
  }
  return {
    ok: true,
    main: serialize(mainKept, 0),
    http: serialize(httpChildren, 1),
    notes: [...new Set(notes)],
  };
}

/**
 * The servers that get the rehearsal's traffic: those on the port of the plain-HTTP servers that pass
 * requests to php-fpm (else the port most servers listen on), the `default_server` first. TLS-only servers
 * and servers on other ports (a `stub_status` page for an exporter, a redirect on 443) are left out.
 */
function chooseServers(http: Node[], notes: string[]): Node[] {
  const plain = http
    .filter((n) => n.name === "server" && n.children)
    .map((server) => {
      const listens = (server.children ?? []).filter((c) => c.name === "listen").map((c) => words(c.value));
      const open = listens.filter((w) => !w.includes("ssl") && !w.includes("quic"));
      const port = open.length > 0 ? portOf(open[0]?.[0] ?? "") : listens.length === 0 ? "80" : undefined;
      return {
        server,
        port,
        isDefault: open.some((w) => w.includes("default_server") || w.includes("default")),
      };
    });
  // The port of the servers that pass to php-fpm; among several, the one most servers listen on.
  const counts = new Map<string, number>();
  const php = plain.filter((p) => passesToFpm(p.server.children ?? []));
  for (const p of php.length > 0 ? php : plain) if (p.port) counts.set(p.port, (counts.get(p.port) ?? 0) + 1);
  const port = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const chosen = plain.filter((p) => p.port !== undefined && p.port === port);
  for (const p of plain) {
    if (!chosen.includes(p))
      notes.push(`server on ${p.port ? `port ${p.port}` : "TLS only"}: not rehearsed, left out`);
  }
  return [...chosen.filter((p) => p.isDefault), ...chosen.filter((p) => !p.isDefault)].map((p) => p.server);
}

function passesToFpm(nodes: Node[]): boolean {
  return nodes.some((n) => n.name === "fastcgi_pass" || (n.children ? passesToFpm(n.children) : false));
}

function portOf(address: string): string {
  if (/^\d+$/.test(address)) return address;
  if (address.startsWith("unix:")) return address;
  const m = /:(\d+)$/.exec(address);
  return m?.[1] ?? "80";
}

/** A proxy to another service of the cluster: sent to a closed local port (refused), with a note. */
function closedTarget(n: Node, upstreams: Node[], notes: string[]): Node {
  const [target = "", ...rest] = words(n.value);
  const scheme = /^[a-z]+:\/\//.exec(target)?.[0] ?? "";
  const host = target.slice(scheme.length).split("/")[0] ?? "";
  if (upstreams.some((u) => u.value.trim() === host) || host.includes("$")) return n;
  if (/^127\.|^localhost(:|$)/.test(host)) return n;
  notes.push(`${n.name} ${target}: another service, sent to a closed local port`);
  return directive(n.name, [`${scheme}127.0.0.1:9`, ...rest].join(" "));
}

function closedUpstream(n: Node, notes: string[]): Node {
  const servers = (n.children ?? []).filter((c) => c.name === "server");
  if (servers.every((s) => /^(127\.|localhost|unix:)/.test(words(s.value)[0] ?? ""))) return n;
  notes.push(`upstream ${n.value.trim()}: another service, sent to a closed local port`);
  return {
    ...n,
    children: [
      directive("server", "127.0.0.1:9"),
      ...(n.children ?? []).filter((c) => c.name !== "server" && c.name !== "zone" && c.name !== "resolver"),
    ],
  };
}
