import assert from "node:assert/strict";
import { test } from "node:test";
import { roleFromArgv } from "../../src/model/identity/argv.js";
import type { ContainerRole } from "../../src/model/types.js";

/** [scenario, argv, expected role (undefined: the argv does not say)] */
const CASES: [string, string[], ContainerRole | undefined][] = [
  // php-fpm, however it is started
  ["php-fpm alone", ["php-fpm"], "fpm"],
  ["a versioned php-fpm8.2 (Debian's binary)", ["php-fpm8.2"], "fpm"],
  ["php-fpm by its full path with -F", ["/usr/sbin/php-fpm8.2", "-F"], "fpm"],
  ["Alpine's php-fpm83", ["php-fpm83"], "fpm"],
  [
    "docker-php-entrypoint php-fpm (the official image's default)",
    ["docker-php-entrypoint", "php-fpm"],
    "fpm",
  ],
  ["tini -- php-fpm -F", ["tini", "--", "php-fpm", "-F"], "fpm"],
  [
    "tini -- docker-php-entrypoint php-fpm (two launchers)",
    ["tini", "--", "docker-php-entrypoint", "php-fpm"],
    "fpm",
  ],
  ["gosu www-data php-fpm (the user word is skipped)", ["gosu", "www-data", "php-fpm"], "fpm"],
  ["su-exec www-data php-fpm", ["su-exec", "www-data", "php-fpm"], "fpm"],
  ["dumb-init -- sh -c 'exec php-fpm'", ["dumb-init", "--", "sh", "-c", "exec php-fpm"], "fpm"],
  // nginx
  ["nginx alone", ["nginx"], "nginx"],
  ["openresty", ["openresty"], "nginx"],
  [
    "/docker-entrypoint.sh nginx -g 'daemon off;' (the official nginx default)",
    ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
    "nginx",
  ],
  ["bash -c \"exec nginx -g 'daemon off;'\"", ["/bin/bash", "-c", "exec nginx -g 'daemon off;'"], "nginx"],
  // long-running PHP CLI processes and cron daemons
  ["php artisan queue:work", ["php", "artisan", "queue:work"], "worker"],
  ["php artisan queue:work --tries=3", ["php", "artisan", "queue:work", "--tries=3"], "worker"],
  [
    "php -d memory_limit=-1 artisan horizon",
    ["php", "-d", "memory_limit=-1", "artisan", "horizon"],
    "worker",
  ],
  [
    "php -dmemory_limit=1G artisan queue:work",
    ["php", "-dmemory_limit=1G", "artisan", "queue:work"],
    "worker",
  ],
  [
    "php -c /etc/php.ini artisan queue:work",
    ["php", "-c", "/etc/php.ini", "artisan", "queue:work"],
    "worker",
  ],
  ["php /app/artisan schedule:work", ["php", "/app/artisan", "schedule:work"], "worker"],
  ["/usr/local/bin/php artisan octane:start", ["/usr/local/bin/php", "artisan", "octane:start"], "worker"],
  ["bin/console messenger:consume async", ["bin/console", "messenger:consume", "async"], "worker"],
  ["php bin/console messenger:consume", ["php", "bin/console", "messenger:consume"], "worker"],
  [
    "su-exec www-data php artisan queue:work",
    ["su-exec", "www-data", "php", "artisan", "queue:work"],
    "worker",
  ],
  ["nextcloud's /cron.sh", ["/cron.sh"], "worker"],
  ["busybox crond -f", ["busybox", "crond", "-f"], "worker"],
  ["crond -f", ["crond", "-f"], "worker"],
  ["supercronic /etc/crontab", ["supercronic", "/etc/crontab"], "worker"],
  // one-offs, other servers, exporters and CLIs
  ["php artisan migrate --force", ["php", "artisan", "migrate", "--force"], "other"],
  // a package's consumer command (cerpus/Edlib runs laravel-rabbitmq-pubsub:consumer in a Deployment)
  [
    "php artisan laravel-rabbitmq-pubsub:consumer",
    ["php", "artisan", "laravel-rabbitmq-pubsub:consumer"],
    "worker",
  ],
  ["php bin/console kafka:consume orders", ["php", "bin/console", "kafka:consume", "orders"], "worker"],
  ["php artisan sqs:listen", ["php", "artisan", "sqs:listen"], "worker"],
  ["php artisan cache:clear (a one-off)", ["php", "artisan", "cache:clear"], "other"],
  ["php artisan schedule:run (one run, not the scheduler loop)", ["php", "artisan", "schedule:run"], "other"],
  ["php artisan queue:workers (not queue:work)", ["php", "artisan", "queue:workers"], "other"],
  ["bin/console cache:clear", ["bin/console", "cache:clear"], "other"],
  ["php -f cron.php", ["php", "-f", "cron.php"], "other"],
  ["php cron.php", ["php", "cron.php"], "other"],
  ["php -S 0.0.0.0:8000 (the built-in dev server)", ["php", "-S", "0.0.0.0:8000"], "other"],
  ["drush", ["drush", "cron"], "other"],
  ["wp", ["wp", "cron", "event", "run", "--due-now"], "other"],
  ["curl", ["curl", "-fsS", "http://localhost/cron"], "other"],
  ["caddy", ["caddy", "run", "--config", "/etc/caddy/Caddyfile"], "other"],
  ["frankenphp", ["frankenphp", "run"], "other"],
  ["php-fpm_exporter (not php-fpm)", ["php-fpm_exporter", "server"], "other"],
  [
    "nginx-prometheus-exporter (not nginx)",
    ["nginx-prometheus-exporter", "--nginx.scrape-uri=http://x"],
    "other",
  ],
  ["sh -c 'sleep 5; php artisan schedule:run'", ["sh", "-c", "sleep 5; php artisan schedule:run"], "other"],
  // sh -c scripts
  ['sh -c "composer install && exec php-fpm"', ["sh", "-c", "composer install && exec php-fpm"], "fpm"],
  ["sh -c 'php-fpm -F' (no exec: still php-fpm)", ["sh", "-c", "php-fpm -F"], "fpm"],
  ["/bin/sh -c 'exec php-fpm -F'", ["/bin/sh", "-c", "exec php-fpm -F"], "fpm"],
  ["sh -c 'nginx; php-fpm -F' (the last command decides)", ["sh", "-c", "nginx; php-fpm -F"], "fpm"],
  [
    "sh -c 'php artisan migrate && php artisan queue:work'",
    ["sh", "-c", "php artisan migrate && php artisan queue:work"],
    "worker",
  ],
  [
    "sh -c 'php-fpm -D && nginx -g \"daemon off\"' (nginx in the foreground last)",
    ["sh", "-c", 'php-fpm -D && nginx -g "daemon off"'],
    "nginx",
  ],
  // argvs that say nothing
  ["supervisord (may run anything)", ["supervisord", "-c", "/etc/supervisord.conf"], undefined],
  ["an app's own /start.sh", ["/start.sh"], undefined],
  ["an empty argv", [], undefined],
  ["only launchers", ["tini", "--"], undefined],
  ["php-fpm-healthcheck (not php-fpm)", ["php-fpm-healthcheck"], undefined],
];

for (const [name, argv, expected] of CASES) {
  test(`roleFromArgv: ${name} → ${expected ?? "undefined"}`, () => {
    const got = roleFromArgv(argv);
    assert.equal(got?.role, expected, `roleFromArgv(${JSON.stringify(argv)}) = ${JSON.stringify(got)}`);
    if (expected !== undefined) assert.match(got?.reason ?? "", /^runs /, "the reason says what runs");
  });
}

test("roleFromArgv: sh -c 'php-fpm -D; nginx -g \"daemon off;\"' is nginx: the program it ends with, the quoted `;` kept", () => {
  const got = roleFromArgv(["sh", "-c", 'php-fpm -D; nginx -g "daemon off;"']);
  assert.equal(got?.role, "nginx");
  assert.match(got?.reason ?? "", /at the end of its sh -c script/);
});

test("roleFromArgv: the reason of a worker names the artisan command", () => {
  const got = roleFromArgv(["php", "artisan", "queue:work", "--tries=3"]);
  assert.match(got?.reason ?? "", /queue:work/);
  assert.match(got?.reason ?? "", /serves no requests/);
});

test("roleFromArgv: a script's role says it came from its sh -c script", () => {
  assert.match(roleFromArgv(["sh", "-c", "composer install && exec php-fpm"])?.reason ?? "", /sh -c script/);
});

// ---- found by these tests, fixed: launcher options, quoted `;`, `-lc`, worker subcommands ---------------

const FIXED: [string, string[], ContainerRole, string][] = [
  [
    "sh -c 'php-fpm -D; exec nginx -g \"daemon off;\"' is nginx (it execs nginx last)",
    ["sh", "-c", 'php-fpm -D; exec nginx -g "daemon off;"'],
    "nginx",
    'bug: the script is split on the `;` inside the quoted "daemon off;", so its last command is lost and php-fpm -D wins',
  ],
  [
    "sh -c 'php-fpm -D && nginx -g \"daemon off;\"' is nginx, as without the quoted `;`",
    ["sh", "-c", 'php-fpm -D && nginx -g "daemon off;"'],
    "nginx",
    "bug: same script as `daemon off` (→ nginx) gives fpm once the quoted directive ends in `;`",
  ],
  [
    "env FOO=1 php-fpm",
    ["env", "FOO=1", "php-fpm"],
    "fpm",
    "bug: env is a launcher but its NAME=value words are taken for the program: undefined",
  ],
  [
    "nice -n 10 php-fpm",
    ["nice", "-n", "10", "php-fpm"],
    "fpm",
    "bug: a launcher option's value (`-n 10`) is taken for the program: undefined",
  ],
  [
    "tini -e 143 -- php-fpm",
    ["tini", "-e", "143", "--", "php-fpm"],
    "fpm",
    "bug: tini's `-e 143` value is taken for the program: undefined",
  ],
  [
    "chpst -u www-data php-fpm",
    ["chpst", "-u", "www-data", "php-fpm"],
    "fpm",
    "bug: chpst's `-u user` value is taken for the program: undefined",
  ],
  [
    "bash -lc 'exec php-fpm'",
    ["bash", "-lc", "exec php-fpm"],
    "fpm",
    "bug: only a separate `-c` is read as a shell script; `-lc`/`-ec` give undefined",
  ],
  [
    "php artisan horizon:terminate is a one-off, not a worker",
    ["php", "artisan", "horizon:terminate"],
    "other",
    "bug: WORKER_COMMANDS `^horizon\\b` matches horizon:terminate / horizon:status (`\\b` before `:`): worker",
  ],
];

for (const [name, argv, expected, was] of FIXED) {
  test(`roleFromArgv: ${name}`, () => {
    assert.equal(
      roleFromArgv(argv)?.role,
      expected,
      `${JSON.stringify(argv)} (${was.replace(/^bug: /, "was: ")})`,
    );
  });
}
