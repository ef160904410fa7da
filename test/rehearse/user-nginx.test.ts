/**
 * `rehearse PATH` runs the user's own nginx config (issue 13): the files the model linked to the nginx
 * container, their includes resolved, made runnable (listen, root, fastcgi_pass, logs) and judged by
 * `nginx -t` first; a config this nginx cannot run falls back to the rehearsal's own, saying why.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { request } from "undici";
import { NGINX_PORT } from "../../src/rehearse/configs.js";
import type { ContainerPlan, RehearsalPlan } from "../../src/rehearse/plan.js";
import { Pod } from "../../src/rehearse/pod.js";
import { preflightUserNginx } from "../../src/rehearse/preflight.js";
import { runnableNginxConfig, type UserNginxFile } from "../../src/rehearse/user-nginx.js";
import { runCli } from "../cli/run-cli.js";
import { appDir, makeContext, repoRoot, waitReady } from "./helpers.js";

const laravel = readFileSync(join(repoRoot, "test/rehearse/fixtures/user-nginx.yaml"), "utf8")
  .split("default.conf: |\n")[1]
  ?.split("\n---")[0]
  ?.replace(/^ {4}/gm, "") as string;
const confd = (text: string): UserNginxFile => ({
  name: "default.conf",
  destination: "/etc/nginx/conf.d/default.conf",
  text,
});

function shape(files: UserNginxFile[]) {
  const dir = mkdtempSync(join(tmpdir(), "fpm-graceful-test-nginx-"));
  try {
    return runnableNginxConfig(files, {
      dir,
      listen: "127.3.0.2:8080",
      fastcgiUpstream: "127.3.0.2:9000",
      appDir,
      podName: "web-1",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a conf.d server block runs inside the official image's http context, its own settings kept", () => {
  const r = shape([confd(laravel)]);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.match(r.http, /^ {2}include mime\.types;$/m, "the image's nginx.conf includes mime.types");
  assert.match(r.http, /^ {2}keepalive_timeout 65;$/m, "the image's http default");
  assert.match(r.http, /^ {4}keepalive_timeout 3s;$/m, "the user's own, in its server");
  assert.match(
    r.http,
    /upstream php \{\n {4}server 127\.3\.0\.2:9000;\n {4}keepalive 4;\n/,
    "pool kept, server the pod's",
  );
  assert.match(r.http, /fastcgi_pass php;\n {6}fastcgi_keep_conn on;/);
  assert.match(r.http, /listen 127\.3\.0\.2:8080 default_server backlog=511;/);
  assert.equal(r.http.match(/listen /g)?.length, 1, "one server kept, one listen");
  assert.match(r.http, new RegExp(`root ${appDir};`));
  assert.doesNotMatch(r.http, /ssl_|\[::\]|\/srv\/example/);
  assert.match(r.http, /try_files \$uri \$uri\/ \/index\.php\?\$query_string;/);
  const locations = r.http.match(/location [^{]+\{/g)?.length ?? 0;
  assert.equal(
    r.http.match(/add_header X-Upstream/g)?.length,
    locations + 1,
    "every location and the server",
  );
  assert.deepEqual(r.notes.sort(), [
    "root /srv/example.com/public: the rehearsal app's folder instead",
    "server on TLS only: not rehearsed, left out",
  ]);
});

test("a whole nginx.conf: its includes of the given files are followed, others left out and said", () => {
  const main = [
    "user www-data;",
    "worker_processes auto;",
    "pid /run/nginx.pid;",
    "worker_shutdown_timeout 20s;",
    "include /etc/nginx/modules-enabled/*.conf;",
    "events { worker_connections 768; }",
    "http {",
    "  include /etc/nginx/mime.types;",
    "  access_log /var/log/nginx/access.log;",
    "  include /etc/nginx/conf.d/*.conf;",
    "  include /etc/nginx/extra/security.conf;",
    "}",
  ].join("\n");
  const r = shape([
    { name: "nginx.conf", destination: "/etc/nginx/nginx.conf", text: main },
    confd("server { listen 8080; location / { fastcgi_pass unix:/run/php.sock; include fastcgi.conf; } }"),
  ]);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.equal(
    r.main,
    "worker_shutdown_timeout 20s;\n",
    "the main context's own settings are the rehearsal's",
  );
  assert.match(r.http, /fastcgi_pass 127\.3\.0\.2:9000;/, "a unix socket of the image is the pod's port");
  assert.match(r.http, /include fastcgi\.conf;/);
  assert.doesNotMatch(r.http, /access_log|conf\.d/);
  assert.deepEqual(r.notes, ["include /etc/nginx/extra/security.conf: not among the inputs, left out"]);
});

test("a server block mounted where another image's nginx.conf includes it (Bitnami's server_blocks/) is read", () => {
  // The shape of invoiceninja/dockerfiles:charts/invoiceninja: bitnami/nginx with a ConfigMap at
  // /opt/bitnami/nginx/conf/server_blocks/, which the image's own nginx.conf (not among the inputs) includes.
  const r = shape([
    {
      name: "server-block.conf",
      destination: "/opt/bitnami/nginx/conf/server_blocks/server-block.conf",
      text: "server { listen 8080; root /app; location ~ \\.php$ { fastcgi_pass app:9000; include fastcgi_params; fastcgi_param SCRIPT_FILENAME /var/www/app/public$fastcgi_script_name; } }",
    },
    {
      name: "snippet.conf",
      destination: "/opt/bitnami/nginx/conf/snippet.conf",
      text: "client_max_body_size 8m;",
    },
  ]);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.match(r.http, /fastcgi_pass 127\.3\.0\.2:9000;/);
  // php-fpm's own path for the script (another container's file system): the app's folder instead.
  assert.ok(r.http.includes(`fastcgi_param SCRIPT_FILENAME ${appDir}$fastcgi_script_name;`), r.http);
  assert.deepEqual(r.notes.sort(), [
    "/opt/bitnami/nginx/conf/server_blocks/server-block.conf: read in the http context, as the image's own nginx.conf (not among the inputs) includes it",
    "/opt/bitnami/nginx/conf/snippet.conf: read in the http context, as the image's own nginx.conf (not among the inputs) includes it",
    "SCRIPT_FILENAME /var/www/app/public…: the rehearsal app's folder instead",
    "root /app: the rehearsal app's folder instead",
  ]);
  // A file another given file includes is read there, not again in http.
  const nested = shape([
    confd("server { listen 80; include /etc/nginx/snippets/php.conf; }"),
    {
      name: "php.conf",
      destination: "/etc/nginx/snippets/php.conf",
      text: "location ~ \\.php$ { fastcgi_pass a:9000; }",
    },
  ]);
  assert.ok(nested.ok, nested.ok ? "" : nested.reason);
  assert.equal(nested.http.match(/fastcgi_pass/g)?.length, 1);
  assert.match(nested.http, /server \{[\s\S]*location ~ \\\.php\$ \{/);
});

test("the server that passes to php-fpm gets the traffic, not an exporter's status server before it", () => {
  // The shape of renoki-co/charts:charts/laravel/templates/configmap.yaml: stub_status on 8080 first.
  const r = shape([
    confd(
      "server { listen 8080 default_server; location /nginx_status { stub_status; } }\n" +
        "server { listen 80 default_server; location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; } }",
    ),
  ]);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.doesNotMatch(r.http, /stub_status/);
  assert.match(r.http, /fastcgi_pass 127\.3\.0\.2:9000;/);
  assert.deepEqual(r.notes, ["server on port 8080: not rehearsed, left out"]);
});

test("what cannot run here is refused with the reason: Lua blocks, no server, a parse error", () => {
  const lua = shape([confd("server { listen 80; location / { content_by_lua_block { ngx.say('x') } } }")]);
  assert.equal(lua.ok, false);
  assert.match(lua.ok ? "" : lua.reason, /Lua blocks/);
  const none = shape([confd("upstream php { server a:9000; }")]);
  assert.match(none.ok ? "" : none.reason, /no server block/);
  const broken = shape([confd("server { listen 80; # }\n")]);
  assert.match(broken.ok ? "" : broken.reason, /^default\.conf: unexpected end of file/);
  const extra = shape([confd("server { listen 80; }\n}")]);
  assert.match(extra.ok ? "" : extra.reason, /^default\.conf: line 2: unexpected "}"/);
  assert.ok(shape([confd("server { listen 80; add_header X '}'; } # {")]).ok, "quotes and comments");
  const deep = shape([
    confd(`server { listen 80; ${"location /a { ".repeat(200_000)}${"}".repeat(200_000)} }`),
  ]);
  assert.match(deep.ok ? "" : deep.reason, /blocks nested deeper than 64/);
});

const nginxPlan = (files: UserNginxFile[]): ContainerPlan => ({
  name: "nginx",
  role: "nginx",
  stopSignal: "SIGQUIT",
  stopSignalSource: "image",
  pid1: "exec",
  nginxConfigs: files,
});
const planWith = (nginx: ContainerPlan): RehearsalPlan => ({
  name: "manifests:web",
  description: "web",
  topology: "sidecar",
  pod: { gracePeriodSeconds: 10, containers: [nginx] },
  rollout: { maxSurge: 1, maxUnavailable: 0 },
  notes: [],
});

test("nginx -t judges first: a directive this nginx lacks falls back to the rehearsal's config, saying why", () => {
  const ok = preflightUserNginx(planWith(nginxPlan([confd(laravel)])), { nginx: "/usr/sbin/nginx", appDir });
  assert.ok(ok.pod.containers[0]?.nginxConfigs, ok.notes.join("\n"));
  assert.match(
    ok.notes.join("\n"),
    /nginx: runs the user's nginx config \(\/etc\/nginx\/conf\.d\/default\.conf\)/,
  );
  const modular = confd(laravel.replace("charset utf-8;", "more_set_headers 'Server: x';"));
  const refused = preflightUserNginx(planWith(nginxPlan([modular])), { nginx: "/usr/sbin/nginx", appDir });
  assert.equal(refused.pod.containers[0]?.nginxConfigs, undefined);
  assert.match(
    refused.notes.join("\n"),
    /nginx: the user's nginx config \(.*\) does not run here \(nginx -t: unknown directive "more_set_headers".*\); the rehearsal's own nginx config ran/,
  );
});

test("a pod runs the user's nginx config: Laravel's server block answers through php-fpm, classified", async () => {
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "own-nginx-1", {
      gracePeriodSeconds: 10,
      containers: [
        nginxPlan([confd(laravel)]),
        { name: "php", role: "fpm", stopSignal: "SIGQUIT", stopSignalSource: "image", pid1: "exec" },
      ],
    });
    await waitReady(pod, 10_000);
    const res = await request(`http://${pod.ip}:${NGINX_PORT}/?ms=10`, {
      headers: { "x-request-id": "own-1" },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const body = (await res.body.json()) as { id: string; ms: number };
    assert.equal(res.statusCode, 200);
    assert.equal(body.id, "own-1", "the app got the request through the user's location");
    assert.equal(res.headers["x-frame-options"], undefined, "the user's server headers give way to ours");
    assert.match(
      String(res.headers["x-upstream"]),
      new RegExp(`^${pod.ip.replaceAll(".", "\\.")}:9000\\|200\\|`),
    );
    const conf = readFileSync(join(pod.dir, "nginx", "nginx.conf"), "utf8");
    assert.match(conf, /keepalive_timeout 3s;/);
    assert.match(conf, /fastcgi_keep_conn on;/);
  } finally {
    await ctx.registry.cleanup();
  }
});

test("rehearse PATH --dry-run says it runs the user's nginx config, and what it rewrote", () => {
  const run = runCli(["rehearse", join(repoRoot, "test/rehearse/fixtures/user-nginx.yaml"), "--dry-run"]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /- nginx: runs the user's nginx config \(\/etc\/nginx\/conf\.d\/default\.conf\)/);
  assert.match(run.stdout, /- nginx: server on TLS only: not rehearsed, left out/);
});
