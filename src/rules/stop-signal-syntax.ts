import { isSignalSpelling } from "../timeline/timeline.js";
import type { Rule } from "./types.js";

/** The spelling a runtime parses: `QUIT` → `SIGQUIT`. */
function respelled(value: string): string {
  return `SIG${value.toUpperCase().replace(/^SIG/, "")}`;
}

/** containerd parses stop signals only as `SIGNAME` or a number; `STOPSIGNAL QUIT` makes the kill fail. */
export const rule: Rule = {
  meta: {
    id: "stop-signal-syntax",
    severity: "error",
    fixable: true,
    appliesToImages: true,
    description:
      "The stop signal is spelled without SIG (`QUIT`), which containerd cannot parse: the container is never signalled.",
    messages: {
      default:
        "stop signal `{{value}}` is not spelled as the runtime parses it (`SIGNAME` or a number): containerd fails with `failed to parse stop signal`, the kubelet reports FailedKillPod, and {{container}} is never told to stop.",
    },
    fix: {
      default:
        "Spell it `{{respelled}}` (`STOPSIGNAL {{respelled}}` in the Dockerfile, or `lifecycle.stopSignal: {{respelled}}`).",
    },
  },
  check(context) {
    for (const container of context.workload.containers) {
      const written =
        container.lifecycleStopSignal ??
        (container.imageFacts.stopSignal.loc ? container.imageFacts.stopSignal : undefined);
      if (!written?.loc || isSignalSpelling(String(written.value))) continue;
      context.report({
        messageId: "default",
        container,
        loc: written.loc,
        fix: context.fixer.respellStopSignal(container),
        data: {
          value: String(written.value),
          container: container.name,
          respelled: respelled(String(written.value)),
        },
      });
    }
  },
};
