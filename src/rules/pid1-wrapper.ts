import type { Container } from "../model/types.js";
import { servingContainers } from "./shared/helpers.js";
import type { Rule, Unknown } from "./types.js";

/** busybox's ash and bash exec a `-c` script's last command; Debian's dash keeps it as a child. */
function unknownShell(container: Container): Unknown {
  return {
    fact: `the /bin/sh of ${container.name}'s image ${container.image} is unknown: dash (Debian, Ubuntu) keeps the script's last command as its child, busybox's ash (Alpine) and bash exec it`,
    settle: `link the image's Dockerfile (\`--dockerfile ${container.name}=PATH\`), or write \`exec\` before the last command, which is right in every shell`,
  };
}

/**
 * A shell as PID 1 that does not exec the server drops the signals meant for it. Which shells exec a `-c`
 * script's last command on their own is settled in the model (`pid1.form`); where the image's /bin/sh is
 * unknown the finding rests on it.
 */
export const rule: Rule = {
  meta: {
    id: "pid1-wrapper",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description:
      "PID 1 is a shell that does not exec php-fpm or nginx, so stop signals are dropped and the pod is SIGKILLed.",
    messages: {
      default:
        "PID 1 of {{container}} is a shell (`{{command}}`) that keeps {{server}} as its child: the kernel drops SIGTERM and SIGQUIT sent to a PID 1 without a handler, so {{server}} never drains and is SIGKILLed when the grace period ends.",
    },
    fix: {
      default:
        'Make the server PID 1: `exec {{server}} …` at the end of the script, or an exec-form `CMD ["{{server}}", …]` / `command: ["{{server}}", …]`.',
    },
  },
  check(context) {
    for (const container of servingContainers(context.workload)) {
      if (container.pid1.form !== "shell-wrapper") continue;
      context.report({
        messageId: "default",
        container,
        restsOn: [container.pid1.shellUnknown ? unknownShell(container) : undefined],
        fix: context.fixer.execServer(container),
        loc: container.pid1.loc ?? container.loc,
        data: {
          container: container.name,
          command: container.pid1.command,
          server: container.role === "fpm" ? "php-fpm" : "nginx",
        },
      });
    }
  },
};
