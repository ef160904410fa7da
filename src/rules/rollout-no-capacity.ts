import { disruptionBudgetFix, rollingUpdateFix } from "../fix/plans.js";
import { resolveRolloutValue } from "../model/effective.js";
import type { Rule } from "./types.js";

/** A rollout that takes every serving pod down at once fails requests however graceful each pod is. */
export const rule: Rule = {
  meta: {
    id: "rollout-no-capacity",
    severity: "error",
    description: "The rollout or disruption settings leave no pod serving while pods restart.",
    messages: {
      recreate:
        "strategy Recreate stops every pod before the new ones start: every request fails until the new pods are ready.",
      allUnavailable:
        "maxUnavailable {{maxUnavailable}} lets the rollout take all {{replicas}} pods down at once.",
      singleReplica:
        "one replica with maxUnavailable {{maxUnavailable}}: the only pod is stopped before its replacement is ready.",
      noBudget:
        "no PodDisruptionBudget selects these pods: a node drain may evict all of them at once, which no preStop can make graceful.",
    },
    fix: {
      recreate: "Use `strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}`.",
      allUnavailable: "Set `maxUnavailable: 0` and `maxSurge: 1` (or 25%).",
      singleReplica: "Set `maxUnavailable: 0` and `maxSurge: 1`, or run at least 2 replicas.",
      noBudget: "Add a PodDisruptionBudget with `maxUnavailable: 1` and a selector matching the pod labels.",
    },
  },
  check(context) {
    const { workload } = context;
    if (workload.kind !== "Deployment" && workload.kind !== "StatefulSet" && workload.kind !== "ReplicaSet")
      return;
    if (!workload.containers.some((c) => c.role === "fpm" || c.role === "nginx")) return;
    const replicas = workload.replicas?.value ?? 1;
    const strategy = workload.strategy;
    const loc = strategy?.loc ?? workload.replicas?.loc ?? workload.loc;
    if (strategy?.type === "Recreate") {
      context.report({ messageId: "recreate", loc, data: {}, fix: rollingUpdateFix(workload) });
    } else if (strategy && workload.kind === "Deployment") {
      const unavailable = resolveRolloutValue(strategy.maxUnavailable, replicas, false, "25%");
      const data = { maxUnavailable: String(strategy.maxUnavailable ?? "25%"), replicas };
      if (replicas > 1 && unavailable >= replicas)
        context.report({ messageId: "allUnavailable", loc, data, fix: rollingUpdateFix(workload) });
      else if (replicas === 1 && unavailable >= 1)
        context.report({ messageId: "singleReplica", loc, data, fix: rollingUpdateFix(workload) });
    }
    if (replicas > 0 && workload.disruptionBudgets.length === 0) {
      context.report({
        messageId: "noBudget",
        loc: workload.loc,
        severity: "warning",
        data: {},
        fix: disruptionBudgetFix(workload),
      });
    }
  },
};
