import { preStopDelay } from "../advice/values.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/**
 * Behind a kube-proxy Service (`--front l4`), a client's keep-alive connection stays on the pod's nginx
 * until nginx closes it at its own stop signal; php-fpm that stops taking requests before then turns the
 * requests those clients still send into 502s. Behind an ingress (`l7`) no request reaches the pod after
 * propagation, so the timeline has no such window and this rule stays quiet.
 */
export const rule: Rule = {
  meta: {
    id: "fpm-stops-before-nginx",
    severity: "error",
    fixable: true,
    description:
      "Behind a kube-proxy Service, php-fpm stops taking requests while clients' keep-alive connections still bring them to nginx in the pod.",
    messages: {
      default:
        "front l4: clients' keep-alive connections stay on this pod's nginx ({{nginx}}) until it closes them at {{nginxClosesAt}}, but php-fpm ({{container}}) stops taking requests at {{closesAt}}: requests sent in between get 502.",
    },
    fix: {
      default:
        "Let php-fpm stop after nginx: a preStop on php-fpm at least as long as nginx's (`sleep: {seconds: {{seconds}}}`), or run php-fpm as a native sidecar, which stops after nginx by construction.",
    },
  },
  check(context) {
    const nginx = context.workload.containers.find((c) => c.role === "nginx");
    if (!nginx) return;
    for (const container of context.workload.containers) {
      if (container.role !== "fpm") continue;
      const window = context.windows("keepalive-pinned", container)[0];
      if (!window) continue;
      const seconds = Math.max(context.targets.preStopSeconds, Math.ceil(preStopDelay(nginx)));
      context.report({
        messageId: "default",
        fix: context.fixer.preStopSleep(container, { seconds }),
        container,
        loc: container.preStop?.loc ?? container.loc,
        data: {
          container: container.name,
          nginx: nginx.name,
          closesAt: fmt(context.timelineOf(container).closesAt),
          nginxClosesAt: fmt(window.to),
          seconds,
        },
      });
    }
  },
};
