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

/** php-fpm and nginx in one pod, with `annotations` (YAML lines indented under `metadata.annotations`). */
const pod = (annotations: string) =>
  [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: app",
    "  annotations:",
    ...annotations.split("\n").map((line) => `    ${line}`),
    "spec:",
    "  replicas: 3",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: php-fpm",
    "          image: php:8.2-fpm",
    "        - name: nginx",
    "          image: nginx:1.27",
    "",
  ].join("\n");

const checked = (annotations: string) => {
  const result = runCheck({ name: "", files: { "app.yaml": pod(annotations) } });
  return {
    result,
    findings: result.findings.map((f) => `${f.rule} ${f.container ?? "-"}`),
    suppressed: (result.suppressed ?? []).map(
      (f) => `${f.rule} ${f.container ?? "-"} by ${f.suppression.source}: ${f.suppression.reason}`,
    ),
    problems: result.problems.map((p) => `${p.file}:${p.line} ${p.severity} ${p.message}`),
  };
};

test("unsuppressed, both containers lack a readiness probe and nginx a preStop delay", () => {
  const { findings, suppressed, problems } = checked('x: "1"');
  assert.deepEqual(findings, [
    "process-control-timeout-missing php-fpm",
    "prestop-delay-missing nginx",
    "rollout-no-capacity -",
    "readiness-probe-missing php-fpm",
    "readiness-probe-missing nginx",
  ]);
  assert.deepEqual([suppressed, problems], [[], []]);
});

test("`fpm-graceful.io/ignore.<container>` silences that container's findings only, with its reason", () => {
  const { findings, suppressed } = checked(
    '"fpm-graceful.io/ignore.nginx": "readiness-probe-missing: probed by the ingress controller"',
  );
  assert.deepEqual(findings, [
    "process-control-timeout-missing php-fpm",
    "prestop-delay-missing nginx",
    "rollout-no-capacity -",
    "readiness-probe-missing php-fpm",
  ]);
  assert.deepEqual(suppressed, [
    "readiness-probe-missing nginx by fpm-graceful.io/ignore.nginx: probed by the ingress controller",
  ]);
});

test("a block scalar gives each line its own ids and reason; a line without a colon has no reason", () => {
  const { findings, suppressed } = checked(
    [
      "fpm-graceful.io/ignore.nginx: |",
      "  prestop-delay-missing: the ingress drains first, the pod needs no wait",
      "  readiness-probe-missing",
    ].join("\n"),
  );
  assert.deepEqual(findings, [
    "process-control-timeout-missing php-fpm",
    "rollout-no-capacity -",
    "readiness-probe-missing php-fpm",
  ]);
  assert.deepEqual(suppressed, [
    "prestop-delay-missing nginx by fpm-graceful.io/ignore.nginx: the ingress drains first, the pod needs no wait",
    "readiness-probe-missing nginx by fpm-graceful.io/ignore.nginx: ",
  ]);
});

test("the workload-wide annotation keeps its findings as suppressed, and takes a reason too", () => {
  const { findings, suppressed } = checked(
    '"fpm-graceful.io/ignore": "readiness-probe-missing, rollout-no-capacity: a batch front, restarted by hand"',
  );
  assert.deepEqual(findings, ["process-control-timeout-missing php-fpm", "prestop-delay-missing nginx"]);
  assert.deepEqual(suppressed, [
    "rollout-no-capacity - by fpm-graceful.io/ignore: a batch front, restarted by hand",
    "readiness-probe-missing php-fpm by fpm-graceful.io/ignore: a batch front, restarted by hand",
    "readiness-probe-missing nginx by fpm-graceful.io/ignore: a batch front, restarted by hand",
  ]);
});

test("a suppressed finding is the finding itself, only moved: same rule, place, message and fix", () => {
  const plain = checked('x: "1"').result.findings.find((f) => f.rule === "prestop-delay-missing");
  const quiet = checked('"fpm-graceful.io/ignore.nginx": prestop-delay-missing').result.suppressed?.[0];
  assert.ok(plain && quiet);
  const { suppression, ...finding } = quiet;
  // One annotation line in place of another: the same lines, so the very same finding.
  assert.deepEqual(finding, plain);
  assert.deepEqual(suppression, { reason: "", source: "fpm-graceful.io/ignore.nginx" });
});

test("an unknown rule id or container is a warning at the annotation's line, and silences nothing", () => {
  const { findings, suppressed, problems } = checked(
    [
      '"fpm-graceful.io/ignore.nginx": "readiness-probe, prestop-delay-missing: typo beside a good id"',
      '"fpm-graceful.io/ignore.redis": all',
      "fpm-graceful.io/ignore: |",
      "  rollout-no-capacity",
      "  no-such-rule: a second line",
    ].join("\n"),
  );
  assert.deepEqual(problems, [
    'app.yaml:6 warning fpm-graceful.io/ignore.nginx: no rule is called "readiness-probe" (docs/rules/README.md lists them): it suppresses nothing',
    "app.yaml:7 warning fpm-graceful.io/ignore.redis: Deployment/default/app has no container redis: it suppresses nothing",
    'app.yaml:10 warning fpm-graceful.io/ignore: no rule is called "no-such-rule" (docs/rules/README.md lists them): it suppresses nothing',
  ]);
  assert.ok(findings.includes("readiness-probe-missing nginx"), "the misspelt id silences nothing");
  assert.deepEqual(suppressed, [
    "prestop-delay-missing nginx by fpm-graceful.io/ignore.nginx: typo beside a good id",
    "rollout-no-capacity - by fpm-graceful.io/ignore: ",
  ]);
});

test("config file `rules: {id: off}`: the findings are kept as suppressed by `config`", () => {
  const result = runCheck({
    name: "",
    files: { "app.yaml": deployment("", "") },
    ruleSettings: { "rollout-no-capacity": "off" },
  });
  assert.deepEqual(
    (result.suppressed ?? []).map((f) => `${f.rule} ${f.suppression.source}: ${f.suppression.reason}`),
    ["rollout-no-capacity config: `rules: {rollout-no-capacity: off}` in the config file"],
  );
});
