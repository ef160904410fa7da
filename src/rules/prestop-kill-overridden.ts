import { fmt, preStopLoc, unknownStopSignal } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** A preStop that sends SIGQUIT is followed at once by the kubelet's stop signal; SIGTERM overrides the finish. */
export const rule: Rule = {
  meta: {
    id: "prestop-kill-overridden",
    severity: "error",
    fixable: true,
    description:
      "The preStop hook sends php-fpm SIGQUIT, but the kubelet's SIGTERM that follows overrides the graceful finish.",
    messages: {
      default:
        "preStop sends SIGQUIT at {{quitAt}}, then the stop signal {{signal}} arrives at {{at}} and overrides php-fpm's graceful finish: requests in flight get 502.",
    },
    fix: {
      default:
        "Let the stop signal do the work: the preStop only waits (`sleep: {seconds: N}` or `sleep N`, no kill), and php-fpm's stop signal is SIGQUIT (`STOPSIGNAL SIGQUIT`).",
    },
  },
  check(context) {
    for (const container of context.workload.containers.filter((c) => c.role === "fpm")) {
      const window = context.windows("fpm-quit-overridden", container)[0];
      if (!window) continue;
      const signals = context.timelineOf(container).signals.filter((s) => s.delivered);
      const quit = signals.find((s) => s.signal === "SIGQUIT");
      const override = signals.find((s) => s.at === window.from && s.signal !== "SIGQUIT");
      context.report({
        messageId: "default",
        container,
        restsOn: [override?.from === "stop-signal" ? unknownStopSignal(container) : undefined],
        fix:
          context.fixer.combine(context.fixer.preStopSleep(container), context.fixer.stopSignal(container)) ??
          context.fixer.drainIfNeeded(container),
        // Point at the kill that sends the SIGQUIT the stop signal then overrides.
        loc:
          (container.preStop?.kind === "exec"
            ? container.preStop.analysis.kills.find((k) => k.signal === "SIGQUIT")?.loc
            : undefined) ?? preStopLoc(container),
        data: { quitAt: fmt(quit?.at ?? 0), signal: override?.signal ?? "SIGTERM", at: fmt(window.from) },
      });
    }
  },
};
