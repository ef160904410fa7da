import { delayFix, delayProblems } from "./shared/delay.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** A preStop delay shorter than endpoint propagation leaves a window of failed new connections. */
export const rule: Rule = {
  meta: {
    id: "prestop-delay-short",
    severity: "warning",
    fixable: true,
    description:
      "The preStop delay is shorter than endpoint propagation, so new connections still arrive after the container stops.",
    messages: {
      default:
        "{{container}}'s preStop waits {{delay}}, but endpoint removal takes up to {{propagation}} (--propagation): connections arriving between {{closesAt}} and {{propagation}} fail ({{kind}}).",
    },
    fix: {
      default:
        "Wait at least the propagation budget in preStop: `sleep: {seconds: {{seconds}}}`, and raise terminationGracePeriodSeconds to match.",
    },
  },
  check(context) {
    for (const problem of delayProblems(context)) {
      if (!problem.hasDelay) continue;
      context.report({
        messageId: "default",
        container: problem.container,
        restsOn: [problem.restsOn],
        fix: delayFix(context, problem.container),
        loc: problem.container.preStop?.loc ?? problem.container.loc,
        data: {
          container: problem.container.name,
          delay: fmt(problem.window.from),
          closesAt: fmt(problem.window.from),
          propagation: fmt(context.assumptions.propagationSeconds),
          kind: problem.window.kind === "backlog" ? "php-fpm's backlog, then 502" : "refused, 502",
          seconds: context.targets.preStopSeconds,
        },
      });
    }
  },
};
