import type { ContainerRole } from "../types.js";

/** What an argv runs, read as a process table would show it: the program and the words after it. */
export interface ArgvRole {
  role: ContainerRole;
  /** In words: `php artisan queue:work (a queue consumer)`. */
  reason: string;
}

/**
 * Programs that start others and then exec them (or wait for them): the program that matters comes after.
 * `docker-php-entrypoint` and nginx's `/docker-entrypoint.sh` exec their arguments (docker-library/php
 * `docker-php-entrypoint`, nginxinc/docker-nginx `entrypoint/docker-entrypoint.sh`).
 */
const LAUNCHERS = new Set([
  "docker-php-entrypoint",
  "docker-entrypoint.sh",
  "docker-entrypoint",
  "entrypoint.sh",
  "tini",
  "dumb-init",
  "env",
  "exec",
  "nice",
  "ionice",
  "su-exec",
  "gosu",
  "setpriv",
  "chpst",
]);

/** Launchers whose next word is an argument of theirs, not the program (`gosu www-data php-fpm`). */
const LAUNCHERS_WITH_USER = new Set(["su-exec", "gosu"]);

/** Launcher options that take a value (`nice -n 10`, `tini -e 143 --`, `chpst -u www-data`). */
// Null-prototype tables: looked up with a program name from a manifest (`constructor` is a name).
const OPTIONS_WITH_VALUE: Record<string, Set<string>> = Object.assign(Object.create(null), {
  nice: new Set(["-n"]),
  ionice: new Set(["-c", "-n"]),
  tini: new Set(["-e", "-p", "-l"]),
  chpst: new Set(["-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c", "-r", "-t"]),
  env: new Set(["-u", "-C", "-S"]),
});

/** Laravel artisan and Symfony console commands that keep running and serve no requests. */
const WORKER_COMMANDS =
  /^(queue:work|queue:listen|horizon|schedule:work|messenger:consume|pulse:work|pulse:check|reverb:start|octane:start|rabbitmq:consume|enqueue:consume|swarrot:consume)$/;

/**
 * Package commands named as consumers (`laravel-rabbitmq-pubsub:consumer`, `kafka:consume`,
 * `amqp:listen`, `sqs:work`): a consumer loop, by the naming artisan and console packages share.
 */
const CONSUMER_COMMANDS = /^[\w.-]+:(consume|consumers?|listen|listener|work|worker|subscribe|subscriber)$/;

const OTHER_PROGRAMS: Record<string, string> = Object.assign(Object.create(null), {
  caddy: "Caddy",
  frankenphp: "FrankenPHP (serves PHP itself, not through php-fpm)",
  "apache2-foreground": "Apache httpd",
  httpd: "Apache httpd",
  apache2: "Apache httpd",
  varnishd: "Varnish",
  "redis-server": "redis",
  memcached: "memcached",
  "php-fpm_exporter": "a php-fpm metrics exporter",
  "php-fpm-exporter": "a php-fpm metrics exporter",
  "nginx-prometheus-exporter": "an nginx metrics exporter",
  nginx_exporter: "an nginx metrics exporter",
  drush: "drush (Drupal's CLI)",
  wp: "wp-cli",
  composer: "composer",
  curl: "curl",
  wget: "wget",
  node: "node",
  npm: "npm",
  mysql: "the mysql client",
  psql: "the psql client",
  rsync: "rsync",
});

/** Schedulers that keep running and start PHP jobs: a worker beside php-fpm (nextcloud's `/cron.sh`). */
const CRON_PROGRAMS = /^(cron|crond|supercronic|cron\.sh|busybox-crond)$/;

/**
 * The role an argv gives a container, or undefined when the argv does not say (an app's own start script,
 * supervisord, which may run anything). Launchers are looked through; `sh -c` scripts are read for the
 * program they end in (`exec php-fpm`), or the servers they start.
 *
 * @example
 *   roleFromArgv(["php", "artisan", "queue:work", "--tries=3"]); // { role: "worker", … }
 *   roleFromArgv(["docker-php-entrypoint", "php-fpm"]);         // { role: "fpm", … }
 */
export function roleFromArgv(argv: string[]): ArgvRole | undefined {
  const words = programWords(argv);
  const [program, ...rest] = words;
  if (program === undefined) return undefined;
  const name = program.split("/").at(-1) ?? program;
  const shown = words.slice(0, 4).join(" ");
  if (/^(sh|bash|ash|dash)$/.test(name)) {
    // `sh -c SCRIPT`, `bash -lc SCRIPT`, `sh -ec SCRIPT`: the script follows the option holding `c`.
    const at = rest.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w));
    const script = at >= 0 ? rest[at + 1] : undefined;
    return script !== undefined ? roleFromScript(script) : undefined;
  }
  if (/^php-fpm[\d.]*$/.test(name)) return { role: "fpm", reason: `runs ${shown}` };
  if (name === "nginx" || name === "openresty") return { role: "nginx", reason: `runs ${shown}` };
  if (/^php[\d.]*$/.test(name)) return phpRole(rest, shown);
  if (/^(artisan|console)$/.test(name)) return phpRole([program, ...rest], shown);
  if (CRON_PROGRAMS.test(name) || (name === "busybox" && rest[0] === "crond"))
    return { role: "worker", reason: `runs ${shown} (a cron daemon: long-running, serves no requests)` };
  const other = OTHER_PROGRAMS[name];
  if (other) return { role: "other", reason: `runs ${other} (${shown})` };
  return undefined;
}

/** `php artisan queue:work` is a worker, `php artisan migrate` a one-off, `php -S` a dev server. */
function phpRole(rest: string[], shown: string): ArgvRole {
  let at = 0;
  // php's options that take a value (`-d memory_limit=1G`, `-c php.ini`); after `-f` comes the script.
  while (at < rest.length && (rest[at] ?? "").startsWith("-")) at += /^-[dcz]$/.test(rest[at] ?? "") ? 2 : 1;
  const script = rest[at];
  const subcommand = rest[at + 1];
  if (script && /(^|\/)(artisan|console)$/.test(script) && subcommand && WORKER_COMMANDS.test(subcommand)) {
    return { role: "worker", reason: `runs ${shown} (long-running, serves no requests)` };
  }
  if (script && /(^|\/)(artisan|console)$/.test(script) && subcommand && CONSUMER_COMMANDS.test(subcommand)) {
    return {
      role: "worker",
      reason: `runs ${shown} (named as a consumer: long-running, serves no requests)`,
    };
  }
  return { role: "other", reason: `runs ${shown} (PHP's CLI, not php-fpm)` };
}

/** The program a launcher chain ends in: `tini -- docker-php-entrypoint php-fpm` → `php-fpm`. */
function programWords(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const word = argv[i] ?? "";
    const name = word.split("/").at(-1) ?? word;
    if (!LAUNCHERS.has(name)) break;
    i++;
    const withValue = OPTIONS_WITH_VALUE[name];
    while (i < argv.length) {
      const next = argv[i] ?? "";
      if (next === "--") {
        i++;
        break;
      }
      if (next.startsWith("-")) i += withValue?.has(next) ? 2 : 1;
      // `env FOO=1 php-fpm`: assignments before the program.
      else if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(next)) i++;
      else break;
    }
    if (LAUNCHERS_WITH_USER.has(name)) i++;
  }
  return argv.slice(i);
}

/** A shell script's role: the program it execs or ends with, else a server it starts anywhere in it. */
function roleFromScript(script: string): ArgvRole | undefined {
  const commands = splitCommands(script);
  const last = commands.at(-1);
  const lastRole = last ? roleFromArgv(splitWords(last)) : undefined;
  if (lastRole) return { ...lastRole, reason: `${lastRole.reason} at the end of its sh -c script` };
  for (const c of commands) {
    const role = roleFromArgv(splitWords(c));
    if (role && (role.role === "fpm" || role.role === "nginx"))
      return { ...role, reason: `${role.reason} in its sh -c script` };
  }
  return undefined;
}

/** A script's commands, split on `&&`, `||`, `;`, `|` and newlines outside quotes (`nginx -g "daemon off;"`). */
function splitCommands(script: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ";" || ch === "\n" || ch === "|" || (ch === "&" && script[i + 1] === "&")) {
      if (ch === "&" || (ch === "|" && script[i + 1] === "|")) i++;
      out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((c) => c.trim()).filter(Boolean);
}

function splitWords(command: string): string[] {
  return (command.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ""));
}
