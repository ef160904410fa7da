import { longestRequest, processControlTimeout } from "../model/effective.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** A drain shorter than the longest request kills the long requests when it ends. */
export const rule: Rule = {
  meta: {
    id: "process-control-timeout-short",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description:
      "process_control_timeout is shorter than the longest request, so long requests are killed at its end.",
    messages: {
      default:
        "process_control_timeout {{pct}} is shorter than the longest request {{longest}} ({{because}}): requests still running when it ends are killed (502).",
    },
    fix: {
      default:
        "Raise it to at least the longest request: `process_control_timeout = {{seconds}}s`, and the grace period with it.",
    },
  },
  check(context) {
    for (const container of context.workload.containers.filter((c) => c.role === "fpm")) {
      if (context.windows("fpm-drain-timeout", container).length === 0) continue;
      const pct = processControlTimeout(container);
      const longest = longestRequest(container, context.assumptions);
      context.report({
        messageId: "default",
        container,
        fix: context.fixer.processControlTimeout(container),
        loc: pct.loc ?? container.loc,
        data: {
          pct: fmt(pct.value),
          longest: fmt(longest.value),
          because: longest.because,
          seconds: context.targets.processControlTimeoutSeconds,
        },
      });
    }
  },
};
