/**
 * The drain hook (`src/drain/hook.ts`): its text and parameter checks, then the script itself under dash,
 * busybox sh, bash and `bash --posix`, run inside the PID namespace of a real php-fpm (PID 1, SIGTERM-like
 * image: nothing but the hook's SIGQUIT stops it, process_control_timeout unset = 0) behind a real nginx, on
 * loopback addresses only, with requests in flight. Every process is stopped in `finally`, success or not.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import {
  DRAIN_HOOK_MARKER,
  type DrainHookParams,
  drainHookCommand,
  drainHookMaxSeconds,
  drainHookScript,
} from "../../src/drain/hook.js";
import { FPM_PORT, NGINX_PORT } from "../../src/rehearse/configs.js";
import { execInNamespace, type NamespaceProcess, startInPidNamespace } from "../../src/rehearse/namespace.js";
import { allocatePodIp } from "../../src/rehearse/pod.js";
import { ProcessRegistry } from "../../src/rehearse/registry.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const appScript = join(repoRoot, "examples/rehearse-app/index.php");
const PHP_FPM = "/usr/sbin/php-fpm8.2";
const NGINX = "/usr/sbin/nginx";
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const SHELLS: Record<string, string[]> = {
  dash: ["dash"],
  busybox: ["busybox", "sh"],
  bash: ["bash"],
  "bash --posix": ["bash", "--posix"],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tcp = (fields: Partial<DrainHookParams> = {}): DrainHookParams => ({
  propagationSeconds: 3,
  longestRequestSeconds: 20,
  listen: { kind: "tcp", port: 9000 },
  ...fields,
});

describe("drain hook text and parameters", () => {
  test("the command is /bin/sh -c <script>; the script names itself and its bounds", () => {
    const params = tcp({ podIpEnv: "POD_IP" });
    assert.deepEqual(drainHookCommand(params), ["/bin/sh", "-c", drainHookScript(params)]);
    const script = drainHookScript(params);
    assert.ok(script.startsWith(`# ${DRAIN_HOOK_MARKER}: wait 3s,`), script.split("\n")[0]);
    assert.match(script, /ip=\$\{POD_IP:-\}/);
    assert.match(script, /P4=\*:2328; P6=\*:2328/);
    assert.match(script, /\nsleep 3\n/);
    assert.match(script, /kill -QUIT 1 \|\|/);
    assert.match(script, /while kill -0 1 2>\/dev\/null/);
    assert.doesNotMatch(script, /SIGQUIT 1/, "dash rejects kill -SIGQUIT");
    // Phase 1 + 2 + 4 bounds + two polls.
    assert.equal(drainHookMaxSeconds(params), 3 + 20 + 20 + 0.4);
    assert.equal(drainHookMaxSeconds(tcp({ exitWaitSeconds: 5, pollSeconds: 1 })), 3 + 20 + 5 + 2);
  });

  test("TCP addresses become /proc/net/tcp's hex: IPv4 little-endian, also IPv4-mapped in tcp6; IPv6 per word", () => {
    const line = (address: string, port = 9000) =>
      drainHookScript(tcp({ listen: { kind: "tcp", port, address } }))
        .split("\n")
        .find((l) => l.startsWith("P4="));
    assert.equal(line("127.0.0.5"), "P4=0500007F:2328; P6=0000000000000000FFFF00000500007F:2328");
    assert.equal(line("10.1.2.3", 80), "P4=0302010A:0050; P6=0000000000000000FFFF00000302010A:0050");
    assert.equal(line("::1"), "P4=none; P6=00000000000000000000000001000000:2328");
    assert.equal(line("[fe80::1:2]"), "P4=none; P6=000080FE000000000000000002000100:2328");
    assert.equal(line("::ffff:127.0.0.5"), "P4=none; P6=0000000000000000FFFF00000500007F:2328");
    for (const wildcard of ["0.0.0.0", "::", "[::]", "*"])
      assert.equal(line(wildcard), "P4=*:2328; P6=*:2328");
  });

  test("a unix socket is matched by its path in /proc/net/unix, connected (03) or in the backlog (02)", () => {
    const script = drainHookScript({
      propagationSeconds: 0,
      longestRequestSeconds: 5,
      listen: { kind: "unix", path: "/run/php/php-fpm.sock" },
    });
    assert.match(script, /\[ "\$\{8:-\}" = \/run\/php\/php-fpm.sock \] \|\| return 0; case \$6 in 02\|03\)/);
    assert.match(script, /scan \/proc\/net\/unix/);
    assert.match(script, /phase 1\/4: no propagation wait/);
    assert.doesNotMatch(script, /\nsleep 0\n/);
  });

  test("every variant parses in dash, busybox sh, bash and bash --posix", () => {
    const variants = [
      tcp(),
      tcp({ podIpEnv: "POD_IP", pollSeconds: 0.05 }),
      tcp({ listen: { kind: "tcp", port: 65535, address: "::1" }, propagationSeconds: 0.25 }),
      { propagationSeconds: 1, longestRequestSeconds: 0, listen: { kind: "unix", path: "/sock/fpm.sock" } },
    ] satisfies DrainHookParams[];
    for (const [name, shell] of Object.entries(SHELLS)) {
      for (const params of variants) {
        const [bin, ...args] = shell;
        const r = spawnSync(bin ?? "sh", [...args, "-n", "-c", drainHookScript(params)], {
          encoding: "utf8",
          timeout: 5000,
        });
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      }
    }
  });

  test("bad parameters are refused with a message naming the parameter", () => {
    const cases: [unknown, RegExp][] = [
      [
        tcp({ propagationSeconds: -1 }),
        /propagationSeconds must be a number of seconds from 0 to 3600, got -1/,
      ],
      [tcp({ propagationSeconds: Number.NaN }), /propagationSeconds .* got NaN/],
      [tcp({ propagationSeconds: 1e9 }), /propagationSeconds .* got 1000000000/],
      [tcp({ propagationSeconds: "3" as unknown as number }), /propagationSeconds .* got 3/],
      [tcp({ longestRequestSeconds: Number.POSITIVE_INFINITY }), /longestRequestSeconds .* got Infinity/],
      [tcp({ longestRequestSeconds: -0.5 }), /longestRequestSeconds/],
      [tcp({ pollSeconds: 0 }), /pollSeconds must be a number of seconds from 0.05 to 5, got 0/],
      [tcp({ exitWaitSeconds: 4000 }), /exitWaitSeconds .* got 4000/],
      [tcp({ listen: { kind: "tcp", port: 0 } }), /listen.port must be an integer from 1 to 65535, got 0/],
      [tcp({ listen: { kind: "tcp", port: 70000 } }), /listen.port .* got 70000/],
      [tcp({ listen: { kind: "tcp", port: 90.5 } }), /listen.port .* got 90.5/],
      [tcp({ listen: { kind: "tcp", port: 9000, address: "fpm.local" } }), /listen.address must be an IP/],
      [tcp({ listen: { kind: "tcp", port: 9000, address: "256.0.0.1" } }), /listen.address/],
      [tcp({ listen: { kind: "tcp", port: 9000, address: "1::2::3" } }), /listen.address/],
      [
        tcp({ listen: { kind: "tcp", port: 9000, address: "127.0.0.1" }, podIpEnv: "POD_IP" }),
        /either listen.address \(127.0.0.1\) or podIpEnv \(POD_IP\), not both/,
      ],
      [tcp({ podIpEnv: "1POD" }), /podIpEnv must be an environment variable name, got "1POD"/],
      [tcp({ podIpEnv: "POD_IP; reboot" }), /podIpEnv must be an environment variable name/],
      [
        tcp({ listen: { kind: "unix", path: "run/fpm.sock" } }),
        /listen.path must be php-fpm's absolute socket path/,
      ],
      [tcp({ listen: { kind: "unix", path: "/run/my fpm.sock" } }), /listen.path/],
      [tcp({ listen: { kind: "unix", path: "/run/a\nb" } }), /listen.path/],
      [tcp({ listen: { kind: "unix", path: "/run/$(reboot)" } }), /listen.path/],
      [tcp({ listen: { kind: "unix", path: `/${"x".repeat(120)}` } }), /at most 107 bytes/],
      [
        tcp({ listen: { kind: "unix", path: "/run/fpm.sock" }, podIpEnv: "POD_IP" }),
        /podIpEnv applies to a TCP/,
      ],
      [tcp({ listen: { kind: "udp", port: 9000 } as unknown as DrainHookParams["listen"] }), /listen.kind/],
    ];
    for (const [params, message] of cases) {
      assert.throws(
        () => drainHookScript(params as DrainHookParams),
        (error: unknown) =>
          error instanceof RangeError && /^drain hook: /.test(error.message) && message.test(error.message),
        `expected ${message} for ${JSON.stringify(params)}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Real processes.

interface TestPod {
  ip: string;
  dir: string;
  fpm: NamespaceProcess;
  url(ms: number): string;
}

type Listen = { kind: "tcp"; host: string; port: number } | { kind: "unix" };

/** php-fpm (PID 1 of its own PID namespace, no process_control_timeout) + nginx in front, on a fresh 127.x. */
async function startPod(
  registry: ProcessRegistry,
  listen: (ip: string) => Listen = (ip) => ({ kind: "tcp", host: ip, port: FPM_PORT }),
  keepAlive = false,
  address?: string,
): Promise<TestPod> {
  const ip = address ?? (await allocatePodIp());
  const dir = registry.tempDir("drain");
  const l = listen(ip);
  const fpmListen =
    l.kind === "unix" ? join(dir, "fpm.sock") : `${l.host.includes(":") ? `[${l.host}]` : l.host}:${l.port}`;
  writeFileSync(
    join(dir, "php-fpm.conf"),
    [
      "[global]",
      `pid = ${join(dir, "php-fpm.pid")}`,
      `error_log = ${join(dir, "php-fpm.log")}`,
      "daemonize = no",
      "[www]",
      `listen = ${fpmListen}`,
      "listen.mode = 0666",
      "pm = static",
      "pm.max_children = 4",
      "clear_env = no",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "php.ini"), "max_execution_time = 0\n");
  const upstream = l.kind === "unix" ? `unix:${fpmListen}` : fpmListen;
  const t = (sub: string) => join(dir, `nginx-${sub}`);
  writeFileSync(
    join(dir, "nginx.conf"),
    `user root; worker_processes 1; pid ${join(dir, "nginx.pid")}; error_log ${join(dir, "nginx-error.log")} notice;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${t("cb")}; proxy_temp_path ${t("px")}; fastcgi_temp_path ${t("fc")}; uwsgi_temp_path ${t("uw")}; scgi_temp_path ${t("sc")};
  upstream fpm { server ${upstream}; ${keepAlive ? "keepalive 4;" : ""} }
  server {
    listen ${ip}:${NGINX_PORT};
    location / {
      fastcgi_pass fpm;
      ${keepAlive ? "fastcgi_keep_conn on;" : ""}
      fastcgi_read_timeout 60s;
      fastcgi_param SCRIPT_FILENAME ${appScript};
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param CONTENT_TYPE $content_type;
      fastcgi_param CONTENT_LENGTH $content_length;
    }
  }
}
`,
  );
  const env = { PATH, POD_NAME: "drain" };
  const fpm = await startInPidNamespace({
    argv: [PHP_FPM, "-F", "-R", "-y", join(dir, "php-fpm.conf"), "-c", join(dir, "php.ini")],
    env: { ...env, PHP_INI_SCAN_DIR: join(dir, "none") },
    logFile: join(dir, "php-fpm.out"),
    registry,
  });
  await startInPidNamespace({
    argv: [
      NGINX,
      "-p",
      dir,
      "-e",
      join(dir, "nginx-error.log"),
      "-c",
      join(dir, "nginx.conf"),
      "-g",
      "daemon off;",
    ],
    env,
    logFile: join(dir, "nginx.out"),
    registry,
  });
  const pod = { ip, dir, fpm, url: (ms: number) => `http://${ip}:${NGINX_PORT}/?ms=${ms}` };
  const deadline = Date.now() + 5000;
  while ((await get(pod.url(0), 1000)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`pod ${ip} not serving after 5 s (see ${dir})`);
    await sleep(50);
  }
  return pod;
}

interface Answer {
  status: number | string;
  endMs: number;
}

/** One GET, bounded in time, never throws; a fresh connection unless `keepAlive`. */
async function get(url: string, timeoutMs = 15000): Promise<Answer> {
  try {
    const res = await request(url, { reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.text();
    return { status: res.statusCode, endMs: performance.now() };
  } catch (error) {
    return { status: (error as { code?: string }).code ?? String(error), endMs: performance.now() };
  }
}

/** Run a script with `shell` inside the pod's php-fpm PID namespace, as the kubelet runs a preStop exec. */
function runHook(
  pod: { fpm: NamespaceProcess },
  shell: string[],
  script: string,
  registry: ProcessRegistry,
  env = {},
) {
  return execInNamespace(pod.fpm, [...shell, "-c", script], registry, { PATH, ...env });
}

/** Reject when `promise` takes longer than `ms` (the `finally` then kills what is left). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function withRegistry(body: (registry: ProcessRegistry) => Promise<void>): Promise<void> {
  const registry = new ProcessRegistry();
  try {
    await body(registry);
  } finally {
    await registry.cleanup();
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/**
 * Request A (3 s) is in flight when the pod is deleted, request B (3 s) arrives 0.5 s into the propagation
 * wait (1 s). The hook must let both finish: it ends when php-fpm exits, about when B ends.
 */
async function drainScenario(
  registry: ProcessRegistry,
  shell: string[],
  listen: ((ip: string) => Listen) | undefined,
  params: (pod: TestPod) => DrainHookParams,
  diagnostic: (message: string) => void,
): Promise<void> {
  const pod = await startPod(registry, listen);
  const a = get(pod.url(3000));
  await sleep(500);
  const hookRun = runHook(pod, shell, drainHookScript(params(pod)), registry, { POD_IP: pod.ip });
  await sleep(500);
  const b = get(pod.url(3000));
  const [ra, rb, hook, exit] = await within(Promise.all([a, b, hookRun, pod.fpm.exited]), 12000, "drain");
  assert.equal(ra.status, 200, `request in flight at deletion: ${ra.status}; hook: ${hook.stderr}`);
  assert.equal(rb.status, 200, `request during propagation: ${rb.status}; hook: ${hook.stderr}`);
  assert.match(hook.stderr, /phase 2\/4: 2 connection\(s\) in progress/, hook.stderr);
  assert.match(hook.stderr, /phase 2\/4: idle at/, hook.stderr);
  assert.match(hook.stderr, /phase 3\/4: kill -QUIT 1\ndrain: phase 4\/4/, hook.stderr);
  assert.doesNotMatch(hook.stderr, /still running|failed/, hook.stderr);
  // php-fpm (PID 1) exited, then the kernel killed the hook with the rest of the namespace. The two exits
  // reach this process as separate notifications, which a loaded 2-core machine can deliver ~0.1 s apart
  // in either order; what must not happen is the hook ending well before php-fpm (it stopped waiting).
  assert.ok(
    exit.atMs <= hook.endMs + 500,
    `php-fpm exited ${seconds(exit.atMs - hook.endMs)} s after the hook`,
  );
  assert.ok(hook.signal === "SIGKILL" || hook.code === 0, `hook ended with ${hook.signal ?? hook.code}`);
  const duration = hook.endMs - hook.startMs;
  const expected = Math.max(rb.endMs, ra.endMs) - hook.startMs;
  // Each look at /proc/net/tcp reads it whole; the rehearsal's shared network namespace holds every test's
  // TIME_WAIT sockets, and a look costs up to 0.12 s per 1,000 lines (busybox), waited for twice at most.
  const tableLines = readFileSync("/proc/net/tcp", "utf8").split("\n").length;
  const slack = 1000 + 0.3 * tableLines;
  diagnostic(
    `hook ${seconds(duration)} s, expected ≈ ${seconds(expected)} s (1 s propagation + B's remaining time); /proc/net/tcp ${tableLines} lines`,
  );
  assert.ok(
    duration >= expected - 100,
    `hook ended ${seconds(expected - duration)} s before the last request`,
  );
  assert.ok(
    duration <= expected + slack,
    `hook ended ${seconds(duration - expected)} s after the last request`,
  );
}

const ipParams =
  (extra: Partial<DrainHookParams> = {}) =>
  (): DrainHookParams => ({
    propagationSeconds: 1,
    longestRequestSeconds: 10,
    listen: { kind: "tcp", port: FPM_PORT },
    podIpEnv: "POD_IP",
    ...extra,
  });

describe("drain hook with real php-fpm and nginx", { concurrency: 4, timeout: 60000 }, () => {
  for (const [name, shell] of Object.entries(SHELLS)) {
    test(`${name}: in-flight and late requests answer 200; the hook ends when php-fpm has exited`, async (t) => {
      await withRegistry((registry) =>
        drainScenario(registry, shell, undefined, ipParams(), (m) => t.diagnostic(m)),
      );
    });
  }

  for (const name of ["dash", "busybox"]) {
    test(`${name}: unix socket listener: connections counted from /proc/net/unix by path`, async (t) => {
      await withRegistry((registry) =>
        drainScenario(
          registry,
          SHELLS[name] ?? [],
          () => ({ kind: "unix" }),
          (pod) => ({
            propagationSeconds: 1,
            longestRequestSeconds: 10,
            listen: { kind: "unix", path: join(pod.dir, "fpm.sock") },
          }),
          (m) => t.diagnostic(m),
        ),
      );
    });
  }

  test("dash: IPv6 listener on [::1] with listen.address", async (t) => {
    const port = await freePort("::1");
    await withRegistry((registry) =>
      drainScenario(
        registry,
        ["dash"],
        () => ({ kind: "tcp", host: "::1", port }),
        () => ({
          propagationSeconds: 1,
          longestRequestSeconds: 10,
          listen: { kind: "tcp", port, address: "::1" },
        }),
        (m) => t.diagnostic(m),
      ),
    );
  });

  test("negative control: `sleep 1; kill -QUIT 1` kills the in-flight request (502)", async () => {
    await withRegistry(async (registry) => {
      const pod = await startPod(registry);
      const a = get(pod.url(3000));
      await sleep(500);
      const hook = runHook(pod, ["dash"], "sleep 1; kill -QUIT 1", registry);
      const [ra] = await within(Promise.all([a, hook, pod.fpm.exited]), 10000, "negative control");
      assert.equal(ra.status, 502);
      assert.ok(ra.endMs - (await hook).startMs < 2000, "the request died at the SIGQUIT");
    });
  });

  test("keep-alive to php-fpm: an idle cached connection counts, so the hook waits its whole bound; requests still 200", async (t) => {
    await withRegistry(async (registry) => {
      const pod = await startPod(registry, undefined, true);
      await get(pod.url(0)); // leaves one cached nginx -> php-fpm connection
      const a = get(pod.url(1500));
      const hookRun = runHook(
        pod,
        ["dash"],
        drainHookScript({ ...ipParams()(), propagationSeconds: 0.5, longestRequestSeconds: 3 }),
        registry,
        { POD_IP: pod.ip },
      );
      const [ra, hook, exit] = await within(Promise.all([a, hookRun, pod.fpm.exited]), 10000, "keep-alive");
      assert.equal(ra.status, 200);
      assert.match(hook.stderr, /still 1 connection\(s\) at \+3\.[5-9]\ds: signalling anyway/, hook.stderr);
      const duration = hook.endMs - hook.startMs;
      t.diagnostic(
        `hook ${seconds(duration)} s (bound 0.5 + 3 s); request ended at ${seconds(ra.endMs - hook.startMs)} s`,
      );
      assert.ok(duration >= 3400 && duration <= 4600, `hook lasted ${seconds(duration)} s`);
      assert.ok(exit.atMs <= hook.endMs + 50);
    });
  });

  test("the wait for idle is bounded: a request longer than longestRequestSeconds dies at the SIGQUIT (port-only match)", async () => {
    await withRegistry(async (registry) => {
      const ip = await allocatePodIp();
      const port = await freePort(ip);
      const real = await startPod(registry, () => ({ kind: "tcp", host: ip, port }), false, ip);
      const a = get(real.url(5000));
      await sleep(200);
      const hookRun = runHook(
        real,
        ["busybox", "sh"],
        drainHookScript({
          propagationSeconds: 0.3,
          longestRequestSeconds: 1.2,
          listen: { kind: "tcp", port },
        }),
        registry,
      );
      const [ra, hook] = await within(Promise.all([a, hookRun, real.fpm.exited]), 10000, "bounded wait");
      assert.equal(ra.status, 502);
      assert.match(hook.stderr, /phase 2\/4: 1 connection\(s\) in progress on port \d+/, hook.stderr);
      assert.match(hook.stderr, /still 1 connection\(s\)/, hook.stderr);
      assert.ok(hook.endMs - hook.startMs < 3000, `hook lasted ${seconds(hook.endMs - hook.startMs)} s`);
    });
  });

  test("no sleep in the image: exit 3 with a message, PID 1 not signalled", async () => {
    await withRegistry(async (registry) => {
      const dir = registry.tempDir("drain-nosleep");
      const quit = join(dir, "quit");
      // A PID 1 with a QUIT handler (so the signal would be delivered) that records it.
      const pid1 = await startInPidNamespace({
        argv: ["dash", "-c", `trap 'echo > ${quit}; exit 0' QUIT; while :; do sleep 0.05; done`],
        env: { PATH },
        logFile: join(dir, "out"),
        registry,
      });
      const script = drainHookScript(tcp({ propagationSeconds: 0, longestRequestSeconds: 1 }));
      const hook = await within(
        execInNamespace(pid1, ["env", "PATH=/nonexistent", "/usr/bin/dash", "-c", script], registry),
        5000,
        "no-sleep hook",
      );
      assert.equal(hook.code, 3, hook.stderr);
      assert.match(
        hook.stderr,
        /^drain: no sleep command in the image: not draining, the stop signal follows\n$/,
      );
      await sleep(300);
      assert.equal(existsSync(quit), false);
      assert.equal(pid1.hasExited(), false);
      // And the same PID 1 does take the hook's SIGQUIT when sleep is there.
      const ok = await within(runHook({ fpm: pid1 }, ["dash"], script, registry), 5000, "hook");
      assert.match(ok.stderr, /phase 3\/4: kill -QUIT 1/);
      await within(pid1.exited, 2000, "PID 1 exit");
      assert.equal(existsSync(quit), true);
    });
  });

  test("PID 1 that drops SIGQUIT (no handler, as a shell wrapper): exit 1 after exitWaitSeconds", async () => {
    await withRegistry(async (registry) => {
      const dir = registry.tempDir("drain-noexit");
      const pid1 = await startInPidNamespace({
        argv: ["sleep", "30"],
        env: { PATH },
        logFile: join(dir, "out"),
        registry,
      });
      const script = drainHookScript(
        tcp({ propagationSeconds: 0, longestRequestSeconds: 0, exitWaitSeconds: 1 }),
      );
      const hook = await within(runHook({ fpm: pid1 }, ["bash", "--posix"], script, registry), 5000, "hook");
      assert.equal(hook.code, 1, hook.stderr);
      assert.match(hook.stderr, /PID 1 still running after 1s: the stop signal follows\n$/);
      const duration = hook.endMs - hook.startMs;
      assert.ok(duration >= 950 && duration < 2500, `hook lasted ${seconds(duration)} s`);
      assert.equal(pid1.hasExited(), false);
    });
  });
});
