import { fixTargets } from "./advice/values.js";
import type { LeftAlone } from "./model/build.js";
import { type BuildOptions, buildModel } from "./model/build.js";
import type {
  Assumptions,
  Container,
  ContainerRole,
  Problem,
  RoleEvidence,
  Workload,
} from "./model/types.js";
import { RULES } from "./rules/registry.js";
import {
  type Finding,
  type Rule,
  type RuleContext,
  render,
  SEVERITY_ORDER,
  type Severity,
  type Unknown,
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
  containers: ContainerResult[];
  timeline: Timeline;
}

/** A container as the report shows it: its role and the evidence that decided it, its image facts, its links. */
export interface ContainerResult {
  name: string;
  role: ContainerRole;
  /** The deciding evidence in words (`runs php artisan queue:work, from the manifest's command/args`), or why none. */
  roleBasis: string;
  /** Every piece of evidence weighed, the deciding one first. */
  evidence: RoleEvidence[];
  image: string;
  stopSignal: { value: string; basis: string; unknown: boolean };
  shell: string;
  links: string[];
}

/** The result of `check`, and the JSON contract of `check --format json`. */
export interface CheckResult {
  findings: Finding[];
  problems: Problem[];
  workloads: WorkloadResult[];
  /** Inputs read and deliberately not checked (a Go service's Dockerfile, a Helm test hook), each with why. */
  leftAlone: LeftAlone[];
}

/** Problems that make a run exit 2: every one but those that only leave something unknown. */
export function blockingProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity !== "warning");
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
    // A loop, not a spread: a workload of 70,000 containers has more findings than a call takes arguments.
    for (const finding of runRules(workload, timeline, options)) findings.push(finding);
    workloads.push({
      id: workload.id,
      file: workload.loc.file,
      line: workload.loc.line,
      ...(workload.loc.helmSource ? { helmSource: workload.loc.helmSource } : {}),
      containers: workload.containers.map(containerResult),
      timeline,
    });
  }
  return {
    findings: sortFindings(findings),
    problems: model.problems,
    workloads,
    leftAlone: model.leftAlone,
  };
}

function containerResult(c: Container): ContainerResult {
  const decided = c.identity.evidence[0];
  const signal = c.imageFacts.stopSignal;
  return {
    name: c.name,
    role: c.role,
    roleBasis:
      decided?.reason ??
      (c.identity.evidence.length === 0 && c.imageFacts.role === undefined
        ? `no evidence of what it runs; declare it with fpm-graceful.io/role.${c.name}`
        : "given without a workload"),
    evidence: c.identity.evidence,
    image: c.image,
    stopSignal: {
      value: String(signal.value),
      basis: signal.loc ? `STOPSIGNAL at ${signal.loc.file}:${signal.loc.line}` : signal.assumed,
      unknown: signal.loc === undefined && signal.unknown === true,
    },
    shell: c.imageFacts.shell,
    links: c.links,
  };
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
        const assumed = [...(report.restsOn ?? []), guessedRole(report.container)].filter(
          (u): u is Unknown => u !== undefined,
        );
        const severity = setting ?? report.severity ?? rule.meta.severity;
        const message = render(rule.meta.messages[report.messageId] ?? report.messageId, report.data);
        findings.push({
          rule: rule.meta.id,
          // A finding that rests on a fact nobody could read is a warning, never an error stated as fact.
          severity: assumed.length > 0 && severity === "error" ? "warning" : severity,
          message:
            assumed.length > 0
              ? `${message} Assumed: ${assumed.map((u) => u.fact).join("; ")}. To settle it: ${assumed.map((u) => u.settle).join("; ")}.`
              : message,
          fix: render(rule.meta.fix[report.messageId] ?? rule.meta.fix.default ?? "", report.data),
          file: loc.file,
          line: loc.line,
          column: loc.column,
          ...(loc.endLine !== undefined ? { endLine: loc.endLine, endColumn: loc.endColumn } : {}),
          ...(loc.helmSource ? { helmSource: loc.helmSource } : {}),
          workload: workload.id,
          ...(report.container ? { container: report.container.name } : {}),
          ...(report.fix ? { autofix: report.fix } : {}),
          ...(assumed.length > 0 ? { assumed } : {}),
        });
      },
    };
    rule.check(context);
  }
  return findings;
}

/** A role read only off a name is a guess: findings on that container rest on it. */
function guessedRole(container: Container | undefined): Unknown | undefined {
  const decided = container?.identity.evidence[0];
  if (!container || decided?.signal !== "name") return undefined;
  return {
    fact: `${container.name} is taken for ${container.role === "fpm" ? "php-fpm" : container.role} from its name only`,
    settle: `declare it with the annotation \`fpm-graceful.io/role.${container.name}: ${container.role}\` (or \`other\`)`,
  };
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
