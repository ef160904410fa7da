import { readinessProbeFix } from "../fix/plans.js";
import type { Workload } from "../model/types.js";
import { servesTraffic, servingContainers } from "./shared/helpers.js";

function nginxProbesOverHttp(workload: Workload): boolean {
  return workload.containers.some((c) => c.role === "nginx" && c.readinessProbe?.kind === "httpGet");
}

import type { Rule } from "./types.js";

/** Without a readiness probe, a new pod gets traffic before php-fpm or nginx listens. */
export const rule: Rule = {
  meta: {
    id: "readiness-probe-missing",
    severity: "warning",
    description:
      "A serving container has no readiness probe, so new pods get traffic before they can answer it.",
    messages: {
      default:
        "{{container}} has no readinessProbe: during a rollout the new pod is added to the endpoints as soon as it starts, before {{server}} listens, and its first connections are refused.",
    },
    fix: {
      default:
        "Add `readinessProbe: {tcpSocket: {port: {{port}}}, periodSeconds: 2}` (or an httpGet on a cheap page).",
    },
  },
  check(context) {
    if (!servesTraffic(context.workload)) return;
    for (const container of servingContainers(context.workload)) {
      if (container.readinessProbe) continue;
      // A pod is Ready only when every container is: nginx's HTTP probe, answered through php-fpm, covers it.
      if (container.role === "fpm" && nginxProbesOverHttp(context.workload)) continue;
      context.report({
        messageId: "default",
        container,
        fix: readinessProbeFix(context.workload, container),
        loc: container.loc,
        data: {
          container: container.name,
          server: container.role === "fpm" ? "php-fpm" : "nginx",
          port: container.ports[0] ?? (container.role === "fpm" ? 9000 : 80),
        },
      });
    }
  },
};
