/**
 * The front assumption, shared by the model and the rehearsal: nginx and php-fpm in one pod, php-fpm
 * stopping at 2 s and nginx at 6 s (test/rehearse/fixtures/nginx-fpm-pod.yaml). Behind a kube-proxy
 * Service (l4) clients' keep-alive connections stay on the old pod's nginx after php-fpm stopped: failures
 * predicted and measured. Behind an ingress nginx configured as ingress-nginx is (l7) none reach it after
 * the propagation: none predicted, none measured.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { buildModel } from "../../src/model/build.js";
import type { Assumptions, Front, Workload } from "../../src/model/types.js";
import { planFromWorkload } from "../../src/rehearse/from-model.js";
import type { StrategyResult } from "../../src/rehearse/result.js";
import { rehearse } from "../../src/rehearse/run.js";
import { readInputs } from "../../src/sources/files.js";
import { computeTimeline } from "../../src/timeline/timeline.js";
import { repoRoot } from "./helpers.js";

const assumptions: Assumptions = { propagationSeconds: 1, maxRequestSeconds: 2, kubeVersion: "1.33" };
const mix = [
  { share: 0.9, ms: 50 },
  { share: 0.1, ms: 1000 },
];

async function workload(): Promise<Workload> {
  const { files } = await readInputs([join(repoRoot, "test/rehearse/fixtures/nginx-fpm-pod.yaml")]);
  const [w] = buildModel(files).workloads.filter((x) => x.kind === "Deployment");
  assert.ok(w);
  return w;
}

async function measure(w: Workload, front: Front): Promise<StrategyResult> {
  const plan = planFromWorkload(w, { ...assumptions, front }, 2);
  assert.ok(plan);
  const result = await rehearse({
    strategies: [plan],
    front,
    propagationSeconds: assumptions.propagationSeconds,
    replicas: 2,
    restarts: 1,
    rps: 30,
    mix,
    keepAliveShare: 0.8,
    handleSignals: false,
    onProgress: () => {},
    leadSeconds: 1.5,
    tailSeconds: 0.5,
  });
  assert.equal(result.scenario.front, front);
  const [run] = result.strategies;
  assert.ok(run);
  return run;
}

test("front l4: keep-alive clients pinned to the old pod fail after php-fpm stops, predicted and measured", async () => {
  const w = await workload();
  const timeline = computeTimeline(w, { ...assumptions, front: "l4" });
  const pinned = timeline.failureWindows.filter((x) => x.cause === "keepalive-pinned");
  assert.equal(pinned.length, 1, JSON.stringify(timeline.failureWindows));
  assert.deepEqual([pinned[0]?.from, pinned[0]?.to], [2, 6]);
  const run = await measure(w, "l4");
  const failed = run.requestLog.filter((r) => r.outcome !== "ok");
  assert.ok(failed.length > 0, JSON.stringify(run.failedByKind));
  // Every one on a keep-alive connection, on an old pod, after php-fpm stopped (2 s after its deletion).
  const deletedAt = new Map(run.terminationSeconds.map((t) => [t.pod, t.deletedAt]));
  for (const r of failed) {
    assert.equal(r.mode, "keep-alive", `${r.id} ${r.outcome}`);
    const nginxDeleted = r.nginxPod === undefined ? undefined : deletedAt.get(r.nginxPod);
    if (nginxDeleted !== undefined)
      assert.ok(r.start >= nginxDeleted + 2 - 1.5, `${r.id} started ${r.start}`);
  }
});

test("front l7: an ingress nginx balances each request; nothing reaches the old pod after propagation", async () => {
  const w = await workload();
  const timeline = computeTimeline(w, { ...assumptions, front: "l7" });
  assert.deepEqual(timeline.failureWindows, []);
  const run = await measure(w, "l7");
  assert.ok(run.requests > 100, `requests ${run.requests}`);
  assert.deepEqual(
    run.requestLog
      .filter((r) => r.outcome !== "ok")
      .map((r) => `${r.id} ${r.mode} ${r.method} ${r.outcome} ${r.status}`),
    [],
  );
});
