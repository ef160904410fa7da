import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { Assumptions, Problem } from "./model/types.js";
import type { Severity } from "./rules/types.js";

/** `.fpm-graceful.yaml`: the same assumptions as the flags, and per-rule severities or `off`. */
export interface ConfigFile {
  propagation?: number;
  maxRequest?: number;
  kubeVersion?: string;
  rules: Record<string, Severity | "off">;
  dockerfiles: Record<string, string>;
}

/** Durations as users write them: `5`, `5s`, `1m`, `1500ms`. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? value : undefined;
  const m = value.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m)?$/);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
}

/** Reads the config file; a missing file is no config, a broken one is a problem with its line. */
export async function loadConfig(
  path: string,
  required: boolean,
): Promise<{ config: ConfigFile; problems: Problem[] }> {
  const config: ConfigFile = { rules: {}, dockerfiles: {} };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return {
      config,
      problems: required
        ? [{ file: path, line: 1, column: 1, code: "unreadable", message: "cannot read config file" }]
        : [],
    };
  }
  const problems: Problem[] = [];
  const doc = parseDocument(text, { prettyErrors: false });
  const problem = (message: string) =>
    problems.push({ file: path, line: 1, column: 1, code: "bad-option", message });
  if (doc.errors.length > 0) {
    problem(`config file is not valid YAML: ${doc.errors[0]?.message.split("\n")[0]}`);
    return { config, problems };
  }
  const raw = doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown> | null;
  if (raw === null || typeof raw !== "object") return { config, problems };
  for (const [key, value] of Object.entries(raw)) {
    if (key === "propagation" || key === "maxRequest") {
      const seconds = parseDuration(value as string);
      if (seconds === undefined) problem(`${key}: expected a duration like 5s, got ${JSON.stringify(value)}`);
      else config[key] = seconds;
    } else if (key === "kubeVersion") {
      if (!/^v?1\.\d+$/.test(String(value)))
        problem(`kubeVersion: expected a version like 1.31, got ${JSON.stringify(value)}`);
      else config.kubeVersion = String(value);
    } else if (key === "rules" && value && typeof value === "object") {
      for (const [id, setting] of Object.entries(value)) {
        if (setting === "off" || setting === "error" || setting === "warning" || setting === "info")
          config.rules[id] = setting;
        else problem(`rules.${id}: expected off, error, warning or info, got ${JSON.stringify(setting)}`);
      }
    } else if (key === "dockerfiles" && value && typeof value === "object") {
      for (const [container, file] of Object.entries(value)) config.dockerfiles[container] = String(file);
    } else {
      problem(`unknown key ${key} (known: propagation, maxRequest, kubeVersion, rules, dockerfiles)`);
    }
  }
  return { config, problems };
}

export function assumptionsFrom(base: Assumptions, config: ConfigFile): Assumptions {
  return {
    propagationSeconds: config.propagation ?? base.propagationSeconds,
    maxRequestSeconds: config.maxRequest ?? base.maxRequestSeconds,
    kubeVersion: config.kubeVersion ?? base.kubeVersion,
  };
}
