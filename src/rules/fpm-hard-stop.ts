import { fmt, hardStops, stopSignalLoc, unknownStopSignal } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** php-fpm stopped with SIGTERM/SIGINT terminates every worker at once: in-flight requests get 502. */
export const rule: Rule = {
  meta: {
    id: "fpm-hard-stop",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description: "php-fpm is stopped with SIGTERM or SIGINT, which kills its workers mid-request.",
    messages: {
      default:
        "php-fpm gets {{signal}} at {{at}} ({{because}}): every worker is terminated at once and requests in flight get 502.",
    },
    fix: {
      default:
        "Stop php-fpm with SIGQUIT: `STOPSIGNAL SIGQUIT` in its Dockerfile (or `lifecycle.stopSignal: SIGQUIT` on Kubernetes 1.33+ with the ContainerStopSignals gate), and give it a process_control_timeout.",
    },
  },
  check(context) {
    for (const { container, window, signal } of hardStops(context, "fpm", "fpm-terminated")) {
      context.report({
        messageId: "default",
        container,
        restsOn: [signal?.from === "stop-signal" ? unknownStopSignal(container) : undefined],
        fix:
          signal?.from === "preStop"
            ? context.fixer.preStopSleep(container)
            : (context.fixer.stopSignal(container) ?? context.fixer.drainIfNeeded(container)),
        loc:
          signal?.from === "preStop" ? (container.preStop?.loc ?? container.loc) : stopSignalLoc(container),
        data: { signal: signal?.signal ?? "SIGTERM", at: fmt(window.from), because: signal?.note ?? "" },
      });
    }
  },
};
