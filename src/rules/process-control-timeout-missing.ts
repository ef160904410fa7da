import { type Derived, processControlTimeout } from "../model/effective.js";
import { imageKnowledge } from "../model/identity/images.js";
import type { Container } from "../model/types.js";
import { drainsWhenIdle } from "./shared/helpers.js";
import type { Rule, Unknown } from "./types.js";

/** An image the tool does not know, with no Dockerfile among the inputs, may ship its own `[global]`. */
function unseenImageConfig(container: Container): Unknown | undefined {
  if (container.imageFacts.dockerfile || imageKnowledge(container.image).known) return undefined;
  return {
    fact: `the php-fpm config inside image ${container.image} is unseen (not in the image table, no Dockerfile linked)`,
    settle: `link its Dockerfile (\`--dockerfile ${container.name}=PATH\`), or give its php-fpm config on the command line`,
  };
}

function pctUnknown(pct: Derived<number>): Unknown | undefined {
  return pct.unknown
    ? {
        fact: `${pct.because}: ${pct.unknown}`,
        settle: "set the variable in the container's env, or write the value",
      }
    : undefined;
}

/** Without process_control_timeout, SIGQUIT makes php-fpm's master terminate its workers at once. */
export const rule: Rule = {
  meta: {
    id: "process-control-timeout-missing",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description: "php-fpm's process_control_timeout is 0, so even SIGQUIT terminates its workers at once.",
    messages: {
      default:
        "{{because}}: on SIGQUIT php-fpm's master sends its workers SIGTERM within milliseconds, so requests in flight get 502.",
      unseen:
        "no process_control_timeout is seen among the inputs, but {{unseen}} is not among them and may set it; if it does not, SIGQUIT kills requests in flight at once.",
    },
    fix: {
      unseen:
        "Check that ConfigMap too (`fpm-graceful check` with its manifest), or set `process_control_timeout = {{seconds}}s` under `[global]` in it.",
      default:
        "Set `process_control_timeout = {{seconds}}s` (at least the longest request, {{longest}}) in a `[global]` section of php-fpm's own config: php-fpm.conf, or a php-fpm.d/*.conf file that opens with `[global]`. Not in php.ini.",
    },
  },
  check(context) {
    for (const container of context.workload.containers.filter((c) => c.role === "fpm")) {
      const pct = processControlTimeout(container);
      if (pct.value > 0 || drainsWhenIdle(container)) continue;
      // When a copy sits where php-fpm does not read it, `process-control-timeout-ignored` explains why;
      // an explicit `process_control_timeout = 0` in [global] is read, and is as bad as none.
      if (pct.loc === undefined && container.settings.some((s) => s.key === "process_control_timeout"))
        continue;
      // A Dockerfile given alone says nothing of php-fpm's config: only configs given alone are judged.
      if (context.workload.kind === "Image" && !container.settings.some((s) => s.scope.startsWith("fpm")))
        continue;
      const global = container.settings.find((s) => s.scope === "fpm-global");
      const unseen = pct.loc === undefined ? container.unseenConfigs[0] : undefined;
      context.report({
        messageId: unseen ? "unseen" : "default",
        ...(unseen ? { severity: "warning" as const } : {}),
        restsOn: [pct.loc === undefined ? unseenImageConfig(container) : undefined, pctUnknown(pct)],
        container,
        fix: unseen
          ? undefined
          : (context.fixer.processControlTimeout(container) ?? context.fixer.drainIfNeeded(container)),
        loc: pct.loc ?? global?.loc ?? container.imageFacts.stopSignal.loc ?? container.loc,
        data: {
          because: pct.because,
          seconds: context.targets.processControlTimeoutSeconds,
          longest: `${context.timeline.longestRequestSeconds}s`,
          unseen: unseen ?? "",
        },
      });
    }
  },
};
