import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPaths } from "../../src/index.js";

test("seed example: the php.ini line is ignored and dash rejects `kill -SIGQUIT`", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  assert.deepEqual(result.problems, []);
  const fpm = result.findings.filter((f) => f.workload === "Deployment/shop/app-fpm");
  const ignored = fpm.find((f) => f.rule === "process-control-timeout-ignored");
  assert.ok(ignored, "process-control-timeout-ignored fires");
  assert.deepEqual([ignored.file, ignored.line, ignored.column], ["examples/seed/Dockerfile", 4, 11]);
  const syntax = fpm.find((f) => f.rule === "prestop-kill-syntax");
  assert.ok(syntax, "prestop-kill-syntax fires");
  assert.deepEqual([syntax.file, syntax.line, syntax.column], ["examples/seed/deployment.yaml", 30, 52]);
});

test("seed example: the timeline says requests still running when the preStop ends are killed", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const timeline = result.workloads.find((w) => w.id === "Deployment/shop/app-fpm")?.timeline;
  assert.ok(timeline);
  const fpm = timeline.containers.find((c) => c.container === "php-fpm");
  assert.equal(fpm?.preStop.endsAt, 10);
  const killed = timeline.failureWindows.filter((w) => w.kind === "in-flight-killed");
  assert.equal(killed.length, 1);
  assert.equal(killed[0]?.from, 10);
  assert.equal(killed[0]?.cause, "fpm-quit-without-timeout");
});
