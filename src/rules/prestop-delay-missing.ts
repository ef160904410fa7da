import { delayFix, delayProblems } from "./shared/delay.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** Without a preStop delay, a container stops while endpoints still send it new connections. */
export const rule: Rule = {
  meta: {
    id: "prestop-delay-missing",
    severity: "error",
    fixable: true,
    description:
      "The container has no preStop delay, so it stops serving while endpoints still route new connections to it.",
    messages: {
      default:
        "{{container}} has no preStop delay: it stops taking connections at {{closesAt}}, but endpoint removal takes up to {{propagation}} to reach kube-proxy and ingress, so new connections in between fail ({{kind}}).",
    },
    fix: {
      default:
        'Add a preStop that only waits: `lifecycle: {preStop: {sleep: {seconds: {{seconds}}}}}` (Kubernetes 1.30+), or `exec: {command: [sleep, "{{seconds}}"]}`; keep the grace period above it.',
    },
  },
  check(context) {
    for (const problem of delayProblems(context)) {
      if (problem.hasDelay) continue;
      context.report({
        messageId: "default",
        container: problem.container,
        restsOn: [problem.restsOn],
        fix: delayFix(context, problem.container),
        loc: problem.container.loc,
        data: {
          container: problem.container.name,
          closesAt: fmt(problem.window.from),
          propagation: fmt(context.assumptions.propagationSeconds),
          kind:
            problem.window.kind === "backlog" ? "they wait in php-fpm's backlog, then 502" : "refused, 502",
          seconds: context.targets.preStopSeconds,
        },
      });
    }
  },
};
