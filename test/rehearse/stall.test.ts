/** A rehearsal measures its own stalls and says its counts are invalid when one exceeds the bound. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Recorder, sleep } from "../../src/rehearse/events.js";
import { rehearse } from "../../src/rehearse/run.js";
import { StallMonitor } from "../../src/rehearse/stall.js";

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a blocked event loop, as a stalled host looks from inside the tool
  }
}

test("the stall monitor measures timer lateness: a 700 ms block over a 300 ms bound is a stall", async () => {
  const monitor = new StallMonitor(new Recorder(), 300);
  monitor.start();
  await sleep(100);
  block(700);
  await sleep(100);
  const report = monitor.stop();
  assert.equal(report.valid, false);
  assert.ok(report.maxLatenessMs >= 600, `lateness ${report.maxLatenessMs}`);
  assert.equal(report.stalls.length, 1);
  const calm = new StallMonitor(new Recorder(), 300);
  calm.start();
  await sleep(300);
  assert.equal(calm.stop().valid, true);
});

test("a rehearsal whose event loop stalls beyond the bound is marked invalid", async () => {
  let blocked = false;
  const result = await rehearse({
    strategies: ["recommended"],
    propagationSeconds: 0.5,
    replicas: 1,
    restarts: 1,
    rps: 5,
    mix: [{ share: 1, ms: 50 }],
    handleSignals: false,
    leadSeconds: 1,
    tailSeconds: 0.5,
    stallBoundMs: 400,
    onProgress: (line) => {
      if (!blocked && /rolling restart/.test(line)) {
        blocked = true;
        block(900);
      }
    },
  });
  assert.ok(blocked);
  assert.equal(result.valid, false);
  const [run] = result.strategies;
  assert.ok(run && !run.stall.valid && run.stall.maxLatenessMs >= 800, JSON.stringify(run?.stall));
});
