import { fixTargets } from "../advice/values.js";
import type { Container, Workload } from "../model/types.js";
import { RULES } from "../rules/registry.js";
import { type Finding, type RuleContext, render, type Unknown } from "../rules/types.js";
import type { Timeline } from "../timeline/types.js";
import { fixerFor } from "./fixer.js";
import type { CheckOptions } from "./types.js";

/**
 * Runs every rule over one workload and its timeline: each gets a context with the workload, its timeline,
 * the values its fixes write and the `fixer` that builds them; each report becomes a finding (its message
 * and fix rendered from the rule's templates, a report resting on an unknown fact turned into a warning).
 * Suppressions are not applied here: a rule switched off or ignored still runs, so that its findings can be
 * reported as suppressed (`check.ts`).
 */
export function runRules(workload: Workload, timeline: Timeline, options: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  const targets = fixTargets(workload, timeline, options.assumptions);
  const fixer = fixerFor(workload, targets);
  for (const rule of options.rules ?? RULES) {
    const configured = options.ruleSettings?.[rule.meta.id];
    const setting = configured === "off" ? undefined : configured;
    if (workload.kind === "Image" && !rule.meta.appliesToImages) continue;
    const context: RuleContext = {
      workload,
      fixer,
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
        const finding: Finding = {
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
        };
        findings.push(finding);
        options.onReport?.(finding, report);
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
