/**
 * The admission webhook soaked at its target rate (issue 6: "a soak of the webhook at its target rate for
 * several minutes with no error and flat memory"). The real HTTPS server runs in a child process, as in
 * `bench/webhook.ts`, on a CPU of its own; `paced.ts` sends 1,000 AdmissionReviews/s on a fixed schedule,
 * alternating `/validate` and `/mutate`, every object distinct so the review cache never answers, for
 * `SOAK_SECONDS` (default 180) after a 5 s warm-up. The server's RSS (`VmRSS` of `/proc/<pid>/status`) is sampled every 5 s.
 * Figures: errors + timeouts + non-2xx (goal 0), the achieved rate, p99 over the whole soak and per
 * minute, and RSS growth: the last window's median RSS ÷ the first window's (goal ≤ 1.2), a window being
 * a minute (a third of the soak when it is shorter than 3 minutes).
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinLoadGenerator } from "./cpus.js";
import { pacedLoad, quantile } from "./paced.js";
import { measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure } from "./types.js";
import { GOAL_RATE, makeCertificate, PACED_CONNECTIONS, reviewBodies, startServer } from "./webhook.js";

const SAMPLE_SECONDS = 5;
const WARMUP_SECONDS = 5;

/** Resident set size of `pid` in MB, or undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const soakBenchmark: Benchmark = {
  id: "webhook-soak",
  title: "webhook soak: 1,000 reviews/s for minutes, errors, latency and server memory over time",
  run: runSoak,
};

async function runSoak(context: BenchmarkContext): Promise<BenchmarkResult> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 180);
  if (!Number.isFinite(seconds) || seconds < 15) throw new Error(`SOAK_SECONDS must be ≥ 15, got ${seconds}`);
  const windowSeconds = Math.min(60, seconds / 3);
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-bench-soak-"));
  let child: ChildProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  const placement = pinLoadGenerator();
  context.log(`CPUs: ${placement.description}`);
  try {
    const { cert, key } = makeCertificate(dir);
    const started = await startServer(cert, key, placement.serverPrefix);
    child = started.child;
    const pid = child.pid as number;
    const { template } = await reviewBodies();
    let serial = 0;
    const load = (duration: number, onAnswer?: (dueMs: number, latencyMs: number) => void) =>
      pacedLoad({
        origin: `https://127.0.0.1:${started.port}`,
        ca: readFileSync(cert),
        path: "/validate",
        pathOf: (index) => (index % 2 === 0 ? "/validate" : "/mutate"),
        method: "POST",
        rate: GOAL_RATE,
        seconds: duration,
        connections: PACED_CONNECTIONS,
        body: () => template.replaceAll("__NAME__", `soak-${++serial}`),
        ...(onAnswer ? { onAnswer } : {}),
      });

    context.log(`warming up (${WARMUP_SECONDS}s at ${GOAL_RATE}/s)`);
    const warm = await load(WARMUP_SECONDS);
    const warmErrors = warm.errors;

    const rss: { t: number; mb: number }[] = [];
    const t0 = performance.now();
    const sample = () => {
      const mb = rssMb(pid);
      if (mb !== undefined) rss.push({ t: (performance.now() - t0) / 1000, mb });
    };
    sample();
    sampler = setInterval(sample, SAMPLE_SECONDS * 1000);
    // Per-minute latency: every answer's latency, bucketed by the minute it was due in.
    const perMinute: number[][] = [];
    const running = load(seconds, (dueMs, latencyMs) => {
      const minute = Math.floor(dueMs / 60_000);
      perMinute[minute] ??= [];
      perMinute[minute].push(latencyMs);
    });
    let lastLogged = 0;
    const progress = setInterval(() => {
      const last = rss.at(-1);
      const minute = Math.floor((performance.now() - t0) / 60_000);
      if (minute > lastLogged) {
        lastLogged = minute;
        const times = [...(perMinute[minute - 1] ?? [])].sort((a, b) => a - b);
        context.log(
          `minute ${minute}: ${times.length} answers, p99 ${quantile(times, 0.99).toFixed(1)} ms, RSS ${last?.mb.toFixed(1)} MB`,
        );
      }
    }, 1000);
    const result = await running.finally(() => clearInterval(progress));
    clearInterval(sampler);
    sample();

    const { errors } = result;
    const end = rss.at(-1)?.t ?? seconds;
    const first = rss.filter((s) => s.t <= windowSeconds).map((s) => s.mb);
    const last = rss.filter((s) => s.t >= end - windowSeconds).map((s) => s.mb);
    const firstMedian = measured(first);
    const lastMedian = measured(last);
    const growth = lastMedian.median / firstMedian.median;
    const maxRss = Math.max(...rss.map((s) => s.mb));
    // Only whole minutes (a partial last bucket has few responses and an unstable p99).
    const minuteP99 = perMinute
      .filter((times, minute) => times && (minute + 1) * 60 <= seconds + 1)
      .map((times) =>
        quantile(
          [...times].sort((a, b) => a - b),
          0.99,
        ),
      );
    context.log(
      `${result.sent} requests, ${errors} errors, ${result.achievedRate.toFixed(0)} answers/s, p99 ${result.latency.p99.toFixed(1)} ms, RSS ${firstMedian.median.toFixed(1)} → ${lastMedian.median.toFixed(1)} MB (max ${maxRss.toFixed(1)})`,
    );
    context.log(`RSS samples (s:MB): ${rss.map((s) => `${s.t.toFixed(0)}:${s.mb.toFixed(1)}`).join(" ")}`);

    const one = (n: number) => measured([n]);
    const figures: Figure[] = [
      {
        id: "webhook-soak.errors",
        label: "errors, timeouts and non-2xx over the soak",
        unit: "count",
        value: one(errors),
        goal: { max: 0 },
        note: `${result.sent} requests; warm-up errors ${warmErrors}`,
      },
      {
        id: "webhook-soak.rate",
        label: `achieved rate, asked for ${GOAL_RATE}/s`,
        unit: "reviews/s",
        value: one(result.achievedRate),
        baseline: { label: "requested rate", value: one(GOAL_RATE) },
      },
      {
        id: "webhook-soak.p99_ms",
        label: "p99 latency over the whole soak",
        unit: "ms",
        value: one(result.latency.p99),
        baseline: { label: "p50 over the whole soak", value: one(result.latency.p50) },
        note: `p99.9 ${result.latency.p999.toFixed(1)} ms, max ${result.latency.max.toFixed(1)} ms`,
        goal: { max: 10 },
      },
      {
        id: "webhook-soak.rss_growth",
        label: `server RSS growth: last ${windowSeconds}s median ÷ first ${windowSeconds}s median`,
        unit: "×",
        value: one(growth),
        goal: { max: 1.2 },
        note: `${firstMedian.median.toFixed(1)} → ${lastMedian.median.toFixed(1)} MB, ${rss.length} samples every ${SAMPLE_SECONDS}s`,
      },
      {
        id: "webhook-soak.rss_last_mb",
        label: `server RSS, median of the last ${windowSeconds}s`,
        unit: "MB",
        value: lastMedian,
        baseline: { label: `median of the first ${windowSeconds}s`, value: firstMedian },
      },
      {
        id: "webhook-soak.rss_max_mb",
        label: "server RSS, maximum sample",
        unit: "MB",
        value: one(maxRss),
      },
    ];
    if (minuteP99.length > 0) {
      figures.push({
        id: "webhook-soak.minute_p99_ms",
        label: "p99 latency of each whole minute (median and range over minutes)",
        unit: "ms",
        value: measured(minuteP99),
        goal: { max: 10 },
      });
    }
    return {
      setup: {
        seconds,
        warmupSeconds: WARMUP_SECONDS,
        rate: GOAL_RATE,
        connections: PACED_CONNECTIONS,
        paths: "/validate and /mutate alternating, distinct objects",
        load: "open model on a fixed schedule (bench/paced.ts)",
        cpus: placement.description,
        rssSampleSeconds: SAMPLE_SECONDS,
        rssWindowSeconds: windowSeconds,
        note: "one soak per run (BENCH_ROUNDS not used)",
      },
      figures,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolveExit) => child?.once("exit", resolveExit));
      child.kill("SIGTERM");
      const bound = setTimeout(() => child?.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(bound);
    }
    placement.restore();
    await rm(dir, { recursive: true, force: true });
  }
}
