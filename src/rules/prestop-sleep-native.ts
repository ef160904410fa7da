import { supports } from "../model/features.js";
import { execScript } from "../model/shell.js";
import type { Rule } from "./types.js";

/** `lifecycle.preStop.sleep` needs no shell or sleep binary in the image (KEP-3960; on by default from 1.30). */
export const rule: Rule = {
  meta: {
    id: "prestop-sleep-native",
    severity: "info",
    fixable: true,
    description:
      "An exec preStop that only sleeps can be the native `preStop.sleep`, which needs no shell in the image.",
    messages: {
      shell:
        "This preStop only sleeps {{seconds}}s through an exec hook (the image needs a shell and `sleep`); Kubernetes {{version}} has the native `preStop.sleep` (beta and on by default from 1.30, GA in 1.34).",
      binary:
        "This preStop only sleeps {{seconds}}s through an exec hook (the image needs a `sleep` binary); Kubernetes {{version}} has the native `preStop.sleep` (beta and on by default from 1.30, GA in 1.34).",
    },
    fix: {
      shell: "Replace it with `preStop: {sleep: {seconds: {{seconds}}}}`.",
      binary: "Replace it with `preStop: {sleep: {seconds: {{seconds}}}}`.",
    },
  },
  check(context) {
    if (!supports(context.assumptions.kubeVersion, "preStopSleep")) return;
    for (const container of context.workload.containers) {
      const hook = container.preStop;
      if (hook?.kind !== "exec" || hook.analysis.opaque || hook.analysis.kills.length > 0) continue;
      if (!hook.analysis.durationSeconds) continue;
      context.report({
        messageId: execScript(hook.command).shell === "none" ? "binary" : "shell",
        container,
        fix: context.fixer.preStopSleep(container, {
          seconds: hook.analysis.durationSeconds,
          drainWhenNeeded: false,
        }),
        loc: hook.loc,
        data: { seconds: hook.analysis.durationSeconds, version: context.assumptions.kubeVersion },
      });
    }
  },
};
