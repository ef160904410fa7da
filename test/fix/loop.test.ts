/**
 * One fix-until-stable loop (src/engine/fix-loop.ts) serves `fix` (the text applier) and the webhook (the
 * object applier): both take the fix a first pass reveals (a shell PID 1 that now execs php-fpm needs a
 * preStop), and `fix --dry-run` lists every pass's fixes, not only the first's.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import type { CheckResult } from "../../src/engine/check.js";
import { type FixApplier, fixUntilStable, MAX_FIX_PASSES } from "../../src/engine/fix-loop.js";
import { fixManifestObject } from "../../src/engine/fix-object.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { runCli } from "../cli/run-cli.js";
import { fpmDeployment, sourceFiles } from "../rules/harness.js";

/** PID 1 is `sh -c` keeping php-fpm as its child: the preStop only counts once php-fpm is exec'd. */
const wrapped = fpmDeployment('command: ["sh", "-c", "echo start; php-fpm -F"]');
const options = { assumptions: DEFAULT_ASSUMPTIONS };

/** The Deployment of a fixed text (the fix appends a ConfigMap after it). */
const deploymentOf = (text: string | undefined) => parseAllDocuments(text ?? "")[0]?.toJS();

test("loop: fix takes the fix the first pass reveals, and lists each pass's fixes", () => {
  const run = fixSources(sourceFiles({ "app.yaml": wrapped }), options);
  assert.equal(run.passes, 2);
  const rules = run.fixesByPass.map((pass) => pass.map((f) => f.rule));
  assert.ok(rules[0]?.includes("pid1-wrapper"), `pass 1: ${rules[0]}`);
  assert.deepEqual(rules[1], ["prestop-delay-missing"]);
  assert.equal(run.fixed, (rules[0]?.length ?? 0) + 1);
  const container = deploymentOf(run.changes[0]?.after).spec.template.spec.containers[0];
  assert.equal(container.command[2], "echo start; exec php-fpm -F");
  assert.ok(container.lifecycle?.preStop, "the second pass's preStop is written");
});

test("loop: the webhook's object applier runs the same passes over the object", () => {
  const { fixed, applied, skipped } = fixManifestObject(parse(wrapped), options);
  const container = (fixed as ReturnType<typeof parse>).spec.template.spec.containers[0];
  assert.equal(container.command[2], "echo start; exec php-fpm -F");
  assert.ok(container.lifecycle?.preStop, "the second pass's preStop is applied");
  assert.ok(applied.some((a) => a.startsWith("pid1-wrapper: ")));
  assert.ok(applied.some((a) => a.startsWith("prestop-delay-missing: ")));
  // A new ConfigMap is another object: the webhook says so rather than inventing it.
  assert.ok(
    skipped.some((s) => s.startsWith("process-control-timeout-missing: ")),
    skipped.join("\n"),
  );
  const text = deploymentOf(fixSources(sourceFiles({ "app.yaml": wrapped }), options).changes[0]?.after);
  const fromText = text.spec.template.spec.containers[0];
  assert.deepEqual([container.command, container.lifecycle], [fromText.command, fromText.lifecycle]);
});

test("loop: passes are bounded even when every pass changes something", () => {
  const empty: CheckResult = { findings: [], problems: [], workloads: [], leftAlone: [] };
  const restless: FixApplier<number> = {
    check: () => empty,
    apply: (state) => ({ state: state + 1, result: empty, applied: [] }),
  };
  const { state, passes } = fixUntilStable(0, restless);
  assert.equal(state, MAX_FIX_PASSES);
  assert.equal(passes.length, MAX_FIX_PASSES);
});

test("loop: `fix --dry-run` lists the fixes of every pass and changes nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "fpm-graceful-loop-"));
  try {
    const file = join(dir, "app.yaml");
    writeFileSync(file, wrapped);
    const run = runCli(["fix", "--dry-run", file]);
    assert.match(run.stdout, /pid1-wrapper: php-fpm: exec the server/);
    assert.match(run.stdout, /prestop-delay-missing: .* \(pass 2\)$/m);
    assert.equal(readFileSync(file, "utf8"), wrapped);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
