import assert from "node:assert/strict";
import { test } from "node:test";
import { dedent, runCheck } from "./harness.js";

/** A Deployment that trips several rules at once: no preStop, no probe, no budget, php-fpm's default pct. */
const deployment = (metadataAnnotations: string, templateAnnotations: string) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app
    annotations: {${metadataAnnotations}}
  spec:
    replicas: 3
    template:
      metadata:
        annotations: {${templateAnnotations}}
      spec:
        containers:
          - name: php-fpm
            image: php:8.2-fpm
`;

const rulesOf = (
  files: Record<string, string>,
  ruleSettings?: Record<string, "off" | "error" | "warning" | "info">,
) =>
  runCheck({ name: "", files, ...(ruleSettings ? { ruleSettings } : {}) }).findings.map(
    (f) => `${f.rule} ${f.severity}`,
  );

test("unsuppressed, the fixture trips the rules the suppression tests silence", () => {
  assert.deepEqual(rulesOf({ "app.yaml": deployment("", "") }), [
    "prestop-delay-missing error",
    "process-control-timeout-missing error",
    "rollout-no-capacity warning",
    "readiness-probe-missing warning",
  ]);
});

test("annotation on the workload: `fpm-graceful.io/ignore: id,id` with spaces", () => {
  const files = {
    "app.yaml": deployment('fpm-graceful.io/ignore: "readiness-probe-missing, rollout-no-capacity"', ""),
  };
  assert.deepEqual(rulesOf(files), ["prestop-delay-missing error", "process-control-timeout-missing error"]);
});

test("annotation on the pod template", () => {
  const files = { "app.yaml": deployment("", "fpm-graceful.io/ignore: prestop-delay-missing") };
  assert.deepEqual(rulesOf(files), [
    "process-control-timeout-missing error",
    "rollout-no-capacity warning",
    "readiness-probe-missing warning",
  ]);
});

test("annotation `all` silences every rule of that workload only", () => {
  const other = deployment("", "").replace("name: app", "name: other");
  const files = { "app.yaml": deployment("fpm-graceful.io/ignore: all", ""), "other.yaml": other };
  const result = runCheck({ name: "", files });
  assert.deepEqual([...new Set(result.findings.map((f) => f.workload))], ["Deployment/default/other"]);
});

test("an unknown id in the annotation silences nothing", () => {
  const files = { "app.yaml": deployment("fpm-graceful.io/ignore: readiness-probe", "") };
  assert.equal(rulesOf(files).length, 4);
});

test("config file `rules: {id: off}` silences a rule everywhere", () => {
  assert.deepEqual(rulesOf({ "app.yaml": deployment("", "") }, { "rollout-no-capacity": "off" }), [
    "prestop-delay-missing error",
    "process-control-timeout-missing error",
    "readiness-probe-missing warning",
  ]);
});

test("config file `rules: {id: <severity>}` changes the severity of every message of the rule", () => {
  const findings = rulesOf(
    { "app.yaml": deployment("", "") },
    { "readiness-probe-missing": "error", "rollout-no-capacity": "info" },
  );
  assert.ok(findings.includes("readiness-probe-missing error"));
  assert.ok(findings.includes("rollout-no-capacity info"));
});
