import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { XMLParser } from "fast-xml-parser";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { formatJunit } from "../../src/report/junit.js";
import type { Finding } from "../../src/rules/types.js";

const XSD = "test/fixtures/report/junit.xsd";
const xmllint = spawnSync("xmllint", ["--version"]).status === 0;
const skip = xmllint ? false : "xmllint is not installed (scripts/setup-system.sh installs libxml2-utils)";

/** `xmllint --schema`: exit 0 when the document is valid against the JUnit XSD fixture. */
async function validate(xml: string): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-junit-"));
  try {
    const path = join(dir, "report.xml");
    await writeFile(path, xml);
    const run = spawnSync("xmllint", ["--noout", "--schema", XSD, path], { encoding: "utf8" });
    return { ok: run.status === 0, output: run.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function seedWithProblemAndSuppressed(): Promise<CheckResult> {
  const { result } = await checkPaths(["examples/seed", "test/fixtures/bad-input/broken.yaml"]);
  const [first] = result.findings as [Finding];
  return Object.assign(result, {
    suppressed: [{ ...first, suppression: { reason: 'legacy <pod> & "co"', source: "config" } }],
  });
}

test("junit: check output (findings, a problem, a suppressed finding) validates against the JUnit XSD", {
  skip,
}, async () => {
  const result = await seedWithProblemAndSuppressed();
  const { ok, output } = await validate(formatJunit(result));
  assert.ok(ok, output);
  assert.ok((await validate(formatJunit({ findings: [], problems: [], workloads: [], leftAlone: [] }))).ok);
});

test("junit: the schema check is not vacuous: a testsuite without its counts is rejected", {
  skip,
}, async () => {
  const xml = formatJunit(await seedWithProblemAndSuppressed()).replace(
    /(<testsuite [^>]*?) tests="\d+"/,
    "$1",
  );
  assert.match(xml, /<testsuite name="unreadable inputs" failures/, "the count is gone");
  assert.equal((await validate(xml)).ok, false);
});

test("junit: a suite per workload; errors and warnings fail, suppressed are skipped, problems are errors", async () => {
  const result = await seedWithProblemAndSuppressed();
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(formatJunit(result));
  const suites = doc.testsuites.testsuite as Record<string, unknown>[];
  assert.deepEqual(
    suites.map((s) => s.name),
    ["unreadable inputs", "Deployment/shop/app-fpm", "Deployment/shop/app-nginx"],
  );
  const failures = result.findings.filter((f) => f.severity !== "info").length;
  assert.equal(Number(doc.testsuites.failures), failures);
  assert.equal(Number(doc.testsuites.errors), result.problems.length);
  assert.equal(
    suites.reduce((n, s) => n + Number(s.skipped), 0),
    1,
  );
  assert.equal(
    Number(doc.testsuites.tests),
    suites.reduce((n, s) => n + Number(s.tests), 0),
  );
});
