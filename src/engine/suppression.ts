import type { Problem, Workload } from "../model/types.js";
import type { Finding, SuppressedFinding } from "../rules/types.js";

/** `fpm-graceful.io/ignore: id[, id][: reason]` on the workload or its pod template: every container. */
export const IGNORE_ANNOTATION = "fpm-graceful.io/ignore";
/** `fpm-graceful.io/ignore.<container>: id[, id][: reason]`: that container's findings only. */
export const IGNORE_CONTAINER_PREFIX = `${IGNORE_ANNOTATION}.`;
/** The id that silences every rule. */
const ALL = "all";

/** One line of an ignore annotation: which rules, for which container (or all), and why. */
export interface Suppression {
  rules: Set<string>;
  /** Undefined for the workload-wide annotation. */
  container: string | undefined;
  reason: string;
  /** The annotation key. */
  source: string;
}

/**
 * The ignore annotations of a workload, read as kube-linter reads `ignore-check.kube-linter.io/<check>:
 * "reason"` (the value is the reason), with the rule ids in front since our key names the scope, not the
 * check: each line of the value is `id[, id…]` optionally followed by `: reason` (the first colon ends the
 * ids; rule ids have none). Several reasons: one line each (a YAML block scalar `|`). An id that names no
 * rule, or a container the workload does not have, is a warning-level problem at the annotation: it
 * silences nothing, and a typo must not pass for a suppression.
 *
 * @example
 *   // fpm-graceful.io/ignore.worker: "readiness-probe-missing, prestop-delay-missing: a queue worker, no Service"
 *   readSuppressions(workload, new Set(RULES.map((r) => r.meta.id)));
 */
export function readSuppressions(
  workload: Workload,
  ruleIds: ReadonlySet<string>,
): { suppressions: Suppression[]; problems: Problem[] } {
  const suppressions: Suppression[] = [];
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(workload.annotations)) {
    const container = key.startsWith(IGNORE_CONTAINER_PREFIX)
      ? key.slice(IGNORE_CONTAINER_PREFIX.length)
      : undefined;
    if (key !== IGNORE_ANNOTATION && container === undefined) continue;
    const loc = workload.annotationLocs[key] ?? workload.loc;
    const lines = value.split("\n");
    // A value of several lines is a block scalar (`|`): its line i is written i + 1 lines below the key.
    const at = (index: number) =>
      lines.length > 1
        ? {
            file: loc.file,
            line: loc.line + 1 + index,
            column: 1,
            ...(loc.helmSource ? { helmSource: loc.helmSource } : {}),
          }
        : loc;
    const warn = (message: string, index = 0) =>
      problems.push({
        ...at(index),
        code: "invalid-field",
        severity: "warning",
        message: `${key}: ${message}`,
      });
    if (container !== undefined && !workload.containers.some((c) => c.name === container)) {
      warn(`${workload.id} has no container ${container}: it suppresses nothing`);
      continue;
    }
    for (const [index, line] of lines.entries()) {
      const colon = line.indexOf(":");
      const ids = (colon === -1 ? line : line.slice(0, colon))
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean);
      const unknown = ids.filter((id) => id !== ALL && !ruleIds.has(id));
      for (const id of unknown)
        warn(`no rule is called "${id}" (docs/rules/README.md lists them): it suppresses nothing`, index);
      const rules = new Set(ids.filter((id) => !unknown.includes(id)));
      if (rules.size === 0) continue;
      const reason = colon === -1 ? "" : line.slice(colon + 1).trim();
      suppressions.push({ rules, container, reason, source: key });
    }
  }
  // The narrowest first: a container's own line decides over the workload's.
  suppressions.sort((a, b) => Number(a.container === undefined) - Number(b.container === undefined));
  return { suppressions, problems };
}

/** The suppression that silences a finding, if any: a container's line only silences that container's. */
export function suppressionOf(
  finding: Finding,
  suppressions: readonly Suppression[],
): Suppression | undefined {
  return suppressions.find(
    (s) =>
      (s.rules.has(finding.rule) || s.rules.has(ALL)) &&
      (s.container === undefined || s.container === finding.container),
  );
}

/** A finding as suppressed, with what silenced it. */
export function suppressed(
  finding: Finding,
  suppression: { reason: string; source: string },
): SuppressedFinding {
  return { ...finding, suppression: { reason: suppression.reason, source: suppression.source } };
}
