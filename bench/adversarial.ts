/**
 * The webhook under attack (issue 16): the clean soak's load (1,000 small AdmissionReviews/s, `/validate`
 * and `/mutate` alternating, every object distinct) with large objects mixed in, two a second from other
 * connections: a 20,000-container Deployment (850 KB, over the container budget: answered unreviewed) and
 * a 150-container one (within it: reviewed in a worker thread). Each phase runs `ADVERSARIAL_SECONDS`
 * (default 60) on the real HTTPS server in a child process pinned to one CPU (as `soak.ts`):
 * 1. clean: the small reviews alone (the baseline);
 * 2. adversarial: the same plus the large objects;
 * 3. before: the adversarial load on a server with the pool and the budget off (every review on the event
 *    loop, no cap), as the webhook was before issue 16 — its own server, so its memory does not carry over.
 * `ADVERSARIAL_RATE` (default 1,000) lowers the small reviews' rate where the machine cannot serve the
 * goal's rate even without an attack (a shared machine under others' load); the ratios stay comparable.
 * Figures: small-review p99 and server RSS of each attacked phase as ratios to the clean phase's, errors,
 * and how the large objects were answered.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { largeReview } from "../test/webhook/helpers.js";
import { pinLoadGenerator } from "./cpus.js";
import { type PacedResult, pacedLoad } from "./paced.js";
import { rssMb } from "./soak.js";
import { measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure } from "./types.js";
import { GOAL_RATE, makeCertificate, PACED_CONNECTIONS, reviewBodies, startServer } from "./webhook.js";

const WARMUP_SECONDS = 5;
const LARGE_RATE = 2;

interface Phase {
  small: PacedResult;
  large?: PacedResult;
  rssMedianMb: number;
  rssMaxMb: number;
}

export const adversarialBenchmark: Benchmark = {
  id: "webhook-adversarial",
  title: "webhook under attack: 1,000 small reviews/s with large objects mixed in, against the clean soak",
  run: runAdversarial,
};

async function runAdversarial(context: BenchmarkContext): Promise<BenchmarkResult> {
  const seconds = Number(process.env.ADVERSARIAL_SECONDS ?? 60);
  if (!Number.isFinite(seconds) || seconds < 10)
    throw new Error(`ADVERSARIAL_SECONDS must be ≥ 10, got ${seconds}`);
  const rate = Number(process.env.ADVERSARIAL_RATE ?? GOAL_RATE);
  if (!Number.isFinite(rate) || rate < 10) throw new Error(`ADVERSARIAL_RATE must be ≥ 10, got ${rate}`);
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-bench-adversarial-"));
  const placement = pinLoadGenerator();
  context.log(`CPUs: ${placement.description}`);
  const children: ChildProcess[] = [];
  try {
    const { cert, key } = makeCertificate(dir);
    const ca = readFileSync(cert);
    const { template } = await reviewBodies();
    const huge = await largeReview(20_000, "adversarial-huge");
    const wide = await largeReview(150, "adversarial-wide");
    let serial = 0;
    const run = async (port: number, phaseSeconds: number, attacked: boolean): Promise<Phase> => {
      const origin = `https://127.0.0.1:${port}`;
      const pid = children.at(-1)?.pid as number;
      const rss: number[] = [];
      const sampler = setInterval(() => {
        const mb = rssMb(pid);
        if (mb !== undefined) rss.push(mb);
      }, 1000);
      try {
        const [small, large] = await Promise.all([
          pacedLoad({
            origin,
            ca,
            path: "/validate",
            pathOf: (index) => (index % 2 === 0 ? "/validate" : "/mutate"),
            method: "POST",
            rate,
            seconds: phaseSeconds,
            connections: PACED_CONNECTIONS,
            body: () => template.replaceAll("__NAME__", `adv-${++serial}`),
          }),
          attacked
            ? pacedLoad({
                origin,
                ca,
                path: "/validate",
                method: "POST",
                rate: LARGE_RATE,
                seconds: phaseSeconds,
                connections: 4,
                body: (index) => (index % 2 === 0 ? huge : wide),
              })
            : undefined,
        ]);
        const median = rss.length > 0 ? measured(rss).median : 0;
        return { small, ...(large ? { large } : {}), rssMedianMb: median, rssMaxMb: Math.max(0, ...rss) };
      } finally {
        clearInterval(sampler);
      }
    };
    const stop = async (child: ChildProcess) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
      child.kill("SIGTERM");
      const bound = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(bound);
    };
    const describe = (name: string, p: Phase) =>
      context.log(
        `${name}: small p99 ${p.small.latency.p99.toFixed(1)} ms (p50 ${p.small.latency.p50.toFixed(1)}), ${p.small.errors} errors` +
          `${p.large ? `; large ${p.large.answered} answered, ${p.large.errors} errors, p50 ${p.large.latency.p50.toFixed(0)} ms` : ""}` +
          `; RSS median ${p.rssMedianMb.toFixed(1)} MB, max ${p.rssMaxMb.toFixed(1)} MB`,
      );

    const after = await startServer(cert, key, placement.serverPrefix);
    children.push(after.child);
    context.log(`warming up (${WARMUP_SECONDS}s, both loads)`);
    await run(after.port, WARMUP_SECONDS, true);
    context.log(`clean: ${seconds}s at ${rate}/s`);
    const clean = await run(after.port, seconds, false);
    describe("clean", clean);
    context.log(`adversarial: ${seconds}s at ${rate}/s + ${LARGE_RATE} large/s`);
    const attacked = await run(after.port, seconds, true);
    describe("adversarial", attacked);
    await stop(after.child);

    // As before issue 16: every review on the event loop, no budget.
    const before = await startServer(cert, key, placement.serverPrefix, {
      threads: 0,
      review: { budget: null },
    });
    children.push(before.child);
    await run(before.port, WARMUP_SECONDS, false);
    context.log(`before (no pool, no budget): ${seconds}s, the adversarial load`);
    const old = await run(before.port, seconds, true);
    describe("before", old);
    await stop(before.child);

    const one = (n: number) => measured([n]);
    const cleanP99 = clean.small.latency.p99;
    const figures: Figure[] = [
      {
        id: "webhook-adversarial.clean_p99_ms",
        label: `small reviews alone: p99 at ${rate}/s (the baseline)`,
        unit: "ms",
        value: one(cleanP99),
        goal: { max: 10 },
        note: `p50 ${clean.small.latency.p50.toFixed(1)} ms; ${clean.small.sent} requests, ${clean.small.errors} errors`,
      },
      {
        id: "webhook-adversarial.p99_ratio",
        label: `small reviews with ${LARGE_RATE} large objects/s mixed in: p99 ÷ the clean p99`,
        unit: "×",
        value: one(attacked.small.latency.p99 / cleanP99),
        baseline: { label: "clean p99 (ms)", value: one(cleanP99) },
        note: `p99 ${attacked.small.latency.p99.toFixed(1)} ms, p99.9 ${attacked.small.latency.p999.toFixed(1)} ms; ${attacked.small.errors} errors of ${attacked.small.sent}`,
      },
      {
        id: "webhook-adversarial.small_p99_ms",
        label: "small reviews with large objects mixed in: p99",
        unit: "ms",
        value: one(attacked.small.latency.p99),
        goal: { max: 50 },
      },
      {
        id: "webhook-adversarial.rss_ratio",
        label: "server RSS under attack: median ÷ the clean phase's median",
        unit: "×",
        value: one(attacked.rssMedianMb / clean.rssMedianMb),
        baseline: { label: "clean RSS median (MB)", value: one(clean.rssMedianMb) },
        note: `${attacked.rssMedianMb.toFixed(1)} MB median, ${attacked.rssMaxMb.toFixed(1)} MB max`,
      },
      {
        id: "webhook-adversarial.errors",
        label: "small reviews: errors, timeouts and non-2xx under attack",
        unit: "count",
        value: one(attacked.small.errors),
        goal: { max: 0 },
      },
      {
        id: "webhook-adversarial.large_p50_ms",
        label: "large objects: median time to their answer",
        unit: "ms",
        value: one(attacked.large?.latency.p50 ?? 0),
        note: `${attacked.large?.answered ?? 0} answered of ${attacked.large?.sent ?? 0}, p99 ${(attacked.large?.latency.p99 ?? 0).toFixed(0)} ms`,
      },
      {
        id: "webhook-adversarial.before_p99_ratio",
        label: "before issue 16 (no pool, no budget), same attack: small p99 ÷ the clean p99",
        unit: "×",
        value: one(old.small.latency.p99 / cleanP99),
        note: `p99 ${old.small.latency.p99.toFixed(0)} ms; ${old.small.errors} errors and timeouts of ${old.small.sent}; large answered ${old.large?.answered ?? 0} of ${old.large?.sent ?? 0}; RSS median ${old.rssMedianMb.toFixed(1)} MB (${(old.rssMedianMb / clean.rssMedianMb).toFixed(2)}×), max ${old.rssMaxMb.toFixed(1)} MB`,
      },
    ];
    return {
      setup: {
        seconds,
        warmupSeconds: WARMUP_SECONDS,
        rate,
        largeRate: LARGE_RATE,
        large:
          "20,000 containers (850 KB, over the budget) and 150 containers (reviewed in a worker), alternating",
        connections: PACED_CONNECTIONS,
        cpus: placement.description,
      },
      figures,
    };
  } finally {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    placement.restore();
    await rm(dir, { recursive: true, force: true });
  }
}
