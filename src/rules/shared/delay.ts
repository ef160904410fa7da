import type { Container } from "../../model/types.js";
import type { FailureWindow } from "../../timeline/types.js";
import type { Fix, RuleContext, Unknown } from "../types.js";

/**
 * The containers that stop taking new connections before endpoint removal has propagated, shared by
 * `prestop-delay-missing` and `prestop-delay-short`. nginx closing before php-fpm in the same pod is
 * `nginx-stops-first`'s to report.
 */
export function delayProblems(
  context: RuleContext,
): { container: Container; window: FailureWindow; hasDelay: boolean; restsOn: Unknown | undefined }[] {
  const out: {
    container: Container;
    window: FailureWindow;
    hasDelay: boolean;
    restsOn: Unknown | undefined;
  }[] = [];
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
    out.push({ container, window, hasDelay: delay > 0, restsOn: unmodelledFront(context, container) });
  }
  return out;
}

/**
 * php-fpm in a pod whose front is not nginx (Apache httpd, Caddy: a container of role `other` with ports)
 * gets its connections through that front, whose shutdown the model does not know: whether they fail
 * depends on when the front stops sending them.
 */
function unmodelledFront(context: RuleContext, container: Container): Unknown | undefined {
  if (container.role !== "fpm" || context.workload.containers.some((c) => c.role === "nginx"))
    return undefined;
  const front = context.workload.containers.find((c) => c.role === "other" && c.ports.length > 0);
  if (!front) return undefined;
  return {
    fact: `${container.name} is reached through ${front.name} (${front.image}), whose shutdown the model does not know`,
    settle: `if ${front.name} is nginx, declare it (\`fpm-graceful.io/role.${front.name}: nginx\`); otherwise give php-fpm the delay anyway, so that it outlives its front`,
  };
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
  return context.fixer.preStopSleep(container);
}
