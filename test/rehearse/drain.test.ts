/**
 * The drain hook on an image that cannot be changed (SIGTERM stop signal, process_control_timeout 0),
 * rehearsed with real nginx and php-fpm: no failed request over rolling restarts under dash and busybox,
 * where the same image without it fails (the naive test). Requests of 3 s are in flight at every restart.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type RehearseOptions, rehearse } from "../../src/rehearse/run.js";

const quiet = { onProgress: () => {}, handleSignals: false, leadSeconds: 1.5, tailSeconds: 0.5 };
const short: RehearseOptions["mix"] = [
  { share: 0.85, ms: 50 },
  { share: 0.15, ms: 3000 },
];

for (const shell of ["dash", "busybox"] as const) {
  test(`drain (separate, ${shell}): SIGTERM image, process_control_timeout 0, the drain hook: no failed request over 2 restarts`, async () => {
    const result = await rehearse({
      ...quiet,
      strategies: ["drain"],
      propagationSeconds: 1.5,
      replicas: 2,
      restarts: 2,
      rps: 20,
      mix: short,
      shell,
    });
    const [drain] = result.strategies;
    assert.ok(drain);
    assert.ok(drain.requests > 150, `requests ${drain.requests}`);
    assert.ok(
      drain.requestLog.some((r) => r.ms === 3000 && r.outcome === "ok"),
      "long requests ran through restarts",
    );
    assert.equal(drain.failed, 0, JSON.stringify(drain.failedByKind));
    assert.equal(drain.terminationSeconds.length, 4);
    // The pod stops once idle, not at a fixed time: after the wait, before the bound.
    for (const t of drain.terminationSeconds)
      assert.ok(t.seconds > 3 && t.seconds < 25, `${t.pod} took ${t.seconds}s`);
  });
}
