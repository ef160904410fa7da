import { preStopSleepFix } from "../fix/plans.js";
import { versionAtLeast } from "../model/effective.js";
import type { Rule } from "./types.js";

/** `lifecycle.preStop.sleep` needs no shell or sleep binary in the image (KEP-3960; on by default from 1.30). */
export const rule: Rule = {
  meta: {
    id: "prestop-sleep-native",
    severity: "info",
    description:
      "An exec preStop that only sleeps can be the native `preStop.sleep`, which needs no shell in the image.",
    messages: {
      default:
        "This preStop only sleeps {{seconds}}s through an exec hook (the image needs `sleep`, and a shell for `sh -c`); Kubernetes {{version}} has the native `preStop.sleep` (beta and on by default from 1.30, GA in 1.34).",
    },
    fix: { default: "Replace it with `preStop: {sleep: {seconds: {{seconds}}}}`." },
  },
  check(context) {
    if (!versionAtLeast(context.assumptions.kubeVersion, "1.30")) return;
    for (const container of context.workload.containers) {
      const hook = container.preStop;
      if (hook?.kind !== "exec" || hook.analysis.opaque || hook.analysis.kills.length > 0) continue;
      if (!hook.analysis.durationSeconds) continue;
      context.report({
        messageId: "default",
        container,
        fix: preStopSleepFix(context.workload, container, context.targets, hook.analysis.durationSeconds),
        loc: hook.loc,
        data: { seconds: hook.analysis.durationSeconds, version: context.assumptions.kubeVersion },
      });
    }
  },
};
