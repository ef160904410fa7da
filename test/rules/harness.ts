/**
 * A rule tester in the manner of ESLint's RuleTester: each rule is run over `valid` inputs, which must
 * produce no finding of that rule, and `invalid` inputs, which must produce exactly the listed findings
 * of that rule, each at its exact line and column, matched by message id and data (or a piece of the
 * message). An invalid case that lists no finding is refused: a test that cannot fail proves nothing.
 * Every invalid case is then fixed by the engine's fix loop with the rule alone, and its output checked
 * (as RuleTester's `output`): it reads back, the rule's fixable findings are gone, a second fix changes
 * nothing, and it equals `output` where the case gives it; a case the rule cannot fix says `output: null`.
 *
 * @example
 *   ruleTester("pid1-wrapper", {
 *     valid: [{ name: "exec form", files: { "Dockerfile": 'FROM php:8.2-fpm\nCMD ["php-fpm"]\n' } }],
 *     invalid: [{ name: "shell form", files: { … }, findings: [{ line: 2, column: 5, severity: "error", message: "PID 1" }] }],
 *   });
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type CheckOptions, type CheckResult, checkSources } from "../../src/engine/check.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { type Assumptions, DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { RULES } from "../../src/rules/registry.js";
import type { Finding, Report, Severity } from "../../src/rules/types.js";
import { decodeSource, kindFromName, type SourceFile } from "../../src/sources/files.js";

/** Input files by path, as inline text: `{ "app.yaml": "…", "Dockerfile": "…" }`. */
export type Files = Record<string, string>;

export interface ValidCase {
  name: string;
  files: Files;
  assumptions?: Partial<Assumptions>;
  ruleSettings?: Record<string, Severity | "off">;
  dockerfiles?: Record<string, string>;
}

export interface ExpectedFinding {
  /** Defaults to the only file of the case, or the first one. */
  file?: string;
  line: number;
  column: number;
  severity: Severity;
  /** A substring of the rendered message (at least one of `message` and `messageId` is given). */
  message?: string;
  /** The report's message id, as ESLint's RuleTester matches `messageId`. */
  messageId?: string;
  /** Data the report must carry (each key given equals the report's). */
  data?: Record<string, string | number>;
  container?: string;
  workload?: string;
  helmSource?: string;
  /** A substring of the rendered fix. */
  fix?: string;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
  /**
   * After the fix loop with this rule alone: the full text of files given here (the others are not
   * compared); `null` when the rule offers no fix for this case. Left out, the output is still checked.
   */
  output?: Files | null;
}

/** Turns inline texts into source files, deciding each kind by name and content as `check` does. */
export function sourceFiles(files: Files): SourceFile[] {
  return Object.entries(files).map(([path, text]) => {
    const decoded = decodeSource(path, Buffer.from(text, "utf8"), kindFromName(path), true);
    if (decoded === undefined || "code" in decoded) {
      throw new Error(`test input ${path} is not a source file: ${decoded?.message ?? "skipped"}`);
    }
    return decoded;
  });
}

function optionsOf(testCase: ValidCase): CheckOptions {
  return {
    assumptions: { ...DEFAULT_ASSUMPTIONS, ...testCase.assumptions },
    ...(testCase.ruleSettings ? { ruleSettings: testCase.ruleSettings } : {}),
    ...(testCase.dockerfiles ? { dockerfiles: testCase.dockerfiles } : {}),
  };
}

/** Runs `checkSources` over inline files with the default assumptions, overridden per case. */
export function runCheck(testCase: ValidCase, onReport?: CheckOptions["onReport"]): CheckResult {
  return checkSources(sourceFiles(testCase.files), {
    ...optionsOf(testCase),
    ...(onReport ? { onReport } : {}),
  });
}

function describe(finding: Finding): string {
  return `${finding.file}:${finding.line}:${finding.column} ${finding.severity} ${finding.message}`;
}

/** The finding's line of its input with a caret under its column, so a wrong position shows at a glance. */
function excerpt(files: Files, finding: Finding): string {
  const line = files[finding.file]?.split("\n")[finding.line - 1];
  return line === undefined ? "" : `\n  ${line}\n  ${" ".repeat(Math.max(0, finding.column - 1))}^`;
}

/** Registers one test per case for the rule `ruleId`. */
export function ruleTester(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const rule = RULES.find((r) => r.meta.id === ruleId);
  test(`${ruleId}: is a registered rule with valid and invalid cases`, () => {
    assert.ok(rule, `no rule ${ruleId} in the registry`);
    assert.ok(cases.valid.length > 0, "at least one valid case");
    assert.ok(cases.invalid.length > 0, "at least one invalid case");
  });
  for (const testCase of cases.valid) {
    test(`${ruleId} valid: ${testCase.name}`, () => assertValid(ruleId, testCase));
  }
  for (const testCase of cases.invalid) {
    test(`${ruleId} invalid: ${testCase.name}`, () => assertInvalid(ruleId, testCase));
  }
}

/** Fails unless the case parses cleanly and produces no finding of the rule. */
export function assertValid(ruleId: string, testCase: ValidCase): void {
  const result = runCheck(testCase);
  assert.deepEqual(result.problems, [], "the input parses without problems");
  const found = result.findings.filter((f) => f.rule === ruleId);
  assert.deepEqual(found.map(describe), [], `${ruleId} must not fire`);
}

/**
 * Fails unless the case produces exactly its listed findings of the rule, in order, at their line and
 * column; refuses a case that lists none (it could never fail).
 */
export function assertInvalid(ruleId: string, testCase: InvalidCase): void {
  assert.ok(
    testCase.findings.length > 0,
    `invalid case "${testCase.name}" expects no finding: it could never fail; list the findings it must produce`,
  );
  const reports = new Map<Finding, Report>();
  const result = runCheck(testCase, (finding, report) => reports.set(finding, report));
  assert.deepEqual(result.problems, [], "the input parses without problems");
  const found = result.findings.filter((f) => f.rule === ruleId);
  const defaultFile = Object.keys(testCase.files)[0];
  assert.equal(
    found.length,
    testCase.findings.length,
    `expected ${testCase.findings.length} finding(s) of ${ruleId}, got:\n${found.map(describe).join("\n")}`,
  );
  testCase.findings.forEach((expected, i) => {
    const actual = found[i] as Finding;
    const where = `finding ${i + 1} (${describe(actual)})${excerpt(testCase.files, actual)}\n`;
    assert.equal(actual.file, expected.file ?? defaultFile, `${where}: file`);
    assert.deepEqual([actual.line, actual.column], [expected.line, expected.column], `${where}: line:column`);
    assert.equal(actual.severity, expected.severity, `${where}: severity`);
    assert.ok(
      expected.message !== undefined || expected.messageId !== undefined,
      `${where}: the case names the message (messageId, or a piece of it)`,
    );
    if (expected.message !== undefined)
      assert.ok(actual.message.includes(expected.message), `${where}: message has "${expected.message}"`);
    const report = reports.get(actual);
    if (expected.messageId !== undefined)
      assert.equal(report?.messageId, expected.messageId, `${where}: messageId`);
    for (const [key, value] of Object.entries(expected.data ?? {}))
      assert.deepEqual(report?.data[key], value, `${where}: data.${key}`);
    assert.doesNotMatch(actual.message, /\{\{\w+\}\}/, `${where}: every placeholder is filled`);
    assert.ok(actual.fix.length > 0, `${where}: has a fix`);
    assert.doesNotMatch(actual.fix, /\{\{\w+\}\}/, `${where}: every fix placeholder is filled`);
    if (expected.fix !== undefined)
      assert.ok(actual.fix.includes(expected.fix), `${where}: fix has "${expected.fix}"`);
    if (expected.container !== undefined)
      assert.equal(actual.container, expected.container, `${where}: container`);
    if (expected.workload !== undefined)
      assert.equal(actual.workload, expected.workload, `${where}: workload`);
    if (expected.helmSource !== undefined)
      assert.equal(actual.helmSource, expected.helmSource, `${where}: helmSource`);
  });
  assertOutput(ruleId, testCase, found);
}

/**
 * The fixed output of an invalid case, after the engine's fix loop with the rule alone (as RuleTester
 * applies only the rule under test): it reads back, no fixable finding of the rule is left, a second fix
 * changes nothing, and the files the case gives in `output` read exactly so. A case whose findings carry no
 * fix must say `output: null`, and one that says so must get none.
 */
function assertOutput(ruleId: string, testCase: InvalidCase, found: Finding[]): void {
  const rule = RULES.find((r) => r.meta.id === ruleId);
  assert.ok(rule);
  const options = { ...optionsOf(testCase), rules: [rule] };
  const fixable = found.filter((f) => f.autofix);
  if (testCase.output === null) {
    assert.deepEqual(
      fixable.map((f) => `${f.line}:${f.column} ${f.autofix?.description}`),
      [],
      "the case says `output: null`, but the rule offers a fix",
    );
    return;
  }
  assert.ok(
    fixable.length > 0,
    `the rule offers no fix for "${testCase.name}": say so with \`output: null\``,
  );
  const run = fixSources(sourceFiles(testCase.files), options);
  assert.deepEqual(run.failures, [], "every fix applies");
  assert.ok(run.changes.length > 0, "the fix changes a file");
  const texts: Files = { ...testCase.files };
  for (const change of run.changes) texts[change.file] = change.after;
  assert.deepEqual(run.after.problems, [], "the fixed files read back");
  assert.deepEqual(
    run.after.findings.filter((f) => f.autofix).map(describe),
    [],
    "no fixable finding of the rule is left after the fix loop",
  );
  const again = fixSources(sourceFiles(texts), options);
  assert.deepEqual(again.changes, [], "a second fix changes nothing");
  for (const [file, text] of Object.entries(testCase.output ?? {}))
    assert.equal(texts[file], text, `fixed output of ${file}`);
}

/**
 * Strips the first newline and the common indentation of a template literal, so a fixture's line 1 is
 * the line after the opening backtick and its columns are those of the file.
 */
export function dedent(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = raw
    .replace(/^\n/, "")
    .replace(/\n[ \t]*$/, "\n")
    .split("\n");
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length),
  );
  return lines.map((l) => l.slice(indent)).join("\n");
}

/**
 * The fixture most rule tests start from: a Deployment `app` with one container `php-fpm` of `image`.
 * `fields` is more YAML of that container, written from column 1 and indented here under `image:`, so
 * its first line is line 10 of the file and its columns are its own plus 10.
 *
 * @example
 *   fpmDeployment("lifecycle:\n  preStop: {sleep: {seconds: 5}}") // `preStop` on line 11, column 13
 */
export function fpmDeployment(fields = "", image = "php:8.2-fpm"): string {
  const lines = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    // The role is declared: rule tests are about the timeline, not about telling php-fpm from a guess.
    'metadata: {name: app, annotations: {"fpm-graceful.io/role.php-fpm": fpm}}',
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: php-fpm",
    `          image: ${image}`,
    ...(fields ? fields.split("\n").map((line) => `          ${line}`) : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** A PodDisruptionBudget selecting `app: <app>` in namespace `default`, so `noBudget` stays quiet. */
export function budget(app: string): string {
  return dedent`
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: ${app}}
    spec:
      maxUnavailable: 1
      selector: {matchLabels: {app: ${app}}}
  `;
}
