import { resolveRolloutValue } from "../model/effective.js";
import type { Rule } from "./types.js";

/** A rollout that takes every serving pod down at once fails requests however graceful each pod is. */
export const rule: Rule = {
  meta: {
    id: "rollout-no-capacity",
    severity: "error",
    fixable: true,
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
      volume:
        "{{setting}}; but the pod mounts PersistentVolumeClaim {{claim}} ({{access}}): a surging rollout's new pod could not attach it while the old pod still holds it, and the rollout would hang, so no surge is written for it.",
    },
    fix: {
      recreate: "Use `strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}`.",
      allUnavailable: "Set `maxUnavailable: 0` and `maxSurge: 1` (or 25%).",
      singleReplica: "Set `maxUnavailable: 0` and `maxSurge: 1`, or run at least 2 replicas.",
      noBudget: "Add a PodDisruptionBudget with `maxUnavailable: 1` and the workload's own selector.",
      volume:
        "Either accept the downtime at each rollout, or move the data to a volume many pods can mount (ReadWriteMany, object storage) and then use `RollingUpdate` with `maxSurge: 1, maxUnavailable: 0`.",
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
    // A volume only one node can attach (ReadWriteOnce, or a claim whose mode the inputs do not show)
    // cannot follow a surging pod: switching such a Deployment to surge would hang its rollouts.
    const single = workload.persistentClaims.find(
      (c) => !c.accessModes || c.accessModes.some((m) => m === "ReadWriteOnce" || m === "ReadWriteOncePod"),
    );
    const surge = (messageId: string, data: Record<string, string | number>, setting: string) =>
      single && workload.kind === "Deployment"
        ? context.report({
            messageId: "volume",
            loc,
            data: {
              ...data,
              setting,
              claim: single.name,
              access: single.accessModes ? single.accessModes.join(", ") : "access mode not among the inputs",
            },
          })
        : context.report({ messageId, loc, data, fix: context.fixer.rollingUpdate() });
    if (strategy?.type === "Recreate") {
      surge("recreate", {}, "strategy Recreate stops every pod before the new ones start");
    } else if (strategy && workload.kind === "Deployment") {
      const unavailable = resolveRolloutValue(strategy.maxUnavailable, replicas, false, "25%");
      const data = { maxUnavailable: String(strategy.maxUnavailable ?? "25%"), replicas };
      if (replicas > 1 && unavailable >= replicas)
        surge(
          "allUnavailable",
          data,
          `maxUnavailable ${data.maxUnavailable} lets the rollout take all ${replicas} pods down at once`,
        );
      else if (replicas === 1 && unavailable >= 1)
        surge("singleReplica", data, "one replica whose rollout stops it before its replacement is ready");
    }
    if (replicas > 0 && workload.disruptionBudgets.length === 0) {
      context.report({
        messageId: "noBudget",
        loc: workload.loc,
        severity: "warning",
        data: {},
        fix: context.fixer.disruptionBudget(),
      });
    }
  },
};
