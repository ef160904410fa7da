import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { formatJson } from "../../src/report/json.js";

test("json: the documented contract: findings, problems, workloads with their timeline", async () => {
  const { result } = await checkPaths(["examples/seed", "test/fixtures/bad-input/duplicate-keys.yaml"]);
  const parsed = JSON.parse(formatJson(result));
  assert.deepEqual(Object.keys(parsed), ["findings", "problems", "workloads", "leftAlone"]);

  const syntax = parsed.findings.find((f: { rule: string }) => f.rule === "prestop-kill-syntax");
  assert.deepEqual(
    Object.keys(syntax).filter((k) => !["endLine", "endColumn"].includes(k)),
    ["rule", "severity", "message", "fix", "file", "line", "column", "workload", "container", "autofix"],
  );
  // The edits `fix` applies: plain data, addressed by file, document and key path.
  assert.equal(typeof syntax.autofix.description, "string");
  assert.deepEqual(syntax.autofix.edits[0].path, [
    "spec",
    "template",
    "spec",
    "containers",
    0,
    "lifecycle",
    "preStop",
  ]);
  assert.deepEqual(
    [syntax.severity, syntax.file, syntax.line, syntax.column, syntax.workload, syntax.container],
    ["error", "examples/seed/deployment.yaml", 30, 52, "Deployment/shop/app-fpm", "php-fpm"],
  );
  for (const f of parsed.findings) {
    assert.ok(["error", "warning", "info"].includes(f.severity));
    assert.match(f.workload, /^[A-Za-z]+\/[^/]+\/[^/]+$/, "Kind/namespace/name");
    assert.ok(Number.isInteger(f.line) && f.line >= 1 && Number.isInteger(f.column) && f.column >= 1);
    assert.equal("helmSource" in f, false, "helmSource appears only when known");
  }

  assert.deepEqual(parsed.problems, [
    {
      file: "test/fixtures/bad-input/duplicate-keys.yaml",
      line: 5,
      column: 3,
      code: "yaml-syntax",
      message: parsed.problems[0].message,
    },
  ]);
  assert.match(parsed.problems[0].message, /^duplicate key/);

  const fpm = parsed.workloads.find((w: { id: string }) => w.id === "Deployment/shop/app-fpm");
  assert.deepEqual([fpm.file, fpm.line], ["examples/seed/deployment.yaml", 6]);
  for (const key of [
    "propagationSeconds",
    "gracePeriodSeconds",
    "longestRequestSeconds",
    "containers",
    "events",
    "failureWindows",
    "podExitSeconds",
    "assumptions",
  ]) {
    assert.ok(key in fpm.timeline, `timeline.${key}`);
  }
  assert.deepEqual([fpm.timeline.propagationSeconds, fpm.timeline.gracePeriodSeconds], [5, 30]);
  assert.equal(fpm.timeline.failureWindows[0].kind, "in-flight-killed");
});

test("json: a time that never comes (Infinity in the model) is null", () => {
  const result = {
    findings: [],
    problems: [],
    workloads: [
      {
        id: "Deployment/shop/app",
        file: "k8s/app.yaml",
        line: 4,
        containers: [],
        timeline: { containers: [{ container: "php-fpm", closesAt: Number.POSITIVE_INFINITY, exitAt: 30 }] },
      },
    ],
  } as unknown as CheckResult;
  const parsed = JSON.parse(formatJson(result));
  assert.deepEqual(parsed.workloads[0].timeline.containers[0], {
    container: "php-fpm",
    closesAt: null,
    exitAt: 30,
  });
});

test("json: an empty result is still the three lists, one object, newline-terminated", () => {
  const out = formatJson({ findings: [], problems: [], workloads: [], leftAlone: [] });
  assert.deepEqual(JSON.parse(out), { findings: [], problems: [], workloads: [], leftAlone: [] });
  assert.ok(out.endsWith("}\n"));
});
