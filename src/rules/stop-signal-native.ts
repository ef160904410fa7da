import { stopSignal } from "../model/effective.js";
import { supports } from "../model/features.js";
import { drainsWhenIdle } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** `lifecycle.stopSignal` (KEP-4960) sets the stop signal in the manifest: alpha in 1.33, behind a feature gate. */
export const rule: Rule = {
  meta: {
    id: "stop-signal-native",
    severity: "info",
    // Advice only: whether to move the stop signal into the manifest is the user's call.
    fixable: false,
    description:
      "Where the image's stop signal is not SIGQUIT, Kubernetes 1.33+ can set it in the pod spec (alpha).",
    messages: {
      default:
        "{{container}}'s stop signal is {{signal}} ({{because}}); on {{version}} with the ContainerStopSignals feature gate, `lifecycle.stopSignal: SIGQUIT` sets it without rebuilding the image (needs `spec.os.name: linux`).",
    },
    fix: {
      default:
        "Prefer `STOPSIGNAL SIGQUIT` in the image; where you cannot rebuild it and the gate is on, add `lifecycle: {stopSignal: SIGQUIT}` and `os: {name: linux}`.",
    },
  },
  check(context) {
    if (!supports(context.assumptions.kubeVersion, "lifecycleStopSignal")) return;
    for (const container of context.workload.containers.filter(
      (c) => c.role === "fpm" || c.role === "nginx",
    )) {
      const signal = stopSignal(container, context.assumptions.kubeVersion);
      if (signal.value === "SIGQUIT" || drainsWhenIdle(container)) continue;
      context.report({
        messageId: "default",
        container,
        loc: container.loc,
        data: {
          container: container.name,
          signal: signal.value,
          because: signal.because,
          version: context.assumptions.kubeVersion,
        },
      });
    }
  },
};
