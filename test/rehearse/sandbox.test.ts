/**
 * What rehearse runs from a manifest (#16): exec hooks run as `nobody` with CAP_KILL only, so they can still
 * signal the container's PID 1 but cannot write the host's files; container names that would be paths of
 * their own are refused.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { terminatePod } from "../../src/rehearse/kubelet.js";
import { Pod } from "../../src/rehearse/pod.js";
import { runCli, STACK_TRACE } from "../cli/run-cli.js";
import { makeContext, waitReady } from "./helpers.js";

test("a manifest's exec hook runs unprivileged: no write to the host's files, yet `kill -QUIT 1` reaches PID 1", async () => {
  const target = "/root/fpm-graceful-sandbox-probe";
  rmSync(target, { force: true });
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "sandbox", {
      gracePeriodSeconds: 10,
      containers: [
        {
          name: "php",
          role: "fpm",
          stopSignal: "SIGTERM",
          stopSignalSource: "default",
          pid1: "exec",
          preStop: { kind: "exec", command: ["sh", "-c", `touch ${target} || kill -QUIT 1; sleep 3`] },
        },
      ],
    });
    await waitReady(pod);
    await terminatePod(pod, ctx);
    assert.equal(existsSync(target), false, "the hook wrote to /root");
    const events = ctx.recorder.events.filter((e) => e.container === "php");
    const hook = events.find((e) => e.kind === "prestop-end" || e.kind === "prestop-cut");
    assert.match(hook?.detail ?? "", /Permission denied/, JSON.stringify(events));
    // The hook's SIGQUIT stopped php-fpm: the kubelet's SIGTERM found it exited (or exiting).
    assert.ok(!events.some((e) => e.kind === "signal" && e.detail === "SIGTERM"), JSON.stringify(events));
  } finally {
    await ctx.registry.cleanup();
    rmSync(target, { force: true });
  }
});

test("a container name that is not a DNS-1123 label is refused, never used as a path", () => {
  const dir = mkdtempSync(join(tmpdir(), "fpm-graceful-names-"));
  try {
    const manifest = join(dir, "evil.yaml");
    writeFileSync(
      manifest,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: evil}
spec:
  selector: {matchLabels: {app: evil}}
  template:
    metadata: {labels: {app: evil}}
    spec:
      containers:
        - name: ../../../../tmp/escaped
          image: php:8.2-fpm
`,
    );
    const run = runCli(["rehearse", manifest, "--dry-run"]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /is not a DNS-1123 label/);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
