/**
 * Turns the `fpm-graceful rehearse` flag values into `RehearseOptions`. Durations (`--propagation`,
 * `--jitter`) arrive already parsed by the shared `durationOption` (`5s`, `1500ms`, a bare number is
 * seconds); the rest arrive as strings. Never throws: every bad value becomes a problem naming its flag, for
 * the CLI to print and exit 2.
 *
 * @example
 * const { options, problems } = parseRehearseFlags({ strategy: "naive,recommended", propagation: 1.5 });
 */
import { DEFAULT_ASSUMPTIONS, type Front } from "../model/types.js";
import type { MixEntry } from "../rehearse/load.js";
import type { RehearseOptions } from "../rehearse/run.js";
import { STRATEGY_NAMES, type StrategyName } from "../rehearse/strategies.js";

export interface RehearseFlagValues {
  strategy?: string | string[];
  /** Seconds, from `durationOption`. */
  propagation?: number;
  /** Seconds, from `durationOption`. */
  jitter?: number;
  replicas?: string;
  restarts?: string;
  rps?: string;
  mix?: string;
  shell?: string;
  topology?: string;
  seedStopSignal?: string;
  front?: string;
  format?: string;
  json?: boolean;
  output?: string;
  report?: string;
  phpFpm?: string;
  nginx?: string;
}

export type RehearseFormat = "text" | "json";

export interface ParsedRehearseFlags {
  options: RehearseOptions | undefined;
  format: RehearseFormat;
  output: string | undefined;
  report: string | undefined;
  problems: string[];
}

/** One default propagation for every command: the model's (`DEFAULT_ASSUMPTIONS`). */
export const REHEARSE_DEFAULTS = {
  strategy: "naive,seed,recommended",
  propagationSeconds: DEFAULT_ASSUMPTIONS.propagationSeconds,
  replicas: "3",
  restarts: "1",
  rps: "50",
  mix: "90%:50ms,10%:12s",
  topology: "separate",
  front: DEFAULT_ASSUMPTIONS.front,
} as const;

export function parseRehearseFlags(values: RehearseFlagValues): ParsedRehearseFlags {
  const problems: string[] = [];
  const number = (flag: string, raw: string, min: number, max: number, integer = false): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      problems.push(
        `--${flag} ${JSON.stringify(raw)}: expected ${integer ? "an integer" : "a number"} from ${min} to ${max}`,
      );
      return min;
    }
    return value;
  };
  const seconds = (flag: string, value: number, max: number): number => {
    if (value > max) {
      problems.push(`--${flag} ${value}s: expected a duration up to ${max}s`);
      return max;
    }
    return value;
  };
  const strategyText = [values.strategy ?? REHEARSE_DEFAULTS.strategy].flat().join(",");
  const strategies: StrategyName[] = [];
  for (const name of strategyText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if ((STRATEGY_NAMES as readonly string[]).includes(name)) strategies.push(name as StrategyName);
    else
      problems.push(
        `--strategy ${JSON.stringify(name)}: expected one of ${STRATEGY_NAMES.join(", ")} (manifests need a PATH)`,
      );
  }
  const shell = values.shell;
  if (shell !== undefined && shell !== "dash" && shell !== "busybox")
    problems.push(`--shell ${JSON.stringify(shell)}: expected dash or busybox`);
  const topology = values.topology ?? REHEARSE_DEFAULTS.topology;
  if (topology !== "separate" && topology !== "sidecar") {
    problems.push(`--topology ${JSON.stringify(topology)}: expected separate or sidecar`);
  }
  const seedStopSignal = values.seedStopSignal ?? "SIGQUIT";
  if (seedStopSignal !== "SIGQUIT" && seedStopSignal !== "SIGTERM") {
    problems.push(`--seed-stop-signal ${JSON.stringify(seedStopSignal)}: expected SIGQUIT or SIGTERM`);
  }
  const front = values.front ?? REHEARSE_DEFAULTS.front;
  if (front !== "l4" && front !== "l7") problems.push(`--front ${JSON.stringify(front)}: expected l4 or l7`);
  const format = values.format ?? (values.json ? "json" : "text");
  if (format !== "text" && format !== "json")
    problems.push(`--format ${JSON.stringify(format)}: expected text or json`);
  if (values.json && values.format === "text") problems.push("--json and --format text: choose one");
  const mix = parseMix(values.mix ?? REHEARSE_DEFAULTS.mix);
  problems.push(...mix.problems);
  const options: RehearseOptions = {
    strategies,
    propagationSeconds: seconds(
      "propagation",
      values.propagation ?? REHEARSE_DEFAULTS.propagationSeconds,
      120,
    ),
    jitterSeconds: seconds("jitter", values.jitter ?? 0, 60),
    replicas: number("replicas", values.replicas ?? REHEARSE_DEFAULTS.replicas, 1, 20, true),
    restarts: number("restarts", values.restarts ?? REHEARSE_DEFAULTS.restarts, 1, 100, true),
    rps: number("rps", values.rps ?? REHEARSE_DEFAULTS.rps, 0.1, 2000),
    mix: mix.value,
    topology: topology === "sidecar" ? "sidecar" : "separate",
    seedStopSignal: seedStopSignal === "SIGTERM" ? "SIGTERM" : "SIGQUIT",
    front: (front === "l4" ? "l4" : "l7") satisfies Front,
  };
  if (shell === "dash" || shell === "busybox") options.shell = shell;
  if (values.phpFpm) options.phpFpm = values.phpFpm;
  if (values.nginx) options.nginx = values.nginx;
  if (strategies.length === 0 && problems.length === 0) problems.push("--strategy: no strategy given");
  return {
    options: problems.length === 0 ? options : undefined,
    format: format === "json" ? "json" : "text",
    output: values.output,
    report: values.report,
    problems,
  };
}

/** `90%:50ms,10%:12s` → shares and durations; shares must add up to 100%. */
export function parseMix(text: string): { value: MixEntry[]; problems: string[] } {
  const problems: string[] = [];
  const value: MixEntry[] = [];
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(\d+(?:\.\d+)?)%:(\d+(?:\.\d+)?)(ms|s)$/.exec(part);
    if (!match) {
      problems.push(`--mix ${JSON.stringify(part)}: expected SHARE%:DURATION, e.g. 90%:50ms or 10%:12s`);
      continue;
    }
    const ms = Number(match[2]) * (match[3] === "s" ? 1000 : 1);
    value.push({ share: Number(match[1]) / 100, ms: Math.round(ms) });
  }
  const total = value.reduce((sum, e) => sum + e.share, 0);
  if (value.length > 0 && Math.abs(total - 1) > 0.001) {
    problems.push(
      `--mix ${JSON.stringify(text)}: shares add up to ${Math.round(total * 100)}%, expected 100%`,
    );
  }
  if (value.length === 0 && problems.length === 0) problems.push("--mix: empty");
  return { value, problems };
}
