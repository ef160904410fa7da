import { fixTargets } from "./fix/targets.js";
import { type BuildOptions, buildModel } from "./model/build.js";
import type { Assumptions, Container, Problem, Workload } from "./model/types.js";
import { RULES } from "./rules/registry.js";
import {
  type Finding,
  type Rule,
  type RuleContext,
  render,
  SEVERITY_ORDER,
  type Severity,
} from "./rules/types.js";
import type { SourceFile } from "./sources/files.js";
import { computeTimeline } from "./timeline/timeline.js";
import type { Timeline } from "./timeline/types.js";

export const IGNORE_ANNOTATION = "fpm-graceful.io/ignore";

export interface CheckOptions extends BuildOptions {
  assumptions: Assumptions;
  /** Rules switched off (`rules: {id: off}` in `.fpm-graceful.yaml`), or given another severity. */
  ruleSettings?: Record<string, Severity | "off">;
  rules?: readonly Rule[];
}

export interface WorkloadResult {
  id: string;
  file: string;
  line: number;
  helmSource?: string;
  containers: { name: string; role: string; image: string; links: string[] }[];
  timeline: Timeline;
}

/** The result of `check`, and the JSON contract of `check --format json`. */
export interface CheckResult {
  findings: Finding[];
  problems: Problem[];
  workloads: WorkloadResult[];
}

/**
 * Checks source files: builds the model, computes each workload's termination timeline, and runs every
 * rule over it. Suppressed rules (annotation `fpm-graceful.io/ignore: id,id` on the workload or its pod
 * template, or `off` in the config file) report nothing.
 *
 * @example
 *   const result = checkSources(files, { assumptions: DEFAULT_ASSUMPTIONS });
 *   result.findings.filter((f) => f.severity === "error");
 */
export function checkSources(files: SourceFile[], options: CheckOptions): CheckResult {
  const model = buildModel(files, options);
  const findings: Finding[] = [];
  const workloads: WorkloadResult[] = [];
  for (const workload of model.workloads) {
    const timeline = computeTimeline(workload, options.assumptions);
    findings.push(...runRules(workload, timeline, options));
    workloads.push({
      id: workload.id,
      file: workload.loc.file,
      line: workload.loc.line,
      ...(workload.loc.helmSource ? { helmSource: workload.loc.helmSource } : {}),
      containers: workload.containers.map((c) => ({
        name: c.name,
        role: c.role,
        image: c.image,
        links: c.links,
      })),
      timeline,
    });
  }
  return { findings: sortFindings(findings), problems: model.problems, workloads };
}

function runRules(workload: Workload, timeline: Timeline, options: CheckOptions): Finding[] {
  const ignored = new Set(
    (workload.annotations[IGNORE_ANNOTATION] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const findings: Finding[] = [];
  const targets = fixTargets(workload, timeline, options.assumptions);
  for (const rule of options.rules ?? RULES) {
    const setting = options.ruleSettings?.[rule.meta.id];
    if (setting === "off" || ignored.has(rule.meta.id) || ignored.has("all")) continue;
    if (workload.kind === "Image" && !rule.meta.appliesToImages) continue;
    const context: RuleContext = {
      workload,
      timeline,
      targets,
      assumptions: options.assumptions,
      timelineOf: (container: Container) => {
        const found = timeline.containers.find((c) => c.container === container.name);
        if (!found) throw new Error(`no timeline for container ${container.name} of ${workload.id}`);
        return found;
      },
      windows: (cause, container) =>
        timeline.failureWindows.filter(
          (w) => w.cause === cause && (!container || w.container === container.name),
        ),
      report: (report) => {
        const { loc } = report;
        findings.push({
          rule: rule.meta.id,
          severity: setting ?? report.severity ?? rule.meta.severity,
          message: render(rule.meta.messages[report.messageId] ?? report.messageId, report.data),
          fix: render(rule.meta.fix[report.messageId] ?? rule.meta.fix.default ?? "", report.data),
          file: loc.file,
          line: loc.line,
          column: loc.column,
          ...(loc.endLine !== undefined ? { endLine: loc.endLine, endColumn: loc.endColumn } : {}),
          ...(loc.helmSource ? { helmSource: loc.helmSource } : {}),
          workload: workload.id,
          ...(report.container ? { container: report.container.name } : {}),
          ...(report.fix ? { autofix: report.fix } : {}),
        });
      },
    };
    rule.check(context);
  }
  return findings;
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.workload.localeCompare(b.workload) ||
      SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule),
  );
}

/** Whether any finding is at or above a severity (`--fail-on`). */
export function failsAt(findings: Finding[], threshold: Severity): boolean {
  return findings.some((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[threshold]);
}
