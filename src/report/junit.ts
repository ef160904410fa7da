import type { CheckResult } from "../engine/check.js";
import { xmlChars } from "../escape.js";
import type { Finding } from "../rules/types.js";
import { ruleDocUrl } from "./docs.js";
import { suppressedOf } from "./suppressed.js";

/** Text and attribute values: only characters XML 1.0 allows, and the five it gives a meaning escaped. */
function xml(s: string): string {
  return xmlChars(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;");
}

function where(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}${f.helmSource ? ` (${f.helmSource})` : ""}`;
}

/**
 * JUnit XML as CI servers read it (Jenkins, GitLab, the test-report actions; the shape of
 * jenkinsci/xunit-plugin's junit-10.xsd): a `testsuite` per workload whose `testcase`s are its findings
 * (errors and warnings as `failure`s, info passing with the advice in `system-out`, suppressed ones
 * `skipped` with the reason), a passing testcase for a clean workload, and unreadable inputs as `error`s
 * in a suite of their own.
 */
export function formatJunit(result: CheckResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  if (result.problems.length > 0) {
    const cases = result.problems.map(
      (p) =>
        `    <testcase name="${xml(`${p.file}:${p.line}:${p.column}`)}" classname="unreadable-input">\n      <error type="${xml(p.code)}" message="${xml(p.message)}"/>\n    </testcase>`,
    );
    suites.push(
      `  <testsuite name="unreadable inputs" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
    tests += cases.length;
    errors += cases.length;
  }
  const findingsOf = groupByWorkload(result.findings);
  const suppressedOfWorkload = groupByWorkload(suppressedOf(result));
  for (const workload of result.workloads) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let skipped = 0;
    for (const f of findingsOf.get(workload.id) ?? []) {
      const name = xml(`${f.rule}${f.container ? ` [${f.container}]` : ""} ${where(f)}`);
      const body = `${f.message}\nFix: ${f.fix}\n${ruleDocUrl(f.rule)}`;
      if (f.severity === "info") {
        cases.push(
          `    <testcase name="${name}" classname="${xml(workload.id)}">\n      <system-out>${xml(body)}</system-out>\n    </testcase>`,
        );
      } else {
        suiteFailures++;
        cases.push(
          `    <testcase name="${name}" classname="${xml(workload.id)}">\n      <failure type="${f.severity}" message="${xml(f.message)}">${xml(body)}</failure>\n    </testcase>`,
        );
      }
    }
    for (const s of suppressedOfWorkload.get(workload.id) ?? []) {
      skipped++;
      cases.push(
        `    <testcase name="${xml(`${s.rule}${s.container ? ` [${s.container}]` : ""} ${where(s)}`)}" classname="${xml(workload.id)}">\n      <skipped message="${xml(`suppressed by ${s.suppression.source}: ${s.suppression.reason}`)}"/>\n    </testcase>`,
      );
    }
    if (cases.length === 0) cases.push(`    <testcase name="no findings" classname="${xml(workload.id)}"/>`);
    suites.push(
      `  <testsuite name="${xml(workload.id)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${skipped}" file="${xml(workload.file)}">\n${cases.join("\n")}\n  </testsuite>`,
    );
    tests += cases.length;
    failures += suiteFailures;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="fpm-graceful" tests="${tests}" failures="${failures}" errors="${errors}">\n${suites.join("\n")}${suites.length > 0 ? "\n" : ""}</testsuites>\n`;
}

function groupByWorkload<T extends Finding>(findings: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const f of findings) {
    const group = groups.get(f.workload);
    if (group) group.push(f);
    else groups.set(f.workload, [f]);
  }
  return groups;
}
