/**
 * `rehearse` interrupted at random moments (issue 6: "rehearse interrupted at random moments leaves no
 * process, namespace or temp file behind"). `INTERRUPT_RUNS` times (default 6), the CLI
 * (`fpm-graceful rehearse --strategy recommended --propagation 1 --rps 10 --mix 90%:50ms,10%:3s
 * --restarts 3`) is started as a child with its own `TMPDIR`, and at a seeded random moment between 1 s
 * and 20 s (`INTERRUPT_SEED`, default 6) gets SIGINT, SIGTERM or SIGKILL in turn. Its process tree is
 * recorded every 100 ms while it runs, and every process carries a marker in its environment; after it
 * exits (bounded: 30 s), and 2 s for the kernel to reap the namespaces, anything of its tree or with its
 * marker still running is a leftover process (a PID namespace lives only as long as a process in it, so
 * none left means no namespace left), and anything in its `TMPDIR` a leftover temp dir. After SIGKILL the
 * tool cleans nothing itself: its namespaces go down by `setpriv --pdeathsig` + `unshare --kill-child`
 * (src/rehearse/namespace.ts), and its temp dirs stay (counted apart, with no goal).
 * What this benchmark finds left behind it kills (by PID) and removes afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure } from "./types.js";

const ARGS = [
  "rehearse",
  "--strategy",
  "recommended",
  "--propagation",
  "1",
  "--rps",
  "10",
  "--mix",
  "90%:50ms,10%:3s",
  "--restarts",
  "3",
];
const SIGNALS = ["SIGINT", "SIGTERM", "SIGKILL"] as const;
const EXIT_BOUND_MS = 30_000;
const REAP_MS = 2_000;
const MARKER = "FPM_GRACEFUL_INTERRUPT_RUN";

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return { pid, ppid: Number(fields[1]), state: fields[0] ?? "?", cmdline };
  } catch {
    return undefined; // gone while reading
  }
}

function processTable(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = readProc(Number(entry));
    if (p) out.push(p);
  }
  return out;
}

function descendants(root: number, table = processTable()): Proc[] {
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

/** Processes whose environment holds `MARKER=<value>` (those that kept the environment they inherited). */
function marked(value: string): Proc[] {
  const needle = `${MARKER}=${value}\0`;
  return processTable().filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/environ`, "latin1").includes(needle);
    } catch {
      return false;
    }
  });
}

/** Of the processes seen, those still running the same command (not zombies, not a reused PID). */
function survivors(seen: Iterable<Proc>): Proc[] {
  const out: Proc[] = [];
  for (const p of seen) {
    const now = readProc(p.pid);
    if (now && now.state !== "Z" && now.cmdline === p.cmdline) out.push(now);
  }
  return out;
}

/** mulberry32: a small seeded generator, so a run's moments can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunOutcome {
  signal: (typeof SIGNALS)[number];
  atSeconds: number;
  /** The child had already exited on its own before the signal. */
  finishedFirst: boolean;
  exitSeconds: number | undefined;
  exit: string;
  phase: string;
  leftoverProcesses: string[];
  leftoverTempDirs: string[];
  seenProcesses: number;
}

async function interruptOnce(
  context: BenchmarkContext,
  run: number,
  signal: (typeof SIGNALS)[number],
  atSeconds: number,
): Promise<RunOutcome> {
  const tmp = mkdtempSync(join(tmpdir(), "fpm-graceful-bench-interrupt-tmp-"));
  const marker = `${process.pid}-${run}-${Date.now()}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(context.rootDir, "dist/src/cli/main.js"), ...ARGS],
    {
      env: { ...process.env, TMPDIR: tmp, [MARKER]: marker },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exitedAt: number | undefined;
  let exit = "running";
  const exited = new Promise<void>((resolveExit) =>
    child.once("exit", (code, sig) => {
      exitedAt = performance.now();
      exit = code !== null ? `code ${code}` : `signal ${sig}`;
      resolveExit();
    }),
  );
  const seen = new Map<string, Proc>();
  const record = () => {
    if (exitedAt !== undefined || child.pid === undefined) return;
    for (const p of descendants(child.pid)) seen.set(`${p.pid} ${p.cmdline}`, p);
  };
  const started = performance.now();
  const watcher = setInterval(record, 100);
  let finishedFirst = false;
  let signalledAt = 0;
  let phase = "";
  try {
    await Promise.race([exited, sleep(atSeconds * 1000)]);
    record();
    finishedFirst = exitedAt !== undefined;
    const lines = stderr.trim().split("\n");
    phase = (lines.at(-1) ?? "").slice(0, 120);
    signalledAt = performance.now();
    if (!finishedFirst) child.kill(signal);
    await Promise.race([exited, sleep(EXIT_BOUND_MS)]);
  } finally {
    clearInterval(watcher);
    if (exitedAt === undefined) {
      exit = `did not exit within ${EXIT_BOUND_MS / 1000} s`;
      child.kill("SIGKILL");
      await exited;
    }
  }
  // The namespaces die with their PID 1; give the kernel a moment to reap.
  const own = new Set(seen.values());
  const left = () => {
    const byPid = new Map<number, Proc>();
    for (const p of [...survivors(own), ...marked(marker)]) byPid.set(p.pid, p);
    return [...byPid.values()];
  };
  let leftovers = left();
  for (let waited = 0; waited < REAP_MS && leftovers.length > 0; waited += 100) {
    await sleep(100);
    leftovers = left();
  }
  const leftoverTempDirs = readdirSync(tmp);
  // Clean up what was left, by PID, so the next run (and other sessions) start clean.
  for (const p of leftovers) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  const seenAll = [...own].map((p) => p.cmdline);
  return {
    signal,
    atSeconds: (signalledAt - started) / 1000,
    finishedFirst,
    exitSeconds: exitedAt !== undefined && !finishedFirst ? (exitedAt - signalledAt) / 1000 : undefined,
    exit,
    phase,
    leftoverProcesses: leftovers.map((p) => `${p.pid} ${p.cmdline}`),
    leftoverTempDirs,
    seenProcesses: seenAll.length,
  };
}

async function runInterrupts(context: BenchmarkContext): Promise<BenchmarkResult> {
  const runs = Number(process.env.INTERRUPT_RUNS ?? 6);
  const seed = Number(process.env.INTERRUPT_SEED ?? 6);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`INTERRUPT_RUNS must be ≥ 1, got ${runs}`);
  const random = seeded(seed);
  const outcomes: RunOutcome[] = [];
  for (let run = 0; run < runs; run++) {
    const signal = SIGNALS[run % SIGNALS.length] as (typeof SIGNALS)[number];
    const at = Math.round((1 + random() * 19) * 10) / 10;
    context.log(`run ${run + 1}/${runs}: ${signal} at ${at}s`);
    const o = await interruptOnce(context, run, signal, at);
    outcomes.push(o);
    context.log(
      `  ${o.finishedFirst ? "finished before the signal" : `exited ${o.exitSeconds?.toFixed(2)}s after it`} (${o.exit}); ` +
        `${o.seenProcesses} processes seen; last output: ${o.phase || "(none)"}`,
    );
    context.log(
      `  left: ${o.leftoverProcesses.length} processes${o.leftoverProcesses.length ? ` (${o.leftoverProcesses.join("; ")})` : ""}, ` +
        `${o.leftoverTempDirs.length} temp dirs${o.leftoverTempDirs.length ? ` (${o.leftoverTempDirs.join(", ")})` : ""}`,
    );
  }
  const graceful = outcomes.filter((o) => o.signal !== "SIGKILL");
  const killed = outcomes.filter((o) => o.signal === "SIGKILL");
  const exitTimes = outcomes.flatMap((o) => (o.exitSeconds === undefined ? [] : [o.exitSeconds]));
  const gracefulExitTimes = graceful.flatMap((o) => (o.exitSeconds === undefined ? [] : [o.exitSeconds]));
  const count = (n: number) => measured([n]);
  const sum = (list: RunOutcome[], f: (o: RunOutcome) => number) => list.reduce((a, o) => a + f(o), 0);
  const notExited = outcomes.filter((o) => o.exit.startsWith("did not exit")).length;
  const figures: Figure[] = [
    {
      id: "rehearse-interrupt.runs",
      label: "interrupted runs (SIGINT, SIGTERM, SIGKILL in turn)",
      unit: "count",
      value: count(outcomes.filter((o) => !o.finishedFirst).length),
      note: `${outcomes.filter((o) => o.finishedFirst).length} finished before their signal; ${notExited} did not exit within ${EXIT_BOUND_MS / 1000} s`,
    },
    {
      id: "rehearse-interrupt.leftover_processes",
      label: "processes left behind (nginx, php-fpm, unshare, nsenter, any of its tree)",
      unit: "count",
      value: count(sum(outcomes, (o) => o.leftoverProcesses.length)),
      goal: { max: 0 },
    },
    {
      id: "rehearse-interrupt.leftover_tempdirs",
      label: "temp dirs left behind after SIGINT / SIGTERM",
      unit: "count",
      value: count(sum(graceful, (o) => o.leftoverTempDirs.length)),
      goal: { max: 0 },
    },
    {
      id: "rehearse-interrupt.leftover_tempdirs_sigkill",
      label: "temp dirs left behind after SIGKILL (the tool cannot clean them)",
      unit: "count",
      value: count(sum(killed, (o) => o.leftoverTempDirs.length)),
    },
  ];
  if (gracefulExitTimes.length > 0) {
    figures.push({
      id: "rehearse-interrupt.exit_seconds",
      label: "seconds from SIGINT / SIGTERM to the tool's exit",
      unit: "s",
      value: measured(gracefulExitTimes),
      baseline:
        exitTimes.length > gracefulExitTimes.length
          ? { label: "every signal, SIGKILL included", value: measured(exitTimes) }
          : undefined,
    });
  }
  return {
    setup: {
      command: `fpm-graceful ${ARGS.join(" ")}`,
      runs,
      seed,
      moments: outcomes.map((o) => `${o.signal}@${o.atSeconds.toFixed(1)}s`).join(", "),
      exitBoundSeconds: EXIT_BOUND_MS / 1000,
      reapSeconds: REAP_MS / 1000,
    },
    figures,
  };
}

export const interruptBenchmark: Benchmark = {
  id: "rehearse-interrupt",
  title: "rehearse interrupted at random moments: what is left behind",
  run: runInterrupts,
};
