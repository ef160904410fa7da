import { GRACE_MARGIN_SECONDS } from "../advice/values.js";
import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** SIGKILL at the end of the grace period cuts whatever is still running. */
export const rule: Rule = {
  meta: {
    id: "grace-period-short",
    severity: "error",
    fixable: true,
    description:
      "terminationGracePeriodSeconds ends before the preStop delay and php-fpm's drain, so SIGKILL cuts requests.",
    messages: {
      default:
        "The grace period ({{grace}}) ends before {{container}} has finished: SIGKILL at {{at}} cuts requests still in flight. It must cover the preStop ({{preStop}}) and the drain ({{drain}}) plus a margin.",
      sleepTooLong:
        "preStop sleeps {{preStop}}, longer than terminationGracePeriodSeconds {{grace}}: the API server rejects the pod (`must be less than terminationGracePeriodSeconds`).",
    },
    fix: {
      default:
        "Set `terminationGracePeriodSeconds: {{seconds}}` (preStop + process_control_timeout + a few seconds).",
      sleepTooLong: "Set `terminationGracePeriodSeconds: {{seconds}}` or shorten the preStop sleep.",
    },
  },
  check(context) {
    const { workload, timeline } = context;
    const loc = workload.gracePeriodSeconds?.loc ?? workload.loc;
    for (const container of workload.containers) {
      const hook = container.preStop;
      if (hook?.kind === "sleep" && hook.seconds > timeline.gracePeriodSeconds) {
        // The API rejects a preStop.sleep longer than the grace period: the grace period must cover it.
        const seconds = Math.max(context.targets.gracePeriodSeconds, hook.seconds + GRACE_MARGIN_SECONDS);
        context.report({
          messageId: "sleepTooLong",
          fix: context.fixer.gracePeriod(seconds),
          container,
          loc,
          data: {
            preStop: fmt(hook.seconds),
            grace: fmt(timeline.gracePeriodSeconds),
            seconds,
          },
        });
        continue;
      }
      const window = context.windows("sigkill", container)[0];
      // A shell PID 1 drops the stop signal, so any grace period ends in SIGKILL: pid1-wrapper says why.
      if (!window || container.pid1.form === "shell-wrapper") continue;
      const t = context.timelineOf(container);
      const drain =
        container.role === "fpm" ? (t.processControlTimeoutSeconds ?? 0) : timeline.longestRequestSeconds;
      context.report({
        messageId: "default",
        fix: context.fixer.gracePeriod(),
        container,
        loc,
        data: {
          grace: fmt(timeline.gracePeriodSeconds),
          container: container.name,
          at: fmt(window.from),
          preStop: fmt(t.stopSignalAt),
          drain: fmt(drain),
          seconds: context.targets.gracePeriodSeconds,
        },
      });
    }
  },
};
