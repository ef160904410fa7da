import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sleep } from "../../src/rehearse/events.js";
import { repoRoot } from "./helpers.js";

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function processTable(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      out.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0] ?? "?", cmdline });
    } catch {
      // gone while reading
    }
  }
  return out;
}

function descendants(root: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const p of table) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Processes of `before` that still run the same command (not zombies, not a reused PID). */
function survivors(before: Proc[]): Proc[] {
  const now = new Map(processTable().map((p) => [p.pid, p]));
  return before.filter((p) => {
    const current = now.get(p.pid);
    return current !== undefined && current.state !== "Z" && current.cmdline === p.cmdline;
  });
}

async function killMidRun(signal: NodeJS.Signals, topology: "separate" | "sidecar") {
  const tmp = mkdtempSync(join(tmpdir(), "kill-test-"));
  const child = spawn(process.execPath, [join(repoRoot, "dist/test/rehearse/kill-child.js")], {
    env: { ...process.env, FPM_GRACEFUL_KILL_CHILD: "1", FPM_GRACEFUL_TOPOLOGY: topology, TMPDIR: tmp },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, sig) => resolve(code ?? sig ?? "?")),
  );
  try {
    const deadline = Date.now() + 30_000;
    // Mid-run: the first old pod is in its preStop, load running.
    while (!/prestop-start/.test(stderr) && Date.now() < deadline) await sleep(50);
    assert.match(stderr, /prestop-start/, "the rehearsal never reached a pod's termination");
    await sleep(300);
    const before = descendants(child.pid ?? -1);
    const names = before.map((p) => p.cmdline).join("\n");
    assert.match(names, /php-fpm: master/);
    assert.match(names, /nginx: master/);
    assert.match(names, /unshare/);
    child.kill(signal);
    const code = await Promise.race([exited, sleep(10_000).then(() => "still running")]);
    if (signal === "SIGTERM") assert.equal(code, 143);
    if (signal === "SIGINT") assert.equal(code, 130);
    // Namespaces die with their PID 1; give the kernel a moment to reap.
    let left = survivors(before);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await sleep(50);
      left = survivors(before);
    }
    assert.deepEqual(
      left.map((p) => p.cmdline),
      [],
      "processes left behind",
    );
    if (signal !== "SIGKILL") assert.deepEqual(readdirSync(tmp), [], "temp dirs left behind");
  } finally {
    child.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  }
}

test("SIGTERM to the tool mid-rehearsal leaves no nginx, php-fpm, unshare or temp dir behind", async () => {
  await killMidRun("SIGTERM", "separate");
});

test("Ctrl-C (SIGINT) mid-rehearsal (sidecar topology) leaves nothing behind", async () => {
  await killMidRun("SIGINT", "sidecar");
});

test("even SIGKILL of the tool takes its namespaces down (parent-death signal on unshare)", async () => {
  await killMidRun("SIGKILL", "separate");
});
