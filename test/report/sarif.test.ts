import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { test } from "node:test";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { formatSarif } from "../../src/report/sarif.js";
import { RULES } from "../../src/rules/registry.js";

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it to npm (@microsoft/jest-sarif, schema revision
 * rtm.5, JSON Schema draft-04). ajv 8 reads draft-04 bodies as draft-07 once the draft-04 `$schema`/`id`
 * are set aside (the schema uses no draft-04-only keyword), and rtm.5's `language` pattern is not valid
 * with the `u` flag, hence `unicodeRegExp: false`.
 */
async function sarifValidator() {
  const path = createRequire(import.meta.url).resolve(
    "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json",
  );
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(await readFile(path, "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validatorReady = sarifValidator();

// biome-ignore lint/suspicious/noExplicitAny: a parsed SARIF log is walked freely in assertions.
type Sarif = any;

async function seedAndBroken(): Promise<CheckResult> {
  const { result } = await checkPaths(["examples/seed", "test/fixtures/bad-input/broken.yaml"]);
  return result;
}

test("sarif: check output on the seed example (findings and a problem) validates against the 2.1.0 schema", async () => {
  const validate = await validatorReady;
  const result = await seedAndBroken();
  assert.ok(result.findings.length > 0 && result.problems.length > 0);
  const log = JSON.parse(formatSarif(result));
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
});

test("sarif: the validator is not vacuous: a level SARIF does not define is rejected", async () => {
  const validate = await validatorReady;
  const log: Sarif = JSON.parse(formatSarif(await seedAndBroken()));
  log.runs[0].results[0].level = "fatal";
  assert.equal(validate(log), false);
  delete log.runs[0].results[0].level;
  log.runs[0].results[0].message = {};
  assert.equal(validate(log), false);
});

test("sarif: an empty result (no findings, no problems) validates too", async () => {
  const validate = await validatorReady;
  const log = JSON.parse(formatSarif({ findings: [], problems: [], workloads: [], leftAlone: [] }));
  assert.equal(validate(log), true, JSON.stringify(validate.errors));
  assert.deepEqual(log.runs[0].results, []);
  assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
});

test("sarif: what GitHub code scanning reads: rules, ruleId, level, relative URIs, fingerprints", async () => {
  const result = await seedAndBroken();
  const log: Sarif = JSON.parse(formatSarif(result));
  assert.equal(log.version, "2.1.0");
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, "fpm-graceful");
  const ruleIds = run.tool.driver.rules.map((r: Sarif) => r.id);
  assert.deepEqual(
    ruleIds,
    RULES.map((r) => r.meta.id),
  );
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.shortDescription.text.length > 0, rule.id);
    assert.ok(["error", "warning", "note"].includes(rule.defaultConfiguration.level), rule.id);
  }
  assert.equal(run.results.length, result.findings.length);
  const fingerprints = new Set<string>();
  run.results.forEach((r: Sarif, i: number) => {
    const finding = result.findings[i];
    assert.ok(finding);
    assert.equal(r.ruleId, finding.rule);
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId, "ruleIndex points at the rule");
    assert.equal(r.level, { error: "error", warning: "warning", info: "note" }[finding.severity]);
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    assert.equal(artifactLocation.uri, finding.file, "relative to the working directory, forward slashes");
    assert.doesNotMatch(artifactLocation.uri, /^(\/|[a-z]+:|\.\/)/i);
    assert.deepEqual([region.startLine, region.startColumn], [finding.line, finding.column]);
    const fingerprint = r.partialFingerprints["fpmGraceful/v1"];
    assert.equal(typeof fingerprint, "string");
    fingerprints.add(fingerprint);
  });
  assert.equal(fingerprints.size, run.results.length, "no two results share a fingerprint");
  const [notification] = run.invocations[0].toolExecutionNotifications;
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.equal(
    notification.locations[0].physicalLocation.artifactLocation.uri,
    "test/fixtures/bad-input/broken.yaml",
  );
});

test("sarif: absolute and ./ paths become the same relative URI; two findings of one identity differ", () => {
  const finding = {
    rule: "prestop-kill-syntax",
    severity: "error" as const,
    message: "m",
    fix: "f",
    line: 3,
    column: 5,
    workload: "Deployment/shop/app",
    container: "php-fpm",
  };
  const log: Sarif = JSON.parse(
    formatSarif({
      findings: [
        { ...finding, file: `${process.cwd()}/k8s/app.yaml` },
        { ...finding, file: "./k8s/app.yaml", line: 9 },
        { ...finding, file: "<stdin>", helmSource: "shop/templates/deployment.yaml" },
      ],
      problems: [],
      workloads: [],
      leftAlone: [],
    }),
  );
  const results = log.runs[0].results;
  assert.deepEqual(
    results.map((r: Sarif) => r.locations[0].physicalLocation.artifactLocation.uri),
    ["k8s/app.yaml", "k8s/app.yaml", "shop/templates/deployment.yaml"],
  );
  // The rendered position is kept beside the template, as a related location.
  assert.equal(results[2].relatedLocations[0].physicalLocation.artifactLocation.uri, "stdin");
  assert.equal(results[2].relatedLocations[0].physicalLocation.region.startLine, 3);
  assert.notEqual(
    results[0].partialFingerprints["fpmGraceful/v1"],
    results[1].partialFingerprints["fpmGraceful/v1"],
  );
  assert.equal(results[2].properties.helmSource, "shop/templates/deployment.yaml");
});

test("sarif: helm template | check - validates, points at the chart's templates/… file, keeps the rendered position", async () => {
  const validate = await validatorReady;
  const input = await readFile("test/fixtures/cli/helm-template.yaml");
  const { result } = await checkPaths(["-"], { readStdin: async () => input });
  assert.ok(result.findings.length > 0);
  const log: Sarif = JSON.parse(formatSarif(result));
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  for (const [i, r] of log.runs[0].results.entries()) {
    const finding = result.findings[i];
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, "shop/templates/deployment.yaml");
    const [related] = r.relatedLocations;
    assert.equal(related.physicalLocation.artifactLocation.uri, "stdin");
    assert.equal(related.physicalLocation.region.startLine, finding?.line);
  }
});

test("sarif: every rule has a helpUri, and every result's message links its rule page", async () => {
  const log: Sarif = JSON.parse(formatSarif(await seedAndBroken()));
  const rules = log.runs[0].tool.driver.rules;
  for (const rule of rules)
    assert.match(rule.helpUri, new RegExp(`^https://\\S+/docs/rules/${rule.id}\\.md$`));
  for (const r of log.runs[0].results) assert.ok(r.message.text.includes(rules[r.ruleIndex].helpUri));
});

test("sarif: suppressed findings are results with a suppression and its justification", async () => {
  const validate = await validatorReady;
  const result = await seedAndBroken();
  const [first] = result.findings;
  assert.ok(first);
  const withSuppressed = Object.assign(result, {
    suppressed: [
      {
        ...first,
        suppression: { reason: "legacy pod, retired in Q3", source: "fpm-graceful.io/ignore.php-fpm" },
      },
      { ...first, rule: "readiness-probe-missing", suppression: { reason: "", source: "config" } },
    ],
  });
  const log: Sarif = JSON.parse(formatSarif(withSuppressed));
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  const suppressed = log.runs[0].results.filter((r: Sarif) => r.suppressions);
  assert.deepEqual(
    suppressed.map((r: Sarif) => [r.suppressions[0].kind, r.suppressions[0].justification]),
    [
      ["inSource", "legacy pod, retired in Q3"],
      ["external", "suppressed by config"],
    ],
  );
  assert.equal(log.runs[0].results.length, result.findings.length + 2);
});
