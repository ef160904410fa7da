import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { REPOSITORY_URL, ruleDocUrl } from "../../src/report/docs.js";
import { RULES } from "../../src/rules/registry.js";
import { runCli } from "./run-cli.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

test("rules: --format json lists every rule with its severity, fixable and doc page", () => {
  const run = runCli(["rules", "--format", "json"]);
  assert.equal(run.status, 0, run.stderr);
  const listed = JSON.parse(run.stdout) as { id: string; severity: string; fixable: boolean; docs: string }[];
  assert.deepEqual(
    listed.map((l) => [l.id, l.severity]),
    RULES.map((r) => [r.meta.id, r.meta.severity]),
  );
  for (const l of listed) assert.equal(l.docs, ruleDocUrl(l.id));
  const text = runCli(["rules"]).stdout.trimEnd().split("\n");
  assert.equal(text.length, RULES.length + 1, "a header and a line a rule");
  assert.match(text.find((l) => l.startsWith("stop-signal-native ")) ?? "", /\binfo\s+no\s+https:/);
});

/**
 * `fixable` is held to the rule's source: a rule is fixable exactly when it hands `fix:` edits to
 * `context.report` (its meta's `fix:` templates are the advice text every rule has, not edits).
 */
test("rules: meta.fixable says whether the rule attaches edits to its reports", () => {
  for (const { meta } of RULES) {
    const source = readFileSync(`${root}src/rules/${meta.id}.ts`, "utf8");
    const reports = source.slice(source.indexOf("check("));
    const attachesEdits = /\bfix:\s*[A-Za-z(]/.test(reports);
    assert.equal(meta.fixable === true, attachesEdits, `${meta.id}: fixable ${meta.fixable}`);
  }
});

test("rules: doc links are built from the repository package.json names", () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
  assert.equal(pkg.homepage, `${REPOSITORY_URL}#readme`);
  assert.equal(pkg.repository.url, `git+${REPOSITORY_URL}.git`);
  assert.equal(pkg.bugs.url, `${REPOSITORY_URL}/issues`);
  assert.ok(ruleDocUrl("fpm-hard-stop").startsWith(`${REPOSITORY_URL}/blob/`));
});
