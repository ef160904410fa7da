import { stopSignal } from "../model/effective.js";
import { execScript } from "../model/shell.js";
import type { Rule } from "./types.js";

/** dash, Debian's /bin/sh, rejects `kill -SIGQUIT`: the signal is never sent. */
export const rule: Rule = {
  meta: {
    id: "prestop-kill-syntax",
    severity: "error",
    fixable: true,
    description:
      "The preStop hook's `kill -SIGQUIT` fails in dash (`Illegal option -S`), so php-fpm is never signalled.",
    messages: {
      rejected:
        "`kill {{spelling}}` fails in {{shell}} ({{basis}}): `kill: Illegal option -S`, exit 2; the signal is never sent.",
      unknownShell:
        "`kill {{spelling}}` fails where /bin/sh is dash (Debian-based images, the official php:*-fpm among them): the signal would never be sent.",
    },
    fix: {
      rejected:
        "Write `kill -QUIT 1` (or `kill -s QUIT 1`), which dash, busybox and bash all accept; better, let the stop signal SIGQUIT do it and keep only the sleep.",
      unknownShell: "Write `kill -QUIT 1` (or `kill -s QUIT 1`), which every shell accepts.",
    },
  },
  check(context) {
    for (const container of context.workload.containers) {
      const hook = container.preStop;
      if (hook?.kind !== "exec") continue;
      const declared = execScript(hook.command).shell;
      const fromImage = declared === "image" || declared === "none";
      const shell = fromImage ? container.imageFacts.shell : declared;
      // An explicit `dash -c` decides the shell whatever the image: say so rather than cite the image.
      const basis = fromImage ? container.imageFacts.basis : `the hook runs \`${hook.command[0]} -c\``;
      for (const kill of hook.analysis.kills) {
        if (kill.rejectedBy.length === 0) continue;
        if (shell === "busybox" || shell === "bash") continue;
        const messageId = kill.rejectedBy.includes(shell) ? "rejected" : "unknownShell";
        context.report({
          messageId,
          container,
          // Without the kill, the stop signal does the work: only safe where it is SIGQUIT.
          fix:
            stopSignal(container, context.assumptions.kubeVersion).value === "SIGQUIT"
              ? context.fixer.preStopSleep(container)
              : undefined,
          loc: kill.loc ?? hook.loc,
          severity: messageId === "rejected" ? "error" : "warning",
          data: { spelling: kill.spelling, shell, basis },
        });
      }
    }
  },
};
