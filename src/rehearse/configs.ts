/**
 * The config files a pod's containers read, generated into the pod's temp dir: php-fpm's own config (with
 * `process_control_timeout` in `[global]` when the plan sets it), a php.ini plus a `conf.d` scan dir (where a
 * plan's php.ini lines land, exactly where the widely copied recipe writes them), and nginx's config with
 * every temp, log and pid path inside the dir.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerPlan } from "./plan.js";
import { type RunnableNginx, runnableNginxConfig } from "./user-nginx.js";

export const FPM_PORT = 9000;
export const NGINX_PORT = 8080;

export interface Launch {
  argv: string[];
  env: Record<string, string>;
  logFile: string;
}

const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface FpmConfigInput {
  dir: string;
  podName: string;
  ip: string;
  phpFpm: string;
  appDir: string;
  container: ContainerPlan;
}

/** Write fpm.conf, php.ini and conf.d for one fpm container; return how to launch it. */
export function writeFpmConfig(input: FpmConfigInput): Launch {
  const { dir, container } = input;
  const scanDir = join(dir, "conf.d");
  mkdirSync(scanDir, { recursive: true });
  const globals = [
    "[global]",
    `pid = ${join(dir, "php-fpm.pid")}`,
    `error_log = ${join(dir, "php-fpm.log")}`,
    "log_level = notice",
    "daemonize = no",
  ];
  if (container.processControlTimeoutSeconds !== undefined) {
    globals.push(`process_control_timeout = ${container.processControlTimeoutSeconds}s`);
  }
  const pool = [
    "[www]",
    `listen = ${input.ip}:${FPM_PORT}`,
    "listen.backlog = 511",
    "pm = static",
    `pm.max_children = ${container.maxChildren ?? 16}`,
    "clear_env = no",
    "catch_workers_output = yes",
  ];
  const fpmConf = join(dir, "php-fpm.conf");
  const own = (container.fpmConfigs ?? []).map((c) => runnableFpmConfig(c.text));
  const sections = [globals.join("\n"), pool.join("\n")];
  if (own.length > 0) {
    // The user's files after ours, then what must stay ours again (a later value wins in php-fpm's ini
    // reader), for every pool they define: where it listens, who it runs as, no paths of the image.
    const pools = [...new Set(own.flatMap((o) => o.pools))];
    sections.push(
      ...own.map((o) => o.text),
      [
        "[global]",
        `pid = ${join(dir, "php-fpm.pid")}`,
        `error_log = ${join(dir, "php-fpm.log")}`,
        "daemonize = no",
      ].join("\n"),
      ...["www", ...pools].map((name) =>
        [
          `[${name}]`,
          `listen = ${input.ip}:${FPM_PORT}`,
          "user = root",
          "group = root",
          "clear_env = no",
        ].join("\n"),
      ),
    );
  }
  writeFileSync(fpmConf, `${sections.join("\n\n")}\n`);
  const phpIni = join(dir, "php.ini");
  writeFileSync(
    phpIni,
    ["max_execution_time = 0", "display_errors = stderr", "log_errors = On", ""].join("\n"),
  );
  if (container.phpIniLines && container.phpIniLines.length > 0) {
    writeFileSync(join(scanDir, "graceful.ini"), `${container.phpIniLines.join("\n")}\n`);
  }
  const server = [input.phpFpm, "-F", "-R", "-y", fpmConf, "-c", phpIni];
  return {
    argv: wrapPid1(server, container.pid1),
    env: {
      PATH: PATH_ENV,
      PHP_INI_SCAN_DIR: scanDir,
      POD_NAME: input.podName,
      REHEARSE_STARTED_LOG: join(dir, "started.log"),
    },
    logFile: join(dir, `${container.name}.out`),
  };
}

export interface NginxConfigInput {
  dir: string;
  podName: string;
  ip: string;
  nginx: string;
  appDir: string;
  /** `host:port` of php-fpm: the pod's own address (sidecar) or the fpm Service (separate). */
  fastcgiUpstream: string;
  container: ContainerPlan;
}

/** Write nginx.conf for one nginx container; return how to launch it. */
/**
 * What every nginx the rehearsal starts opens with: its own pid file, error log and temp folders (created
 * here), so that two nginx never share a path. `main` goes before `http {`, `http` right after it.
 */
export function nginxPreamble(
  dir: string,
  names: { temp: string; errorLog: string; workerConnections: number },
): { main: string; http: string } {
  const t = (sub: string) => join(dir, names.temp, sub);
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    mkdirSync(t(sub), { recursive: true });
  return {
    main: `user root;
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, names.errorLog)} notice;
events { worker_connections ${names.workerConnections}; }`,
    http: `  access_log off;
  client_body_temp_path ${t("client_body")};
  proxy_temp_path ${t("proxy")};
  fastcgi_temp_path ${t("fastcgi")};
  uwsgi_temp_path ${t("uwsgi")};
  scgi_temp_path ${t("scgi")};`,
  };
}

/**
 * Also answers what became of the user's own nginx files, when the plan has them: the rewrite's notes, or
 * why it was refused (then the rehearsal's own config was written).
 */
export function writeNginxConfig(input: NginxConfigInput): Launch & { userConfig?: RunnableNginx } {
  const { dir, container } = input;
  const preamble = nginxPreamble(dir, {
    temp: "nginx-temp",
    errorLog: "nginx-error.log",
    workerConnections: 2048,
  });
  const own = container.nginxConfigs
    ? runnableNginxConfig(container.nginxConfigs, {
        dir,
        listen: `${input.ip}:${NGINX_PORT}`,
        fastcgiUpstream: input.fastcgiUpstream,
        appDir: input.appDir,
        podName: input.podName,
      })
    : undefined;
  const script = join(input.appDir, "index.php");
  const conf = own?.ok
    ? `${preamble.main}\n${own.main}http {\n${preamble.http}\n${own.http}}\n`
    : `${preamble.main}
http {
${preamble.http}
  keepalive_timeout ${container.keepaliveTimeoutSeconds ?? 65}s;
${
  container.fastcgiKeepAlive
    ? `  upstream php_fpm { server ${input.fastcgiUpstream}; keepalive ${container.fastcgiKeepAlive}; }
`
    : ""
}  server {
    listen ${input.ip}:${NGINX_PORT} backlog=511;
    location / {
      fastcgi_pass ${container.fastcgiKeepAlive ? "php_fpm" : input.fastcgiUpstream};${container.fastcgiKeepAlive ? " fastcgi_keep_conn on;" : ""}
      fastcgi_connect_timeout 10s;
      fastcgi_read_timeout 120s;
      fastcgi_param SCRIPT_FILENAME ${script};
      fastcgi_param SCRIPT_NAME /index.php;
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param CONTENT_TYPE $content_type;
      fastcgi_param CONTENT_LENGTH $content_length;
      fastcgi_param REQUEST_URI $request_uri;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
      fastcgi_param REMOTE_ADDR $remote_addr;
      fastcgi_param NGINX_POD ${input.podName};
      # How the upstream answered, so a 502 can be told apart: refused, reset in flight, or backlog.
      add_header X-Upstream "$upstream_addr|$upstream_status|$upstream_connect_time|$upstream_header_time|$upstream_response_time" always;
      add_header X-Nginx-Pod ${input.podName} always;
    }
  }
}
`;
  const confFile = join(dir, "nginx.conf");
  writeFileSync(confFile, conf);
  const server = [
    input.nginx,
    "-p",
    dir,
    "-e",
    join(dir, "nginx-error.log"),
    "-c",
    confFile,
    "-g",
    "daemon off;",
  ];
  return {
    ...(own ? { userConfig: own } : {}),
    argv: wrapPid1(server, container.pid1),
    env: { PATH: PATH_ENV, POD_NAME: input.podName },
    logFile: join(dir, `${container.name}.out`),
  };
}

/** Keys of a user's php-fpm config that tie it to the image's file system or identity: dropped here. */
const IMAGE_BOUND_KEYS = new Set([
  "include",
  "pid",
  "error_log",
  "daemonize",
  "user",
  "group",
  "listen",
  "listen.owner",
  "listen.group",
  "listen.mode",
  "listen.acl_users",
  "listen.acl_groups",
  "listen.allowed_clients",
  "access.log",
  "slowlog",
  "chroot",
  "chdir",
  "prefix",
  "syslog.ident",
]);

/**
 * A user's php-fpm config made runnable in a rehearsal pod: every setting kept (pm, max_children,
 * process_control_timeout, request_terminate_timeout, …) but the image-bound ones above; the pools it
 * defines are returned so that their `listen` can be set to the pod's address.
 */
export function runnableFpmConfig(text: string): { text: string; pools: string[] } {
  const pools: string[] = [];
  const lines = text.split(/\r?\n/).map((line) => {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line)?.[1]?.trim();
    if (section && section !== "global") pools.push(section);
    const key = /^\s*([\w.]+)\s*=/.exec(line)?.[1]?.toLowerCase();
    return key && IMAGE_BOUND_KEYS.has(key) ? `; (rehearsal) ${line.trim()}` : line;
  });
  return { text: lines.join("\n"), pools };
}

/**
 * A container that serves no traffic: a shell that exits at once on any stop signal a kubelet may send
 * (it traps them, so PID 1 has a handler and the kernel delivers them), within the 0.1 s of its sleep.
 */
export function otherLaunch(dir: string, container: ContainerPlan): Launch {
  const signals = "TERM INT QUIT HUP USR1";
  return {
    argv: ["/bin/sh", "-c", `trap 'exit 0' ${signals}; while :; do sleep 0.1; done`],
    env: { PATH: PATH_ENV },
    logFile: join(dir, `${container.name}.out`),
  };
}

/**
 * `shell-wrapper`: PID 1 is `/bin/sh -c '<server>'`; Debian's dash keeps the server as its child (it does
 * not exec the last command), so signals sent to PID 1 are dropped (FACTS.md, "Shells and PID 1").
 */
function wrapPid1(argv: string[], pid1: ContainerPlan["pid1"]): string[] {
  if (pid1 === "exec") return argv;
  return ["/bin/sh", "-c", argv.map(shellQuote).join(" ")];
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
