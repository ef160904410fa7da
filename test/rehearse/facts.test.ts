/**
 * Each row of FACTS.md's php-fpm, shell and nginx tables, reproduced with real processes: nginx -> FastCGI ->
 * php-fpm in one pod, signals sent from the host to each container's PID 1, as the kubelet's runtime does.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent, request } from "undici";
import { NGINX_PORT } from "../../src/rehearse/configs.js";
import { sleep } from "../../src/rehearse/events.js";
import { execInNamespace, startInPidNamespace } from "../../src/rehearse/namespace.js";
import type { ContainerPlan } from "../../src/rehearse/plan.js";
import { Pod, type RunningContainer, type RuntimeContext } from "../../src/rehearse/pod.js";
import { fetchOnce, makeContext, waitReady } from "./helpers.js";

function fpmContainer(fields: Partial<ContainerPlan> = {}): ContainerPlan {
  return {
    name: "php-fpm",
    role: "fpm",
    stopSignal: "SIGQUIT",
    stopSignalSource: "image",
    pid1: "exec",
    maxChildren: 4,
    ...fields,
  };
}
const nginxContainer: ContainerPlan = {
  name: "nginx",
  role: "nginx",
  stopSignal: "SIGQUIT",
  stopSignalSource: "image",
  pid1: "exec",
};

async function withPod(
  fpm: Partial<ContainerPlan>,
  body: (pod: Pod, url: (ms: number) => string, ctx: RuntimeContext) => Promise<void>,
): Promise<void> {
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "facts", {
      gracePeriodSeconds: 30,
      containers: [nginxContainer, fpmContainer(fpm)],
    });
    await waitReady(pod);
    await body(pod, (ms) => `http://${pod.ip}:${NGINX_PORT}/?ms=${ms}`, ctx);
  } finally {
    await ctx.registry.cleanup();
  }
}

function containerOf(pod: Pod, role: ContainerPlan["role"]): RunningContainer {
  const container = pod.containers.find((c) => c.plan.role === role);
  if (!container) throw new Error(`${pod.name} has no ${role} container`);
  return container;
}
const fpmOf = (pod: Pod) => containerOf(pod, "fpm");
const nginxOf = (pod: Pod) => containerOf(pod, "nginx");

test("php-fpm SIGTERM: in-flight requests die with 502 (process_control_timeout makes no difference), new ones get 502 at once", async () => {
  await withPod({ processControlTimeoutSeconds: 5 }, async (pod, url) => {
    const inFlight = fetchOnce(url(3000));
    await sleep(500);
    fpmOf(pod).process.signal("SIGTERM");
    await sleep(200);
    const fresh = await fetchOnce(url(0));
    const first = await inFlight;
    assert.equal(first.status, 502);
    assert.ok(first.ms < 1500, `in-flight answered after ${first.ms} ms`);
    assert.equal(fresh.status, 502);
    assert.ok(fresh.ms < 500, `new request answered after ${fresh.ms} ms`);
  });
});

test("php-fpm SIGQUIT with process_control_timeout unset (0): same as SIGTERM, in-flight 502", async () => {
  await withPod({}, async (pod, url) => {
    const inFlight = fetchOnce(url(3000));
    await sleep(500);
    fpmOf(pod).process.signal("SIGQUIT");
    const first = await inFlight;
    assert.equal(first.status, 502);
    assert.ok(first.ms < 1500, `answered after ${first.ms} ms`);
  });
});

test("php-fpm SIGQUIT with process_control_timeout 5s in [global]: in-flight finish, one at +5 s is killed, new ones wait in the backlog then 502", async () => {
  await withPod({ processControlTimeoutSeconds: 5 }, async (pod, url) => {
    const finishing = fetchOnce(url(2500));
    const tooLong = fetchOnce(url(8000));
    await sleep(500);
    const signalledAt = Date.now();
    fpmOf(pod).process.signal("SIGQUIT");
    await sleep(500);
    const waiting = fetchOnce(url(0));
    const [a, b, c] = await Promise.all([finishing, tooLong, waiting]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 502);
    const killedAfter = (Date.now() - signalledAt) / 1000;
    assert.ok(killedAfter >= 4.5, `the 8 s request was killed ${killedAfter}s after SIGQUIT`);
    assert.equal(c.status, 502);
    assert.ok(c.ms > 2000, `a new request waited only ${c.ms} ms in the backlog`);
  });
});

test("php-fpm SIGQUIT then SIGTERM 0.5 s later: terminating overrides finishing, in-flight 502", async () => {
  await withPod({ processControlTimeoutSeconds: 5 }, async (pod, url) => {
    const inFlight = fetchOnce(url(3000));
    await sleep(500);
    fpmOf(pod).process.signal("SIGQUIT");
    await sleep(500);
    fpmOf(pod).process.signal("SIGTERM");
    const first = await inFlight;
    assert.equal(first.status, 502);
    assert.ok(first.ms < 2000, `answered after ${first.ms} ms`);
  });
});

test("php-fpm SIGQUIT twice: the second is ignored, requests finish", async () => {
  await withPod({ processControlTimeoutSeconds: 5 }, async (pod, url) => {
    const inFlight = fetchOnce(url(2500));
    await sleep(500);
    fpmOf(pod).process.signal("SIGQUIT");
    await sleep(500);
    fpmOf(pod).process.signal("SIGQUIT");
    const first = await inFlight;
    assert.equal(first.status, 200);
  });
});

test("process_control_timeout in a php.ini conf.d file has no effect: php-fpm -tt prints 0s and SIGQUIT kills in-flight", async () => {
  const ctx = makeContext();
  try {
    const dir = ctx.registry.tempDir("tt");
    mkdirSync(join(dir, "conf.d"));
    writeFileSync(join(dir, "conf.d", "graceful.ini"), "process_control_timeout=5s\n");
    // php-fpm -tt dumps the effective configuration (on stderr).
    const effective = (global: string) => {
      const file = join(dir, `fpm-${global.length}.conf`);
      writeFileSync(
        file,
        `[global]\nerror_log = /dev/null\n${global}\n[www]\nlisten = 127.0.0.1:1\npm = static\npm.max_children = 1\n`,
      );
      const r = spawnSync(ctx.phpFpm, ["-tt", "-R", "-y", file], {
        encoding: "utf8",
        env: { PHP_INI_SCAN_DIR: join(dir, "conf.d") },
      });
      return `${r.stdout}${r.stderr}`;
    };
    assert.match(effective(""), /process_control_timeout = 0s/);
    assert.match(effective("process_control_timeout = 5s"), /process_control_timeout = 5s/);
  } finally {
    await ctx.registry.cleanup();
  }
  await withPod({ phpIniLines: ["process_control_timeout=5s"] }, async (pod, url) => {
    const inFlight = fetchOnce(url(3000));
    await sleep(500);
    fpmOf(pod).process.signal("SIGQUIT");
    assert.equal((await inFlight).status, 502);
  });
});

test("dash rejects `kill -SIGQUIT 1` (exit 2, php-fpm not signalled); -QUIT, -s QUIT, -3 work; busybox accepts -SIGQUIT", async () => {
  const ctx = makeContext();
  try {
    const dir = ctx.registry.tempDir("shell");
    const log = join(dir, "quits");
    writeFileSync(log, "");
    // A PID 1 with a QUIT handler (so the kernel delivers it), counting the QUITs it gets.
    const pid1 = await startInPidNamespace({
      argv: [
        "sh",
        "-c",
        `trap 'echo QUIT >> ${log}' QUIT; echo > ${log}.ready; while true; do sleep 0.05; done`,
      ],
      env: { PATH: "/usr/bin:/bin" },
      logFile: join(dir, "out"),
      registry: ctx.registry,
    });
    const quits = () => readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    // Poll (bounded) until the trap is installed / the count reaches what is expected.
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 40 && !ok(); i++) await sleep(50);
    };
    await until(() => existsSync(`${log}.ready`));
    const rejected = await execInNamespace(pid1, ["sh", "-c", "kill -SIGQUIT 1"], ctx.registry);
    assert.equal(rejected.code, 2);
    assert.match(rejected.stderr, /Illegal option -S/);
    await sleep(200);
    assert.equal(quits(), 0);
    let expected = 0;
    for (const spelling of ["kill -QUIT 1", "kill -s QUIT 1", "kill -3 1"]) {
      const r = await execInNamespace(pid1, ["sh", "-c", spelling], ctx.registry);
      assert.equal(r.code, 0, `${spelling}: ${r.stderr}`);
      expected++;
      await until(() => quits() === expected);
      assert.equal(quits(), expected, spelling);
    }
    // One at a time: two QUITs pending at once would coalesce into one.
    for (const shell of [["busybox", "sh"], ["bash"]]) {
      const r = await execInNamespace(pid1, [...shell, "-c", "kill -SIGQUIT 1"], ctx.registry);
      assert.equal(r.code, 0, `${shell.join(" ")}: ${r.stderr}`);
      expected++;
      await until(() => quits() === expected);
      assert.equal(quits(), expected, shell.join(" "));
    }
  } finally {
    await ctx.registry.cleanup();
  }
});

test("a shell PID 1 that does not exec php-fpm drops SIGTERM and SIGQUIT: nothing drains, only SIGKILL stops it", async () => {
  await withPod({ pid1: "shell-wrapper", processControlTimeoutSeconds: 5 }, async (pod, url) => {
    const fpm = fpmOf(pod);
    assert.match(readFileSync(`/proc/${fpm.process.pid1}/cmdline`, "utf8"), /^\/bin\/sh/);
    const inFlight = fetchOnce(url(1500));
    await sleep(300);
    assert.ok(fpm.process.signal("SIGQUIT"));
    assert.ok(fpm.process.signal("SIGTERM"));
    await sleep(500);
    assert.equal(fpm.process.hasExited(), false);
    assert.equal((await inFlight).status, 200);
    assert.equal((await fetchOnce(url(0))).status, 200, "php-fpm still takes new requests");
    assert.ok(fpm.process.signal("SIGKILL"));
    await fpm.process.exited;
    assert.equal(fpm.process.hasExited(), true);
  });
});

test("`sh -c 'true; sleep 2'`: busybox's ash and bash exec the last command, Debian's dash keeps it as a child", async () => {
  const lastProcess = async (shell: string[]): Promise<string> => {
    const child = spawn(shell[0] as string, [...shell.slice(1), "-c", "true; sleep 2"], { stdio: "ignore" });
    await sleep(400);
    const comm = readFileSync(`/proc/${child.pid}/comm`, "utf8").trim();
    child.kill("SIGKILL");
    return comm;
  };
  assert.equal(await lastProcess(["busybox", "sh"]), "sleep", "busybox execs the last command");
  assert.equal(await lastProcess(["bash"]), "sleep", "bash execs the last command");
  assert.equal(await lastProcess(["dash"]), "dash", "Debian's dash stays the parent");
});

test("nginx SIGTERM is a fast shutdown: an in-flight proxied request is cut (empty reply)", async () => {
  await withPod({}, async (pod, url) => {
    const inFlight = fetchOnce(url(2000));
    await sleep(500);
    nginxOf(pod).process.signal("SIGTERM");
    const first = await inFlight;
    assert.equal(first.status, "error", `got ${first.status}`);
    assert.ok(first.ms < 1500);
  });
});

test("nginx SIGQUIT is graceful: in-flight finish, new connections are refused, idle keep-alive connections dropped", async () => {
  await withPod({}, async (pod, url) => {
    const keepAlive = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
    try {
      const warm = await request(url(0), { dispatcher: keepAlive });
      await warm.body.text();
      let idleClosed = false;
      keepAlive.on("disconnect", () => {
        idleClosed = true;
      });
      const inFlight = fetchOnce(url(2000));
      await sleep(500);
      nginxOf(pod).process.signal("SIGQUIT");
      await sleep(200);
      const fresh = await fetchOnce(url(0));
      assert.equal(fresh.status, "error");
      assert.equal(fresh.error, "ECONNREFUSED");
      assert.equal(idleClosed, true, "idle keep-alive connection still open");
      assert.equal((await inFlight).status, 200);
    } finally {
      await keepAlive.destroy();
    }
  });
});
