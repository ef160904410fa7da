/** The kubelet's termination contract (timeline/kubelet.ts), which the model and the rehearsal share. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  graceAfterPreStop,
  graceAfterTurn,
  stopGraceSeconds,
  stopInstants,
  stopPrerequisites,
} from "../../src/timeline/kubelet.js";

test("grace accounting: grace − ⌊preStop⌋ − ⌊wait⌋, at least 2 s; an overrunning preStop leaves 2 s", () => {
  assert.equal(stopGraceSeconds(graceAfterPreStop(30, 10.9)), 20);
  assert.equal(stopGraceSeconds(graceAfterPreStop(30, 0)), 30);
  assert.equal(stopGraceSeconds(graceAfterPreStop(10, 9.5)), 2);
  assert.equal(stopGraceSeconds(graceAfterPreStop(10, 10.02)), 2);
  // Truncated separately, as kubelet does: 30 − ⌊3.9⌋ − ⌊3.9⌋ = 24 (not 30 − ⌊7.8⌋ = 23).
  assert.equal(graceAfterTurn(graceAfterPreStop(30, 3.9), 3.9), 24);
  assert.deepEqual(stopInstants({ graceSeconds: 30, preStopSeconds: 10.9 }), {
    stopAt: 10.9,
    sigkillAt: 30.9,
  });
  assert.deepEqual(stopInstants({ graceSeconds: 10, preStopSeconds: 15 }), { stopAt: 10, sigkillAt: 12 });
  assert.deepEqual(stopInstants({ graceSeconds: 30, preStopSeconds: undefined }), {
    stopAt: 0,
    sigkillAt: 30,
  });
  // A sidecar whose turn comes at 12.5 s, no hook: the wait (12 whole seconds) is taken off its grace.
  assert.deepEqual(stopInstants({ graceSeconds: 30, preStopSeconds: undefined, turnAt: 12.5 }), {
    stopAt: 12.5,
    sigkillAt: 30.5,
  });
  // The wait for turn ends with the grace period: then the stop signal, and 2 s.
  assert.deepEqual(stopInstants({ graceSeconds: 10, preStopSeconds: 2, turnAt: 40 }), {
    stopAt: 10,
    sigkillAt: 12,
  });
});

test("termination order: sidecars wait for every main container and the sidecar declared after them", () => {
  const order = stopPrerequisites([
    { name: "nginx", sidecar: true },
    { name: "shipper", sidecar: true },
    { name: "php", sidecar: false },
    { name: "cron", sidecar: false },
  ]);
  assert.deepEqual(order.get("php"), []);
  assert.deepEqual(order.get("cron"), []);
  assert.deepEqual(order.get("shipper"), ["php", "cron"]);
  assert.deepEqual(order.get("nginx"), ["php", "cron", "shipper"]);
  // Names are data: a container called `constructor` is one more entry.
  assert.deepEqual(stopPrerequisites([{ name: "constructor", sidecar: false }]).get("constructor"), []);
});
