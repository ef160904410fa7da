import assert from "node:assert/strict";
import { test } from "node:test";
import { asSourceFiles } from "../../src/init/files.js";
import { initWorkloadFiles } from "../../src/init/generate.js";
import { DEFAULT_INIT_OPTIONS, type InitOptions } from "../../src/init/options.js";
import { initAssumptions } from "../../src/init/values.js";
import { buildModel } from "../../src/model/build.js";
import { planFromWorkload } from "../../src/rehearse/from-model.js";
import { rehearse } from "../../src/rehearse/run.js";

const quiet = { onProgress: () => {}, handleSignals: false, leadSeconds: 1.5, tailSeconds: 0.5 };

/** What `init` writes, read by the model and rehearsed as written (the `manifests` strategy). */
async function rehearseInit(topology: InitOptions["topology"]) {
  const options: InitOptions = {
    ...DEFAULT_INIT_OPTIONS,
    topology,
    propagationSeconds: 2,
    maxRequestSeconds: 6,
    replicas: 2,
  };
  const assumptions = initAssumptions(options);
  const model = buildModel(asSourceFiles(initWorkloadFiles(options)));
  assert.deepEqual(model.problems, []);
  const workload = model.workloads.find((w) => w.containers.some((c) => c.role === "fpm"));
  assert.ok(workload, "init writes a php-fpm workload");
  const plan = planFromWorkload(workload, assumptions, options.replicas);
  assert.ok(plan);
  const result = await rehearse({
    ...quiet,
    strategies: [plan],
    propagationSeconds: assumptions.propagationSeconds,
    replicas: options.replicas,
    restarts: 1,
    rps: 15,
    mix: [
      { share: 0.85, ms: 50 },
      { share: 0.15, ms: 4000 },
    ],
  });
  const [measured] = result.strategies;
  assert.ok(measured);
  assert.ok(measured.requests > 60, `requests ${measured.requests}`);
  assert.ok(
    measured.requestLog.some((r) => r.ms === 4000 && r.outcome === "ok"),
    "long requests are served",
  );
  return measured;
}

test("init --topology separate, rehearsed as written: no failed request", async () => {
  const measured = await rehearseInit("separate");
  assert.equal(measured.failed, 0, JSON.stringify(measured.failedByKind));
  for (const t of measured.terminationSeconds) assert.equal(t.killed, false, `${t.pod} was SIGKILLed`);
});

test("init --topology sidecar, rehearsed as written: no 502, no refused; only keep-alive races at an nginx SIGQUIT", async () => {
  const measured = await rehearseInit("sidecar");
  // A connection-level ingress keeps a client's keep-alive connection on the old nginx, which closes it when
  // idle at SIGQUIT: a request sent at that instant is reset (docs/REHEARSE.md). Nothing else may fail.
  const failures = measured.requestLog.filter((r) => r.outcome !== "ok");
  const quits = measured.events.filter((e) => e.container === "nginx" && e.kind === "signal").map((e) => e.t);
  for (const r of failures) {
    assert.equal(r.outcome, "reset", JSON.stringify(measured.failedByKind));
    assert.equal(r.mode, "keep-alive");
    assert.ok(
      quits.some((t) => r.start >= t - 0.5 && r.start <= t + 1.5),
      `reset at ${r.start.toFixed(2)}s`,
    );
  }
  for (const t of measured.terminationSeconds) assert.equal(t.killed, false, `${t.pod} was SIGKILLed`);
});
