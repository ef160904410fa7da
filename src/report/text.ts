import pc from "picocolors";
import type { CheckResult } from "../engine/check.js";
import type { Finding, Severity } from "../rules/types.js";
import { fmt } from "../timeline/timeline.js";
import type { Timeline } from "../timeline/types.js";

export interface TextOptions {
  color: boolean;
  /** Print each workload's predicted timeline and failure windows under its findings. */
  timelines: boolean;
}

const LABEL: Record<Severity, string> = { error: "error", warning: "warning", info: "info" };

/** Renders a check result for a terminal: findings grouped by workload, each with its place, why and fix. */
export function formatText(
  result: CheckResult,
  options: TextOptions = { color: false, timelines: true },
): string {
  const c = pc.createColors(options.color);
  const paint = (s: Severity, text: string) =>
    s === "error" ? c.red(text) : s === "warning" ? c.yellow(text) : c.cyan(text);
  const lines: string[] = [];
  for (const problem of result.problems) {
    const label = problem.severity === "warning" ? c.yellow("unknown") : c.red("problem");
    lines.push(`${label} ${c.bold(`${problem.file}:${problem.line}:${problem.column}`)} ${problem.message}`);
  }
  for (const skipped of result.leftAlone ?? []) {
    lines.push(c.dim(`left alone ${skipped.file}:${skipped.line}: ${skipped.reason}`));
  }
  if (result.problems.length > 0 || (result.leftAlone ?? []).length > 0) lines.push("");
  for (const workload of result.workloads) {
    const findings = result.findings.filter((f) => f.workload === workload.id);
    lines.push(
      c.bold(workload.id) +
        c.dim(`  ${workload.file}:${workload.line}${workload.helmSource ? ` (${workload.helmSource})` : ""}`),
    );
    for (const container of workload.containers) {
      const links = container.links.length > 0 ? `; ${container.links.join("; ")}` : "";
      lines.push(
        c.dim(
          `  container ${container.name}: ${container.role} (${container.roleBasis}), image ${container.image || "?"}${links}`,
        ),
      );
    }
    for (const finding of findings) lines.push(...formatFinding(finding, paint, c));
    if (findings.length === 0) lines.push(`  ${c.green("ok")} no findings`);
    if (options.timelines) lines.push(...formatTimeline(workload.timeline, c));
    lines.push("");
  }
  lines.push(summary(result));
  return `${lines.join("\n")}\n`;
}

function formatFinding(
  f: Finding,
  paint: (s: Severity, t: string) => string,
  c: ReturnType<typeof pc.createColors>,
): string[] {
  const where = `${f.file}:${f.line}:${f.column}${f.helmSource ? ` (${f.helmSource})` : ""}`;
  return [
    `  ${paint(f.severity, LABEL[f.severity].padEnd(7))} ${c.bold(where)}  ${c.dim(f.rule)}${f.container ? c.dim(` [${f.container}]`) : ""}`,
    `          ${f.message}`,
    `          ${c.green("fix:")} ${f.fix}`,
  ];
}

/** The timeline as text: what happens at each moment, then the predicted failures. */
export function formatTimeline(t: Timeline, c = pc.createColors(false)): string[] {
  const lines = [
    c.dim(
      `  timeline: propagation ${fmt(t.propagationSeconds)}, grace ${fmt(t.gracePeriodSeconds)}, longest request ${fmt(t.longestRequestSeconds)}`,
    ),
  ];
  for (const e of t.events) {
    lines.push(c.dim(`    ${fmt(e.at).padStart(6)}  ${e.container ? `${e.container}: ` : ""}${e.text}`));
  }
  if (t.failureWindows.length === 0) {
    lines.push(`  ${c.green("predicted: no failed requests")}`);
  } else {
    lines.push(c.red("  predicted failures:"));
    for (const w of t.failureWindows) {
      const when = w.from === w.to ? `at ${fmt(w.from)}` : `${fmt(w.from)}–${fmt(w.to)}`;
      lines.push(`    ${c.red(when.padEnd(12))} ${w.explanation}`);
    }
  }
  for (const a of t.assumptions) lines.push(c.dim(`  assumed: ${a}`));
  return lines;
}

function summary(result: CheckResult): string {
  const count = (s: Severity) => result.findings.filter((f) => f.severity === s).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${count("info")} info in ${plural(result.workloads.length, "workload")}${result.problems.length > 0 ? `; ${plural(result.problems.length, "unreadable input")}` : ""}`;
}
