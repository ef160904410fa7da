import assert from "node:assert/strict";
import { test } from "node:test";
import { terminatePod } from "../../src/rehearse/kubelet.js";
import type { ContainerPlan } from "../../src/rehearse/plan.js";
import { Pod } from "../../src/rehearse/pod.js";
import { makeContext, waitReady } from "./helpers.js";

const fpm = (fields: Partial<ContainerPlan>): ContainerPlan => ({
  name: "php-fpm",
  role: "fpm",
  stopSignal: "SIGQUIT",
  stopSignalSource: "image",
  pid1: "exec",
  maxChildren: 2,
  ...fields,
});

test("a preStop that overruns the grace period is cut at the grace period; the container gets 2 s more, then SIGKILL", async () => {
  const ctx = makeContext();
  try {
    // A shell PID 1 drops the stop signal, so only SIGKILL ends it.
    const pod = await Pod.start(ctx, "overrun", {
      gracePeriodSeconds: 2,
      containers: [fpm({ pid1: "shell-wrapper", preStop: { kind: "sleep", seconds: 10 } })],
    });
    await waitReady(pod);
    const t0 = ctx.recorder.t();
    await terminatePod(pod, ctx);
    const at = (kind: string) => (ctx.recorder.events.find((e) => e.kind === kind)?.t ?? Number.NaN) - t0;
    assert.ok(Math.abs(at("prestop-cut") - 2) < 0.3, `cut at ${at("prestop-cut")}`);
    // The kernel drops the stop signal (PID 1 has no handler), and the log says so.
    assert.ok(Math.abs(at("signal-dropped") - 2) < 0.3, `dropped at ${at("signal-dropped")}`);
    assert.equal(Number.isNaN(at("signal")), true, "no signal logged as delivered");
    assert.ok(Math.abs(at("sigkill") - 4) < 0.3, `SIGKILL at ${at("sigkill")}`);
    assert.ok(Math.abs(at("exit") - 4) < 0.4);
  } finally {
    await ctx.registry.cleanup();
  }
});

test("a native sidecar gets its stop signal only after the main container exited; its preStop starts at once", async () => {
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "sidecar", {
      gracePeriodSeconds: 10,
      containers: [
        {
          name: "nginx",
          role: "nginx",
          stopSignal: "SIGQUIT",
          stopSignalSource: "image",
          pid1: "exec",
          preStop: { kind: "sleep", seconds: 1 },
        },
        fpm({ sidecar: true, preStop: { kind: "exec", command: ["sh", "-c", "sleep 0.2"] } }),
      ],
    });
    await waitReady(pod);
    await terminatePod(pod, ctx);
    const find = (container: string, kind: string) =>
      ctx.recorder.events.find((e) => e.container === container && e.kind === kind)?.t ?? Number.NaN;
    assert.ok(find("php-fpm", "prestop-start") <= find("nginx", "prestop-start") + 0.05);
    assert.ok(find("php-fpm", "signal") >= find("nginx", "exit"));
    assert.ok(find("nginx", "signal") >= find("nginx", "prestop-end"));
  } finally {
    await ctx.registry.cleanup();
  }
});

test("the event log is true: a stop signal to a container that already exited is skipped, not delivered", async () => {
  const ctx = makeContext();
  try {
    // The hook ends php-fpm itself (SIGTERM: it exits at once); the kubelet's SIGQUIT then finds nothing.
    const pod = await Pod.start(ctx, "self-stop", {
      gracePeriodSeconds: 10,
      containers: [fpm({ preStop: { kind: "exec", command: ["sh", "-c", "kill -TERM 1; sleep 5"] } })],
    });
    await waitReady(pod);
    await terminatePod(pod, ctx);
    const kinds = ctx.recorder.events.filter((e) => e.container === "php-fpm").map((e) => e.kind);
    assert.ok(kinds.includes("signal-skipped"), kinds.join(" "));
    assert.ok(!kinds.includes("signal") && !kinds.includes("signal-dropped"), kinds.join(" "));
    assert.ok(kinds.indexOf("exit") < kinds.indexOf("signal-skipped"), kinds.join(" "));
  } finally {
    await ctx.registry.cleanup();
  }
});
