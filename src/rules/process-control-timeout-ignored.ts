import { fmt } from "./shared/helpers.js";
import type { Rule } from "./types.js";

/** process_control_timeout is read only among php-fpm's globals: in php.ini it does nothing, in a pool fpm won't start. */
export const rule: Rule = {
  meta: {
    id: "process-control-timeout-ignored",
    appliesToImages: true,
    severity: "error",
    fixable: true,
    description:
      "process_control_timeout is written where php-fpm does not read it (php.ini, or a pool section).",
    messages: {
      phpIni:
        "process_control_timeout = {{value}} is written to php.ini ({{via}}), where php-fpm never reads it: `php-fpm -tt` still prints 0s, and SIGQUIT kills requests at once.",
      pool: "process_control_timeout = {{value}} stands in pool section [{{section}}] ({{via}}): it is a global option, and php-fpm refuses to start (`unknown entry 'process_control_timeout'`).",
    },
    fix: {
      phpIni:
        "Move it into php-fpm's own config under `[global]`, e.g. a file `{{file}}` containing `[global]` and `process_control_timeout = {{seconds}}s` (at least the longest request, {{longest}}).",
      pool: "Open a `[global]` section before it: `[global]` then `process_control_timeout = {{seconds}}s` (an included file carries the previous file's pool section over).",
    },
  },
  check(context) {
    for (const container of context.workload.containers.filter((c) => c.role === "fpm")) {
      for (const setting of container.settings.filter(
        (s) => s.key === "process_control_timeout" && s.scope !== "fpm-global",
      )) {
        context.report({
          messageId: setting.scope === "php-ini" ? "phpIni" : "pool",
          container,
          fix: context.fixer.processControlTimeout(container),
          loc: setting.loc,
          data: {
            value: setting.value,
            via: setting.via,
            section: setting.section ?? "?",
            seconds: context.targets.processControlTimeoutSeconds,
            longest: fmt(context.timeline.longestRequestSeconds),
            file: `${container.imageFacts.fpmConfigDir?.value ?? "/usr/local/etc/php-fpm.d"}/zz-graceful.conf`,
          },
        });
      }
    }
  },
};
