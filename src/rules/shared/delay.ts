import { preStopSleepFix } from "../../fix/plans.js";
import type { Fix } from "../../fix/types.js";
import type { Container } from "../../model/types.js";
import type { FailureWindow } from "../../timeline/types.js";
import type { RuleContext } from "../types.js";

/**
 * The containers that stop taking new connections before endpoint removal has propagated, shared by
 * `prestop-delay-missing` and `prestop-delay-short`. nginx closing before php-fpm in the same pod is
 * `nginx-stops-first`'s to report.
 */
export function delayProblems(
  context: RuleContext,
): { container: Container; window: FailureWindow; hasDelay: boolean }[] {
  const out: { container: Container; window: FailureWindow; hasDelay: boolean }[] = [];
  const windows = [
    ...context.windows("closed-before-propagation"),
    ...context.windows("fpm-closed-behind-nginx"),
  ];
  for (const window of windows) {
    const container = context.workload.containers.find((c) => c.name === window.container);
    if (!container) continue;
    if (container.role === "nginx" && nginxStopsFirst(context)) continue;
    const hook = container.preStop;
    const delay =
      hook?.kind === "sleep" ? hook.seconds : hook?.kind === "exec" ? hook.analysis.delaySeconds : 0;
    out.push({ container, window, hasDelay: delay > 0 });
  }
  return out;
}

/** In a pod with both, nginx closes its listener before the propagation budget and before php-fpm does. */
export function nginxStopsFirst(
  context: RuleContext,
): { nginx: Container; closesAt: number; fpmClosesAt: number } | undefined {
  const nginx = context.workload.containers.find((c) => c.role === "nginx");
  const fpm = context.workload.containers.find((c) => c.role === "fpm");
  if (!nginx || !fpm) return undefined;
  const n = context.timelineOf(nginx);
  const f = context.timelineOf(fpm);
  if (n.closesAt < context.assumptions.propagationSeconds && n.closesAt < f.closesAt) {
    return { nginx, closesAt: n.closesAt, fpmClosesAt: f.closesAt };
  }
  return undefined;
}

/** The preStop fix of a delay finding: a sleep, unless the hook also kills (the kill rules fix those). */
export function delayFix(context: RuleContext, container: Container): Fix | undefined {
  const hook = container.preStop;
  if (hook?.kind === "exec" && hook.analysis.kills.length > 0) return undefined;
  return preStopSleepFix(context.workload, container, context.targets);
}
