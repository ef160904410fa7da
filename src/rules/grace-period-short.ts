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
      unstopped:
        "{{container}}'s stop signal reaches nothing ({{because}}), so it runs until SIGKILL at {{at}}, the end of the grace period ({{grace}}): requests still in flight then are cut. The grace period must outlast the propagation ({{propagation}}) and the longest request ({{longest}}) plus a margin.",
      sleepTooLong:
        "preStop sleeps {{preStop}}, longer than terminationGracePeriodSeconds {{grace}}: the API server rejects the pod (`must be less than terminationGracePeriodSeconds`).",
    },
    fix: {
      default:
        "Set `terminationGracePeriodSeconds: {{seconds}}` (preStop + process_control_timeout + a few seconds).",
      sleepTooLong: "Set `terminationGracePeriodSeconds: {{seconds}}` or shorten the preStop sleep.",
      unstopped:
        "Set `terminationGracePeriodSeconds: {{seconds}}`; each pod then takes the whole grace period to stop, until its image stops on its signal.",
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
      // Nothing but SIGKILL reaches it (a supervisor PID 1 that ignores the image's stop signal).
      const unstopped = t.signals.find((x) => x.from === "stop-signal" && !x.delivered);
      if (unstopped && !t.signals.some((x) => x.delivered && x.signal !== "SIGKILL")) {
        const needed =
          Math.ceil(context.assumptions.propagationSeconds) +
          Math.ceil(timeline.longestRequestSeconds) +
          GRACE_MARGIN_SECONDS;
        const seconds = Math.max(context.targets.gracePeriodSeconds, needed);
        context.report({
          messageId: "unstopped",
          fix: context.fixer.gracePeriod(seconds),
          container,
          loc,
          data: {
            container: container.name,
            because: unstopped.note,
            at: fmt(window.from),
            grace: fmt(timeline.gracePeriodSeconds),
            propagation: fmt(context.assumptions.propagationSeconds),
            longest: fmt(timeline.longestRequestSeconds),
            seconds,
          },
        });
        continue;
      }
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
