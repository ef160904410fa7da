import { buildModel } from "../model/build.js";
import type { Container, Problem } from "../model/types.js";
import { type Finding, SEVERITY_ORDER, type Severity } from "../rules/types.js";
import type { SourceFile } from "../sources/files.js";
import { computeTimeline } from "../timeline/timeline.js";
import { runRules } from "./run-rules.js";
import type { CheckOptions, CheckResult, ContainerResult, WorkloadResult } from "./types.js";

export { IGNORE_ANNOTATION } from "./run-rules.js";

export type { CheckOptions, CheckResult, ContainerResult, WorkloadResult } from "./types.js";

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
    findings.push(...runRules(workload, timeline, options));
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
