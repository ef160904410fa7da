import pc from "picocolors";
import type { CheckResult, WorkloadResult } from "../engine/check.js";
import { escapeControl as e, neutralizeWorkflowCommands } from "../escape.js";
import type { Finding, Severity } from "../rules/types.js";
import { fmt } from "../timeline/timeline.js";
import type { Timeline } from "../timeline/types.js";
import { ruleDocUrl } from "./docs.js";
import { suppressedOf } from "./suppressed.js";
import { wrapLine } from "./wrap.js";

export interface TextOptions {
  color: boolean;
  /**
   * Which workloads get their predicted timeline under their findings: those with predicted failures
   * (the default), every one (`--timeline`), or none.
   */
  timelines: "failing" | "all" | "none";
  /** Only error findings and unreadable inputs, one line each, and nothing when there are none. */
  quiet?: boolean;
  /** Terminal columns to wrap at; none (not a terminal) keeps each line whole. */
  width?: number;
}

const LABEL: Record<Severity, string> = { error: "error", warning: "warning", info: "info" };
/** Names of workloads without php-fpm or nginx listed before "and N more". */
const UNSERVED_NAMED = 5;

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Renders a check result for a terminal or a CI log, compactly: findings grouped by workload, one line
 * each (severity, rule, place, message, fix, rule page); a workload's timeline only when it predicts failed
 * requests (or with `timelines: "all"`); workloads with neither php-fpm nor nginx in one line. Every name
 * read from the inputs has its control characters escaped, and no line can start a GitHub workflow command.
 * Linear in the number of findings and workloads.
 */
export function formatText(
  result: CheckResult,
  options: TextOptions = { color: false, timelines: "failing" },
): string {
  // Every string read from the inputs goes through `e` (escapeControl) where it is interpolated: a copy of
  // the whole result with its strings escaped would cost more than the report itself.
  const suppressed = suppressedOf(result);
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const push = (line: string, indent = 0) => lines.push(...wrapLine(line, options.width, indent));
  for (const problem of result.problems) {
    const label = problem.severity === "warning" ? c.yellow("unknown") : c.red("problem");
    push(
      `${label} ${c.bold(`${e(problem.file)}:${problem.line}:${problem.column}`)} ${e(problem.message)}`,
      4,
    );
  }
  if (options.quiet) {
    for (const f of result.findings) if (f.severity === "error") push(findingLine(f, c, true), 4);
    return render(lines);
  }
  for (const skipped of result.leftAlone ?? [])
    push(c.dim(`left alone ${e(skipped.file)}:${skipped.line}: ${e(skipped.reason)}`), 4);
  if (lines.length > 0) lines.push("");

  const byWorkload = groupBy(result.findings, (f) => f.workload);
  const unserved: WorkloadResult[] = [];
  for (const workload of result.workloads) {
    const findings = byWorkload.get(workload.id) ?? [];
    const serves = workload.containers.some((k) => k.role === "fpm" || k.role === "nginx");
    if (!serves && findings.length === 0) {
      unserved.push(workload);
      continue;
    }
    const where = `${e(workload.file)}:${workload.line}${workload.helmSource ? ` (${e(workload.helmSource)})` : ""}`;
    const verdict = findings.length === 0 ? `  ${c.green("ok")}` : "";
    push(`${c.bold(e(workload.id))}  ${c.dim(where)}${verdict}`, 4);
    const containers = workload.containers
      .map((k) => `${e(k.name)} ${k.role} (${e(k.roleBasis)})`)
      .join("; ");
    if (containers) push(c.dim(`  containers: ${containers}`), 4);
    for (const finding of findings) push(findingLine(finding, c, false), 4);
    const failing = workload.timeline.failureWindows.length > 0;
    if (options.timelines === "all" || (options.timelines === "failing" && failing))
      for (const line of formatTimeline(workload.timeline, c)) push(line, 6);
    lines.push("");
  }
  // A container with no evidence at all is `other` by default, not because anything said so: those
  // workloads are unknown, not known to be free of php-fpm and nginx (docs/IDENTITY.md).
  const unknown = unserved.filter((w) =>
    w.containers.some((k) => k.role === "other" && k.evidence.length === 0),
  );
  const known = unserved.filter((w) => !unknown.includes(w));
  const listed = (workloads: WorkloadResult[]) => {
    const named = workloads.slice(0, UNSERVED_NAMED).map((w) => e(w.id));
    const more = workloads.length > UNSERVED_NAMED ? `, and ${workloads.length - UNSERVED_NAMED} more` : "";
    return `${named.join(", ")}${more}`;
  };
  if (known.length > 0) {
    push(
      c.dim(
        `${plural(known.length, "workload")} with no php-fpm or nginx, nothing to check: ${listed(known)}`,
      ),
      4,
    );
  }
  if (unknown.length > 0) {
    push(
      c.dim(
        `${plural(unknown.length, "workload")} not checked: nothing says what runs in ${unknown.length === 1 ? "it" : "them"} (no command, an image the table does not know, no Dockerfile linked): ${listed(unknown)}; if one runs php-fpm or nginx, declare it (annotation \`fpm-graceful.io/role.<container>: fpm\`) or link its Dockerfile`,
      ),
      4,
    );
  }
  if (unserved.length > 0) lines.push("");
  lines.push(summary(result, suppressed.length));
  return render(lines);
}

function render(lines: string[]): string {
  return lines.length === 0 ? "" : neutralizeWorkflowCommands(`${lines.join("\n")}\n`);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** One finding on one line: severity, rule, place (and container), message, fix, the rule's page. */
function findingLine(f: Finding, c: Colors, standalone: boolean): string {
  const paint = f.severity === "error" ? c.red : f.severity === "warning" ? c.yellow : c.cyan;
  const where = `${e(f.file)}:${f.line}:${f.column}${f.helmSource ? ` (${e(f.helmSource)})` : ""}`;
  const container = f.container ? ` [${e(f.container)}]` : "";
  const subject = standalone ? ` ${e(f.workload)}${container}` : container;
  const fix = f.fix ? ` ${c.green("fix:")} ${e(f.fix)}` : "";
  return `${standalone ? "" : "  "}${paint(LABEL[f.severity].padEnd(7))} ${e(f.rule)} ${c.bold(where)}${subject}: ${e(f.message)}${fix} ${c.dim(ruleDocUrl(f.rule))}`;
}

/** The timeline as text: what happens at each moment, then the predicted failures. */
export function formatTimeline(t: Timeline, c = pc.createColors(false)): string[] {
  const lines = [
    c.dim(
      `  timeline: propagation ${fmt(t.propagationSeconds)}, grace ${fmt(t.gracePeriodSeconds)}, longest request ${fmt(t.longestRequestSeconds)}, front ${t.front ?? "l7"}`,
    ),
  ];
  for (const event of t.events) {
    lines.push(
      c.dim(
        `    ${fmt(event.at).padStart(6)}  ${event.container ? `${e(event.container)}: ` : ""}${e(event.text)}`,
      ),
    );
  }
  if (t.failureWindows.length === 0) {
    lines.push(`  ${c.green("predicted: no failed requests")}`);
  } else {
    lines.push(c.red("  predicted failures:"));
    for (const w of t.failureWindows) {
      const when = w.from === w.to ? `at ${fmt(w.from)}` : `${fmt(w.from)}–${fmt(w.to)}`;
      lines.push(`    ${c.red(when.padEnd(12))} ${e(w.explanation)}`);
    }
  }
  for (const a of t.assumptions) lines.push(c.dim(`  assumed: ${e(a)}`));
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function summary(result: CheckResult, suppressed: number): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) counts[f.severity]++;
  return `${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${counts.info} info in ${plural(result.workloads.length, "workload")}${suppressed > 0 ? `; ${suppressed} suppressed` : ""}${result.problems.length > 0 ? `; ${plural(result.problems.length, "unreadable input")}` : ""}`;
}
