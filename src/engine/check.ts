import { buildModel } from "../model/build.js";
import type { Container, Problem } from "../model/types.js";
import { RULES } from "../rules/registry.js";
import { type Finding, SEVERITY_ORDER, type Severity, type SuppressedFinding } from "../rules/types.js";
import type { SourceFile } from "../sources/files.js";
import { computeTimeline } from "../timeline/timeline.js";
import { runRules } from "./run-rules.js";
import { readSuppressions, suppressed, suppressionOf } from "./suppression.js";
import type { CheckOptions, CheckResult, ContainerResult, WorkloadResult } from "./types.js";

export type { CheckOptions, CheckResult, ContainerResult, WorkloadResult } from "./types.js";

/** What a rule switched off in the config file suppresses its findings with. */
const offInConfig = (rule: string) => ({
  reason: `\`rules: {${rule}: off}\` in the config file`,
  source: "config",
});

/** Problems that make a run exit 2: every one but those that only leave something unknown. */
export function blockingProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity !== "warning");
}

/**
 * Checks source files: builds the model, computes each workload's termination timeline, and runs every
 * rule over it. Suppressed findings (annotation `fpm-graceful.io/ignore: id,id[: reason]` on the workload
 * or its pod template, `fpm-graceful.io/ignore.<container>: …` for one container, or `off` in the config
 * file) are kept apart in `suppressed`, with what silenced them; an ignore naming no rule is a warning.
 *
 * @example
 *   const result = checkSources(files, { assumptions: DEFAULT_ASSUMPTIONS });
 *   result.findings.filter((f) => f.severity === "error");
 */
export function checkSources(files: SourceFile[], options: CheckOptions): CheckResult {
  // The model holds no parsed document (`buildModel` reads each file's objects as it parses them): what
  // the rules read is all that stays while they run and the report is written.
  const { workloads: modelled, problems: modelProblems, leftAlone } = buildModel(files, options);
  const findings: Finding[] = [];
  const silenced: SuppressedFinding[] = [];
  const problems = [...modelProblems];
  const ruleIds = new Set([...RULES, ...(options.rules ?? [])].map((r) => r.meta.id));
  const workloads: WorkloadResult[] = [];
  for (const workload of modelled) {
    const timeline = computeTimeline(workload, options.assumptions);
    const ignores = readSuppressions(workload, ruleIds);
    problems.push(...ignores.problems);
    for (const finding of runRules(workload, timeline, options)) {
      const by =
        suppressionOf(finding, ignores.suppressions) ??
        (options.ruleSettings?.[finding.rule] === "off" ? offInConfig(finding.rule) : undefined);
      if (by) silenced.push(suppressed(finding, by));
      else findings.push(finding);
    }
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
    problems,
    workloads,
    leftAlone,
    ...(silenced.length > 0 ? { suppressed: sortFindings(silenced) } : {}),
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

function sortFindings<F extends Finding>(findings: F[]): F[] {
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
