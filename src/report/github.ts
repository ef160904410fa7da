import type { CheckResult } from "../engine/check.js";
import {
  escapeControl as e,
  escapeWorkflowData,
  escapeWorkflowProperty,
  neutralizeWorkflowCommands,
} from "../escape.js";
import type { Finding, Severity } from "../rules/types.js";
import { ruleDocUrl } from "./docs.js";
import { suppressedOf } from "./suppressed.js";

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

/**
 * Annotations GitHub shows per step and kind: "10 warning annotations, 10 error annotations, and 10 notice
 * annotations per step" (actions/toolkit:docs/problem-matchers.md, "Limitations"); more are dropped
 * silently, so the rest go to the log as plain lines and the summary says how many.
 */
export const ANNOTATIONS_PER_KIND = 10;

interface Annotation {
  kind: "error" | "warning" | "notice";
  file: string;
  line: number;
  column: number;
  title: string;
  message: string;
}

/**
 * Where an annotation points: a finding from rendered input (`helm template … | fpm-graceful check -`) at
 * its Helm template, which is a file of the repository, with the rendered position in the message.
 */
function place(f: Finding): { file: string; line: number; column: number; note: string } {
  if (f.file === "<stdin>" && f.helmSource)
    return {
      file: f.helmSource,
      line: 1,
      column: 1,
      note: ` (rendered from this template: stdin line ${f.line})`,
    };
  return { file: f.file, line: f.line, column: f.column, note: "" };
}

/**
 * GitHub Actions workflow annotations: one `::error file=…,line=…::message` line per finding, at most
 * ten of each kind (what GitHub displays); the others as plain log lines, then a summary line of every
 * count, what was left out and what was suppressed. Data and properties are escaped as the runner
 * unescapes them, so no name can end the command or start another.
 */
export function formatGithub(result: CheckResult): string {
  const annotations: Annotation[] = result.problems.map((p) => ({
    kind: "error",
    file: e(p.file),
    line: p.line,
    column: p.column,
    title: "fpm-graceful: unreadable input",
    message: e(p.message),
  }));
  for (const f of result.findings) {
    const at = place(f);
    annotations.push({
      kind: COMMAND[f.severity],
      file: e(at.file),
      line: at.line,
      column: at.column,
      title: e(`fpm-graceful ${f.rule} (${f.workload}${f.container ? ` ${f.container}` : ""})`),
      // The message's own lines are the report's; a name's control characters are shown escaped (the
      // log viewer would otherwise act on an ESC sequence).
      message: `${e(f.message)}${at.note}\nFix: ${e(f.fix)}\n${ruleDocUrl(f.rule)}`,
    });
  }
  const shown: Record<Annotation["kind"], number> = { error: 0, warning: 0, notice: 0 };
  const lines: string[] = [];
  const leftOut: string[] = [];
  for (const a of annotations) {
    if (shown[a.kind] < ANNOTATIONS_PER_KIND) {
      shown[a.kind]++;
      lines.push(
        `::${a.kind} file=${escapeWorkflowProperty(a.file)},line=${a.line},col=${a.column},title=${escapeWorkflowProperty(a.title)}::${escapeWorkflowData(a.message)}`,
      );
    } else {
      leftOut.push(
        neutralizeWorkflowCommands(
          `${a.kind} ${a.file}:${a.line}:${a.column} ${a.title}: ${a.message.split("\n")[0]}`,
        ),
      );
    }
  }
  if (lines.length === 0 && leftOut.length === 0 && suppressedOf(result).length === 0) return "";
  if (leftOut.length > 0) {
    lines.push(
      `fpm-graceful: ${leftOut.length} more not annotated (GitHub shows ${ANNOTATIONS_PER_KIND} errors, ${ANNOTATIONS_PER_KIND} warnings and ${ANNOTATIONS_PER_KIND} notices per step):`,
      ...leftOut.map((l) => `  ${l}`),
    );
  }
  lines.push(summaryLine(result, leftOut.length));
  return `${lines.join("\n")}\n`;
}

function summaryLine(result: CheckResult, leftOut: number): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) counts[f.severity]++;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [
    `${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${counts.info} info`,
  ];
  if (result.problems.length > 0) parts.push(plural(result.problems.length, "unreadable input"));
  const suppressed = suppressedOf(result).length;
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
  if (leftOut > 0) parts.push(`${leftOut} not annotated`);
  return `fpm-graceful: ${parts.join("; ")}`;
}
