/**
 * The model's predictions and the rehearsal's measurements must agree (PRODUCT.md): for each bundled example,
 * the timeline computed from its files is checked against a rehearsal of the same workload on real nginx and
 * php-fpm. Where they disagree, one side is wrong; these tests say which number moved.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { buildModel } from "../../src/model/build.js";
import type { Assumptions, Workload } from "../../src/model/types.js";
import { planFromWorkload } from "../../src/rehearse/from-model.js";
import type { MixEntry } from "../../src/rehearse/load.js";
import type { ClassifiedRequest, StrategyResult } from "../../src/rehearse/result.js";
import { rehearse } from "../../src/rehearse/run.js";
import { readInputs } from "../../src/sources/files.js";
import { computeTimeline } from "../../src/timeline/timeline.js";
import type { Timeline } from "../../src/timeline/types.js";
import { repoRoot } from "./helpers.js";

/** Measured vs predicted instants: process start-up, probes and a loaded 2-core machine move them. */
const TOLERANCE_SECONDS = 1.5;
const PROPAGATION_SECONDS = 2;
const quiet = { onProgress: () => {}, handleSignals: false, leadSeconds: 1.5, tailSeconds: 0.5 };

async function fpmWorkload(example: string): Promise<Workload> {
  const { files, problems } = await readInputs([join(repoRoot, "examples", example)]);
  assert.deepEqual(problems, []);
  const model = buildModel(files);
  assert.deepEqual(model.problems, []);
  const workload = model.workloads.find((w) => w.containers.some((c) => c.role === "fpm"));
  assert.ok(workload, `no php-fpm workload in examples/${example}`);
  return workload;
}

async function rehearseAsWritten(
  workload: Workload,
  assumptions: Assumptions,
  replicas: number,
  rps: number,
  mix: MixEntry[],
): Promise<StrategyResult> {
  const plan = planFromWorkload(workload, assumptions, replicas);
  assert.ok(plan);
  const result = await rehearse({
    ...quiet,
    strategies: [plan],
    propagationSeconds: assumptions.propagationSeconds,
    replicas,
    restarts: 1,
    rps,
    mix,
  });
  const [measured] = result.strategies;
  assert.ok(measured);
  return measured;
}

const failedOf = (s: StrategyResult): ClassifiedRequest[] => s.requestLog.filter((r) => r.outcome !== "ok");
const show = (r: ClassifiedRequest) =>
  `${r.id} ${r.ms}ms ${r.outcome} on ${r.servedBy} ${r.start.toFixed(2)}–${r.end?.toFixed(2)}`;

/** Both rehearsals: most requests short, a fifth of them 12 s, which the model is told is the longest. */
const mix = [
  { share: 0.8, ms: 50 },
  { share: 0.2, ms: 12_000 },
];
const assumptions: Assumptions = {
  propagationSeconds: PROPAGATION_SECONDS,
  maxRequestSeconds: 12,
  kubeVersion: "1.33",
};

function predictedPodExit(timeline: Timeline): number {
  assert.ok(Number.isFinite(timeline.podExitSeconds), `predicted exit ${timeline.podExitSeconds}`);
  return timeline.podExitSeconds;
}

test("seed: the model's in-flight kill at the preStop's end is what the rehearsal measures", async () => {
  const workload = await fpmWorkload("seed");
  const timeline = computeTimeline(workload, assumptions);

  // The prediction: dash rejects `kill -SIGQUIT 1`, the image's SIGQUIT follows the hook at 10 s, and with
  // process_control_timeout still 0 (the php.ini line is ignored) php-fpm kills what is in flight.
  const kills = timeline.failureWindows.filter((w) => w.kind === "in-flight-killed");
  assert.equal(kills.length, 1, JSON.stringify(timeline.failureWindows));
  const [kill] = kills;
  assert.ok(kill);
  assert.equal(kill.cause, "fpm-quit-without-timeout");
  assert.equal(kill.from, 10);
  assert.deepEqual(
    timeline.failureWindows.filter((w) => w !== kill),
    [],
    "no other failure window is predicted",
  );
  const exit = predictedPodExit(timeline);
  assert.equal(exit, 10);

  const seed = await rehearseAsWritten(workload, assumptions, 3, 10, mix);
  const failed = failedOf(seed);
  assert.ok(failed.length > 0, "the predicted kill fails requests");
  assert.deepEqual(
    failed.filter((r) => r.outcome !== "502-reset").map(show),
    [],
    "every failure is a request reset in flight",
  );
  assert.equal(seed.terminationSeconds.length, 3);
  const deletedAt = new Map(seed.terminationSeconds.map((t) => [t.pod, t.deletedAt]));
  for (const t of seed.terminationSeconds) {
    assert.ok(
      Math.abs(t.seconds - exit) <= TOLERANCE_SECONDS,
      `${t.pod}: exited ${t.seconds}s after deletion, predicted ${exit}s`,
    );
  }
  for (const r of failed) {
    const deleted = r.servedBy === undefined ? undefined : deletedAt.get(r.servedBy);
    assert.ok(deleted !== undefined, `${show(r)}: not on a deleted pod`);
    const killAt = deleted + kill.from;
    const end = r.end ?? Number.POSITIVE_INFINITY;
    assert.ok(
      r.start <= killAt + TOLERANCE_SECONDS && Math.abs(end - killAt) <= TOLERANCE_SECONDS,
      `${show(r)}: the predicted kill was at ${killAt.toFixed(2)}`,
    );
  }
  // The converse: a request its pod was running well across the predicted kill cannot have succeeded.
  const survivors = seed.requestLog.filter((r) => {
    const deleted = r.servedBy === undefined ? undefined : deletedAt.get(r.servedBy);
    if (deleted === undefined || r.outcome !== "ok" || r.end === undefined) return false;
    const killAt = deleted + kill.from;
    return r.start < killAt - TOLERANCE_SECONDS && r.end > killAt + TOLERANCE_SECONDS;
  });
  assert.deepEqual(survivors.map(show), [], "requests running across the predicted kill survived");
});

test("recommended: the model predicts no failure and the rehearsal measures none, within the predicted exit", async () => {
  const workload = await fpmWorkload("recommended");
  const timeline = computeTimeline(workload, assumptions);
  assert.deepEqual(timeline.failureWindows, []);
  const exit = predictedPodExit(timeline);
  // Nothing can end the pod before its stop signals: the preStop sleeps come first.
  const earliest = Math.min(...timeline.containers.map((c) => c.stopSignalAt));

  const recommended = await rehearseAsWritten(workload, assumptions, 3, 10, mix);
  assert.ok(recommended.requests > 100, `requests ${recommended.requests}`);
  assert.ok(
    recommended.requestLog.some((r) => r.ms === 12_000 && r.outcome === "ok"),
    "long requests were served",
  );
  assert.deepEqual(failedOf(recommended).map(show), [], JSON.stringify(recommended.failedByKind));
  // The example's own nginx config runs; its only PHP location is `\.php$`, so the load goes to /index.php.
  assert.ok(
    recommended.notes.some((n) => /runs the user's nginx config/.test(n)),
    recommended.notes.join("\n"),
  );
  assert.ok(recommended.notes.includes("the load was sent to /index.php: / does not reach the app here"));
  assert.equal(recommended.terminationSeconds.length, 3);
  for (const t of recommended.terminationSeconds) {
    assert.ok(!t.killed, `${t.pod} was SIGKILLed`);
    assert.ok(
      t.seconds >= earliest - 0.1 && t.seconds <= exit,
      `${t.pod}: exited ${t.seconds}s after deletion, predicted between ${earliest}s and ${exit}s`,
    );
  }
});
