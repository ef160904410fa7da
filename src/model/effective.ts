import { parseFpmSeconds } from "../sources/ini.js";
import { settingsOf } from "./build.js";
import { supports } from "./features.js";
import type { Assumptions, ConfigSetting, Container, Signal, SourceLocation } from "./types.js";

/** A number the model uses, with the setting that decided it (or the assumption it fell back to). */
export interface Derived<T> {
  value: T;
  loc: SourceLocation | undefined;
  because: string;
  /** Set when the value could not be known (a `${VAR}` nothing defines): `value` is then an assumption. */
  unknown?: string;
}

/**
 * php-fpm expands `${VAR}` in its configuration from its environment (php-src `fpm_conf.c`,
 * `fpm_conf_expand_pool_name` / ini scanner): from the container's `env`, else the image's `ENV`.
 * Undefined, or set from a `valueFrom`, it cannot be known here.
 */
export function expandFpmValue(
  value: string,
  container: Container,
): { value: string; unknown?: string; expanded?: string } {
  if (!/\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(value)) return { value };
  let unknown: string | undefined;
  const expanded: string[] = [];
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const fromEnv = Object.hasOwn(container.env, name) ? container.env[name] : undefined;
    const fromImage = Object.hasOwn(container.imageFacts.env, name)
      ? container.imageFacts.env[name]
      : undefined;
    if (Object.hasOwn(container.env, name) && fromEnv === undefined) {
      unknown = `${name} is set from a valueFrom, known only when the pod runs`;
      return whole;
    }
    const found = fromEnv ?? fromImage;
    if (found === undefined) {
      unknown = `${name} is set neither in the container's env nor in its image's ENV (as far as the inputs show)`;
      return whole;
    }
    expanded.push(
      `${name}=${found} from ${fromEnv !== undefined ? "the container's env" : "the image's ENV"}`,
    );
    return found;
  });
  return unknown ? { value, unknown } : { value: out, expanded: expanded.join(", ") };
}

/**
 * php-fpm's effective `process_control_timeout`: the last one in a `[global]` section; php.ini copies and
 * pool entries do not count (php-fpm reads the directive only among its globals; `fpm_conf.c`). The
 * default is 0: on SIGQUIT the master terminates its workers at once.
 */
export function processControlTimeout(container: Container): Derived<number> {
  const global = settingsOf(container, "process_control_timeout").filter((s) => s.scope === "fpm-global");
  const last = global.at(-1);
  if (last) {
    const expanded = expandFpmValue(last.value, container);
    if (expanded.unknown) {
      return {
        value: 0,
        loc: last.loc,
        because: `process_control_timeout = ${last.value} (${last.via})`,
        unknown: expanded.unknown,
      };
    }
    const seconds = parseFpmSeconds(expanded.value);
    if (seconds !== undefined)
      return {
        value: seconds,
        loc: last.loc,
        because: `process_control_timeout = ${last.value}${expanded.expanded ? ` (${expanded.expanded})` : ""} (${last.via})`,
      };
  }
  const image = container.imageFacts.processControlTimeout;
  const fromImage = image ? parseFpmSeconds(expandFpmValue(image.value, container).value) : undefined;
  if (image && fromImage !== undefined) {
    return {
      value: fromImage,
      loc: undefined,
      because: `process_control_timeout = ${image.value} in the image's own php-fpm config (${image.source})`,
    };
  }
  return {
    value: 0,
    loc: undefined,
    because: "no [global] process_control_timeout reaches php-fpm: its default is 0",
  };
}

/**
 * The longest request php-fpm may run: the pool's `request_terminate_timeout` (wall clock), else php.ini's
 * `max_execution_time` (CPU time on Linux, so only a hint), else the `--max-request` assumption.
 */
export function longestRequest(container: Container | undefined, assumptions: Assumptions): Derived<number> {
  const fromSetting = (settings: ConfigSetting[], parse: (v: string) => number | undefined) => {
    const last = settings.at(-1);
    const value = last ? parse(last.value) : undefined;
    return last && value !== undefined && value > 0
      ? { value, loc: last.loc, because: `${last.key} = ${last.value} (${last.via})` }
      : undefined;
  };
  if (container) {
    const terminate = fromSetting(
      settingsOf(container, "request_terminate_timeout").filter((s) => s.scope === "fpm-pool"),
      parseFpmSeconds,
    );
    if (terminate) return terminate;
    const maxExecution = fromSetting(
      settingsOf(container, "max_execution_time").filter((s) => s.scope === "php-ini"),
      (v) => (/^\d+$/.test(v) ? Number(v) : undefined),
    );
    if (maxExecution) return maxExecution;
  }
  return {
    value: assumptions.maxRequestSeconds,
    loc: undefined,
    because: `--max-request ${assumptions.maxRequestSeconds}s (assumed)`,
  };
}

/**
 * The signal the runtime sends a container after its preStop: `lifecycle.stopSignal` where the target
 * version has it (1.33+, feature-gated), else the image's STOPSIGNAL (Dockerfile or known image), else
 * SIGTERM.
 */
export function stopSignal(container: Container, kubeVersion: string): Derived<Signal | string> {
  const lifecycle = container.lifecycleStopSignal;
  if (lifecycle && supports(kubeVersion, "lifecycleStopSignal")) {
    return { value: lifecycle.value, loc: lifecycle.loc, because: `lifecycle.stopSignal ${lifecycle.value}` };
  }
  const image = container.imageFacts.stopSignal;
  if (image.loc) return { value: image.value, loc: image.loc, because: `STOPSIGNAL ${image.value}` };
  return { value: image.value, loc: undefined, because: (image as { assumed: string }).assumed };
}

export { versionAtLeast } from "./features.js";

/** Resolves an intOrString rollout field (`1`, `"25%"`) against the replicas, as the Deployment controller does. */
export function resolveRolloutValue(
  value: string | number | undefined,
  replicas: number,
  roundUp: boolean,
  fallback: string,
): number {
  const v = value ?? fallback;
  if (typeof v === "number") return v;
  const percent = v.match(/^(\d+)%$/);
  if (!percent?.[1]) return Number(v) || 0;
  const exact = (Number(percent[1]) / 100) * replicas;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
