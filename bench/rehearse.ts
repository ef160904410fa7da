/**
 * Issue 3's rehearsal figures, on real nginx and php-fpm:
 * (a) the acceptance scenario (propagation 2 s, 3 replicas, 50 requests/s, 90%:50ms,10%:12s, `separate`) for
 *     `naive`, `seed` and `recommended`, repeated `rounds` times (default 5): failed requests per strategy and
 *     kind, and how many runs gave the expected verdicts (naive > 0, seed > 0, recommended = 0);
 * (b) `recommended` over 20 rolling restarts of the same scenario: failed requests (goal 0), and per pod its
 *     termination time minus (propagation + the longest request it had in flight at its deletion), next to
 *     the model's predicted termination (computed from manifests saying what the strategy rehearses).
 * Wall time: (a) about 80 s a run; (b) about 15 s a restart: 12–15 minutes in all on 2 loaded cores.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildModel } from "../src/model/build.js";
import type { Assumptions } from "../src/model/types.js";
import {
  FAILURE_KINDS,
  type MixEntry,
  type RehearseOptions,
  rehearse,
  type StrategyResult,
  strategyPlan,
} from "../src/rehearse/index.js";
import { readInputs } from "../src/sources/files.js";
import { computeTimeline } from "../src/timeline/timeline.js";
import { measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure, Measured } from "./types.js";

const SCENARIO = {
  propagationSeconds: 2,
  replicas: 3,
  rps: 50,
  mix: [
    { share: 0.9, ms: 50 },
    { share: 0.1, ms: 12_000 },
  ] as MixEntry[],
  topology: "separate" as const,
};
const STRATEGIES = ["naive", "seed", "recommended"] as const;
const LONG_RESTARTS = 20;

export const rehearseBenchmark: Benchmark = {
  id: "rehearse",
  title: "rehearse: issue 3 acceptance verdicts and recommended over 20 rolling restarts",
  run: runRehearseBenchmark,
};

function options(context: BenchmarkContext, label: string): Omit<RehearseOptions, "strategies" | "restarts"> {
  return {
    ...SCENARIO,
    onProgress: (line) => {
      if (/ done: |rolling restart/.test(line)) context.log(`${label} ${line}`);
    },
  };
}

/** `41 (502-reset 25, 502-refused 16)`. */
function describeFailed(s: StrategyResult): string {
  const kinds = FAILURE_KINDS.filter((k) => s.failedByKind[k] > 0).map((k) => `${k} ${s.failedByKind[k]}`);
  return kinds.length > 0 ? `${s.failed} (${kinds.join(", ")})` : `${s.failed}`;
}

const count = (n: number, repeats: number): Measured => ({ median: n, min: n, max: n, repeats });

async function runRehearseBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const runs = context.rounds;
  // (a) The acceptance verdicts, `runs` times; the three strategies back to back in each run.
  const perRun: Record<(typeof STRATEGIES)[number], StrategyResult[]> = {
    naive: [],
    seed: [],
    recommended: [],
  };
  let expected = 0;
  const started = performance.now();
  for (let run = 1; run <= runs; run++) {
    const result = await rehearse({
      ...options(context, `run ${run}/${runs}`),
      strategies: [...STRATEGIES],
      restarts: 1,
    });
    const current = {} as Record<(typeof STRATEGIES)[number], StrategyResult>;
    for (const name of STRATEGIES) {
      const s = result.strategies.find((x) => x.name === name);
      if (!s) throw new Error(`run ${run}: no result for ${name}`);
      perRun[name].push(s);
      current[name] = s;
    }
    const ok = current.naive.failed > 0 && current.seed.failed > 0 && current.recommended.failed === 0;
    if (ok) expected++;
    context.log(
      `run ${run}/${runs}: ${STRATEGIES.map((n) => `${n} ${describeFailed(current[n])}`).join("; ")} → verdicts ${ok ? "as expected" : "NOT as expected"}`,
    );
  }
  const acceptanceSeconds = (performance.now() - started) / 1000;

  // (b) recommended over 20 rolling restarts.
  const longStarted = performance.now();
  const long = await rehearse({
    ...options(context, "20 restarts"),
    strategies: ["recommended"],
    restarts: LONG_RESTARTS,
  });
  const recommended = long.strategies[0];
  if (!recommended) throw new Error("no result for the 20-restart run");
  const longSeconds = (performance.now() - longStarted) / 1000;
  const margins = terminationMargins(recommended, SCENARIO.propagationSeconds);
  const predicted = await predictedTermination(context);
  context.log(
    `20 restarts: ${recommended.requests} requests, failed ${describeFailed(recommended)}; ` +
      `termination ${fmtMeasured(measured(margins.termination))} s, margin ${fmtMeasured(measured(margins.margin))} s, ` +
      `exit after last request ${fmtMeasured(measured(margins.afterLastRequest))} s; model predicts ≤ ${predicted.exit} s`,
  );

  const failedFigure = (name: (typeof STRATEGIES)[number]): Figure => ({
    id: `rehearse.${name}-failed`,
    label: `${name}: failed requests per run (acceptance scenario)`,
    unit: "requests",
    value: measured(perRun[name].map((s) => s.failed)),
    baseline: { label: "requests per run", value: measured(perRun[name].map((s) => s.requests)) },
    ...(name === "recommended" ? { goal: { max: 0 } } : { goal: { min: 1 } }),
    note: `per run: ${perRun[name].map(describeFailed).join(" · ")}`,
  });
  const ms = (seconds: number[]) => measured(seconds.map((s) => s * 1000));
  const figures: Figure[] = [
    {
      id: "rehearse.verdicts",
      label: `runs with the expected verdicts (naive > 0, seed > 0, recommended = 0)`,
      unit: `of ${runs} runs`,
      value: count(expected, runs),
      goal: { min: runs },
      note: `acceptance scenario, ${runs} runs × 3 strategies in ${acceptanceSeconds.toFixed(0)} s`,
    },
    ...STRATEGIES.map(failedFigure),
    {
      id: "rehearse.recommended-20-failed",
      label: `recommended: failed requests over ${LONG_RESTARTS} rolling restarts`,
      unit: "requests",
      value: count(recommended.failed, 1),
      baseline: { label: "requests", value: count(recommended.requests, 1) },
      goal: { max: 0 },
      note: `${describeFailed(recommended)} failed of ${recommended.requests}, ${recommended.terminationSeconds.length} pods terminated, in ${longSeconds.toFixed(0)} s`,
    },
    {
      id: "rehearse.recommended-20-margin",
      label: "recommended: pod termination − (propagation + longest request in flight at deletion)",
      unit: "ms",
      value: ms(margins.margin),
      baseline: {
        label: "propagation + longest request in flight at deletion",
        value: ms(margins.needed),
      },
      note: `per pod over ${LONG_RESTARTS} restarts (${margins.margin.length} pods); the longest request in flight at deletion from the request log (requests by their pod, start ≤ deletion < end)`,
    },
    {
      id: "rehearse.recommended-20-termination",
      label: "recommended: pod termination (deletion → last container exit)",
      unit: "ms",
      value: ms(margins.termination),
      baseline: {
        label: "model's predicted pod exit (at the latest)",
        value: count(predicted.exit * 1000, 1),
      },
      goal: { max: predicted.exit * 1000 },
      note: `model: ${predicted.description}`,
    },
    {
      id: "rehearse.recommended-20-after-last-request",
      label: "recommended: pod exit after the end of its last request",
      unit: "ms",
      value: ms(margins.afterLastRequest),
      note: "how long php-fpm took to exit once its last request (of any length, arrived up to the propagation delay after deletion) had finished",
    },
  ];
  return {
    setup: {
      topology: SCENARIO.topology,
      propagation: `${SCENARIO.propagationSeconds} s`,
      replicas: SCENARIO.replicas,
      rps: SCENARIO.rps,
      mix: SCENARIO.mix.map((m) => `${Math.round(m.share * 100)}%:${m.ms}ms`).join(","),
      "acceptance runs": runs,
      "long run restarts": LONG_RESTARTS,
      recommended: recommended.description,
    },
    figures,
  };
}

interface Margins {
  termination: number[];
  needed: number[];
  margin: number[];
  afterLastRequest: number[];
}

/** Per terminated pod, from the request log: what it had to wait for, and how long it took beyond that. */
export function terminationMargins(s: StrategyResult, propagationSeconds: number): Margins {
  const out: Margins = { termination: [], needed: [], margin: [], afterLastRequest: [] };
  for (const t of s.terminationSeconds) {
    const mine = s.requestLog.filter((r) => r.servedBy === t.pod);
    const inFlight = mine.filter(
      (r) => r.start <= t.deletedAt && (r.end ?? Number.POSITIVE_INFINITY) > t.deletedAt,
    );
    const longest = Math.max(0, ...inFlight.map((r) => r.ms / 1000));
    const lastEnd = Math.max(t.deletedAt, ...mine.map((r) => r.end ?? t.deletedAt));
    const needed = propagationSeconds + longest;
    out.termination.push(t.seconds);
    out.needed.push(needed);
    out.margin.push(t.seconds - needed);
    out.afterLastRequest.push(t.exitedAt - lastEnd);
  }
  return out;
}

/**
 * The model's prediction for what `recommended` rehearses, computed the way `check` and `timeline` do: from
 * manifests that state the plan's preStop, grace period, image stop signal and php-fpm [global] setting.
 */
async function predictedTermination(
  context: BenchmarkContext,
): Promise<{ exit: number; description: string }> {
  const plan = strategyPlan("recommended", {
    ...SCENARIO,
    jitterSeconds: 0,
    seedStopSignal: "SIGQUIT",
  });
  const fpm = plan.pod.containers.find((c) => c.role === "fpm");
  const preStop = fpm?.preStop;
  if (!fpm || preStop?.kind !== "sleep" || fpm.processControlTimeoutSeconds === undefined)
    throw new Error("recommended (separate) is expected to be a php-fpm pod with a preStop sleep");
  const longest = Math.max(...SCENARIO.mix.map((m) => m.ms)) / 1000;
  const dir = join(context.scratchDir, "recommended-model");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "Dockerfile"), 'FROM php:8.2-fpm\nSTOPSIGNAL SIGQUIT\nCMD ["php-fpm"]\n');
  await writeFile(
    join(dir, "deployment.yaml"),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-fpm
spec:
  replicas: ${SCENARIO.replicas}
  strategy:
    rollingUpdate: { maxSurge: ${plan.rollout.maxSurge}, maxUnavailable: ${plan.rollout.maxUnavailable} }
  selector:
    matchLabels: { app: app-fpm }
  template:
    metadata:
      labels: { app: app-fpm }
    spec:
      terminationGracePeriodSeconds: ${plan.pod.gracePeriodSeconds}
      containers:
        - name: php-fpm
          image: registry.example.com/app:1 # built from ./Dockerfile
          ports: [{ containerPort: 9000 }]
          readinessProbe: { tcpSocket: { port: 9000 } }
          lifecycle:
            preStop:
              sleep: { seconds: ${preStop.seconds} }
          volumeMounts:
            - name: fpm
              mountPath: /usr/local/etc/php-fpm.d/zz-graceful.conf
              subPath: zz-graceful.conf
      volumes:
        - name: fpm
          configMap: { name: app-fpm }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-fpm
data:
  zz-graceful.conf: |
    [global]
    process_control_timeout = ${fpm.processControlTimeoutSeconds}s

    [www]
    request_terminate_timeout = ${longest}s
`,
  );
  const { files, problems } = await readInputs([dir]);
  const model = buildModel(files);
  const all = [...problems, ...model.problems];
  if (all.length > 0) throw new Error(`model of recommended: ${all[0]?.message}`);
  const workload = model.workloads.find((w) => w.containers.some((c) => c.role === "fpm"));
  if (!workload) throw new Error("model of recommended: no php-fpm workload");
  const assumptions: Assumptions = {
    propagationSeconds: SCENARIO.propagationSeconds,
    maxRequestSeconds: longest,
    kubeVersion: "1.33",
  };
  const timeline = computeTimeline(workload, assumptions);
  if (timeline.failureWindows.length > 0)
    context.log(`model predicts failures for recommended: ${timeline.failureWindows[0]?.explanation}`);
  const c = timeline.containers[0];
  return {
    exit: timeline.podExitSeconds,
    description: `SIGQUIT at ${c?.stopSignalAt} s (preStop sleep ${preStop.seconds} s), drain up to ${c?.drain ? c.drain.until - c.drain.from : 0} s, exit by ${timeline.podExitSeconds} s, SIGKILL at ${c?.sigkillAt} s, ${timeline.failureWindows.length} failure windows`,
  };
}

function fmtMeasured(m: Measured): string {
  return `${m.median.toFixed(2)} [${m.min.toFixed(2)}–${m.max.toFixed(2)}]`;
}
