import { fmt, hardStops, stopSignalLoc, unknownStopSignal } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** nginx's SIGTERM is a fast shutdown: proxied requests in flight are cut. */
export const rule: Rule = {
  meta: {
    id: "nginx-hard-stop",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description:
      "nginx is stopped with SIGTERM or SIGINT (fast shutdown), which cuts proxied requests in flight.",
    messages: {
      default:
        "nginx ({{container}}) gets {{signal}} at {{at}} ({{because}}): a fast shutdown, so requests in flight get an empty reply.",
    },
    fix: {
      default:
        "Stop nginx with SIGQUIT (graceful): `STOPSIGNAL SIGQUIT` in its Dockerfile (the official nginx image has it), or `lifecycle.stopSignal: SIGQUIT` on 1.33+. Not `nginx -s quit` in preStop: the stop signal that follows the hook (SIGTERM) turns nginx's graceful shutdown into a fast one.",
    },
  },
  check(context) {
    for (const { container, window, signal } of hardStops(context, "nginx", "nginx-terminated")) {
      context.report({
        messageId: "default",
        container,
        restsOn: [signal?.from === "stop-signal" ? unknownStopSignal(container) : undefined],
        fix: context.fixer.stopSignal(container),
        loc: stopSignalLoc(container),
        data: {
          container: container.name,
          signal: signal?.signal ?? "SIGTERM",
          at: fmt(window.from),
          because: signal?.note ?? "",
        },
      });
    }
  },
};
