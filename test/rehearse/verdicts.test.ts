/**
 * Issue 3's acceptance verdicts on a short scenario: `naive` fails requests, `seed` fails requests,
 * `recommended` fails none. The repetition (the same verdicts in 5 runs out of 5, and 20 rolling restarts)
 * is measured by `npm run bench` (bench/rehearse.ts), not here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { rehearse } from "../../src/rehearse/run.js";

test("verdicts: naive and seed fail requests, recommended fails none (separate, propagation 2 s)", async () => {
  const result = await rehearse({
    onProgress: () => {},
    handleSignals: false,
    leadSeconds: 1.5,
    tailSeconds: 0.5,
    strategies: ["naive", "seed", "recommended"],
    propagationSeconds: 2,
    replicas: 2,
    restarts: 1,
    rps: 15,
    // Some requests run longer than the seed's `sleep 10` minus the propagation.
    mix: [
      { share: 0.85, ms: 50 },
      { share: 0.15, ms: 12_000 },
    ],
  });
  const byName = new Map(result.strategies.map((s) => [s.name, s]));
  const naive = byName.get("naive");
  const seed = byName.get("seed");
  const recommended = byName.get("recommended");
  assert.ok(naive && seed && recommended);
  for (const s of [naive, seed, recommended]) assert.ok(s.requests > 30, `${s.name}: ${s.requests} requests`);
  assert.ok(naive.failed > 0, `naive: ${JSON.stringify(naive.failedByKind)}`);
  assert.ok(seed.failed > 0, `seed: ${JSON.stringify(seed.failedByKind)}`);
  assert.equal(recommended.failed, 0, `recommended: ${JSON.stringify(recommended.failedByKind)}`);
  assert.ok(
    recommended.requestLog.some((r) => r.ms === 12_000 && r.outcome === "ok"),
    "recommended served long requests",
  );
});
