import { preStopDelay } from "../advice/values.js";
import { nginxStopsFirst } from "./shared/delay.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** nginx that stops before php-fpm in the same pod refuses the connections that still arrive. */
export const rule: Rule = {
  meta: {
    id: "nginx-stops-first",
    severity: "error",
    fixable: true,
    description:
      "nginx in the pod stops taking connections before php-fpm and before endpoint removal has propagated.",
    messages: {
      default:
        "nginx ({{container}}) closes its listener at {{closesAt}}, before php-fpm ({{fpmClosesAt}}) and before endpoint removal has propagated ({{propagation}}): connections arriving in between are refused.",
    },
    fix: {
      default:
        "Give nginx a preStop at least as long as php-fpm's (`sleep: {seconds: {{seconds}}}`) and stop it with SIGQUIT, so it keeps serving until traffic has stopped and php-fpm has drained; or run php-fpm as a native sidecar, which stops after nginx by construction.",
    },
  },
  check(context) {
    const found = nginxStopsFirst(context);
    if (!found) return;
    const fpmDelay = Math.max(
      0,
      ...context.workload.containers.filter((c) => c.role === "fpm").map(preStopDelay),
    );
    const seconds = Math.max(context.targets.preStopSeconds, fpmDelay);
    context.report({
      messageId: "default",
      fix: context.fixer.preStopSleep(found.nginx, { seconds }),
      container: found.nginx,
      loc: found.nginx.preStop?.loc ?? found.nginx.loc,
      data: {
        container: found.nginx.name,
        closesAt: fmt(found.closesAt),
        fpmClosesAt: fmt(found.fpmClosesAt),
        propagation: fmt(context.assumptions.propagationSeconds),
        seconds,
      },
    });
  },
};
