import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import type { ContainerDeclaration } from "./model/identity/identify.js";
import { ROLES } from "./model/identity/roles.js";
import type { Assumptions, ContainerRole, Front, Problem } from "./model/types.js";
import { RULES } from "./rules/registry.js";
import type { Severity } from "./rules/types.js";

const RULE_IDS = new Set(RULES.map((r) => r.meta.id));

/** `.fpm-graceful.yaml`: the same assumptions as the flags, and per-rule severities or `off`. */
export interface ConfigFile {
  propagation?: number;
  maxRequest?: number;
  kubeVersion?: string;
  /** What sends traffic to the pods: `l7` an ingress, `l4` a kube-proxy Service (`--front`). */
  front?: Front;
  rules: Record<string, Severity | "off">;
  dockerfiles: Record<string, string>;
  /** What a container is, declared by its name (or `workload/name`): `{role: worker, stopSignal: SIGQUIT}`. */
  containers: Record<string, ContainerDeclaration>;
}

const KNOWN_KEYS = "propagation, maxRequest, kubeVersion, front, rules, dockerfiles, containers";

/** The names a config file may have, in the order they are looked for in each directory. */
export const CONFIG_NAMES = [".fpm-graceful.yaml", ".fpm-graceful.yml"] as const;

/**
 * The config file that applies in `start`: the first `.fpm-graceful.yaml` (or `.yml`) in it or a directory
 * above it, up to the repository root (the directory holding `.git`, a folder or a worktree's file) or
 * the filesystem root, as ESLint and Prettier look for theirs. The path is relative to `start` when it
 * is below or beside it, so problems name it as the user would.
 *
 * @example
 *   findConfigFile("/repo/deploy/k8s"); // "../../.fpm-graceful.yaml" when /repo has .git and the file
 */
export function findConfigFile(start: string): string | undefined {
  let dir = start;
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const path = join(dir, name);
      if (existsSync(path)) return relative(start, path) || name;
    }
    const parent = dirname(dir);
    if (existsSync(join(dir, ".git")) || parent === dir) return undefined;
    dir = parent;
  }
}

/** Durations as users write them: `5`, `5s`, `1m`, `1500ms`. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? value : undefined;
  const m = value.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m)?$/);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
}

/** Reads the config file; a missing file is no config, a broken one is a problem at the offending key. */
export async function loadConfig(
  path: string,
  required: boolean,
): Promise<{ config: ConfigFile; problems: Problem[] }> {
  const config: ConfigFile = { rules: {}, dockerfiles: {}, containers: {} };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read it";
    return {
      config,
      problems: required
        ? [{ file: path, line: 1, column: 1, code: "unreadable", message: `config file: ${reason}` }]
        : [],
    };
  }
  const problems: Problem[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const problem = (at: Node | null | undefined, message: string) => {
    const { line, col } = lineCounter.linePos(at?.range?.[0] ?? 0);
    problems.push({
      file: path,
      line: Math.max(1, line),
      column: Math.max(1, col),
      code: "bad-option",
      message,
    });
  };
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({
      file: path,
      line: Math.max(1, line),
      column: Math.max(1, col),
      code: "config-syntax",
      message: `config file is not valid YAML: ${error.message.split("\n")[0]}`,
    });
    return { config, problems };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { config, problems };
  if (!isMap(root)) {
    problem(root, `config file must be a mapping of options (${KNOWN_KEYS})`);
    return { config, problems };
  }
  for (const { key: keyNode, value: valueNode } of root.items as Pair<Node, Node | null>[]) {
    const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
    const value = isScalar(valueNode) ? valueNode.value : valueNode;
    // A problem about a value points at the value; a value left out points at its key.
    const at = valueNode ?? keyNode;
    if (key === "propagation" || key === "maxRequest") {
      const seconds =
        typeof value === "string" || typeof value === "number" ? parseDuration(value) : undefined;
      if (seconds === undefined)
        problem(at, `${key}: expected a duration like 5s, got ${describe(valueNode)}`);
      else config[key] = seconds;
    } else if (key === "kubeVersion") {
      // `kubeVersion: 1.30` is the float 1.3 to YAML: read the digits as written.
      const written = isScalar(valueNode) ? String(valueNode.source ?? valueNode.value) : "";
      if (!/^v?1\.\d+$/.test(written))
        problem(at, `kubeVersion: expected a version like "1.31", got ${describe(valueNode)}`);
      else config.kubeVersion = written.replace(/^v/, "");
    } else if (key === "front") {
      if (value !== "l4" && value !== "l7")
        problem(at, `front: expected l4 or l7, got ${describe(valueNode)}`);
      else config.front = value;
    } else if (key === "containers") {
      if (!isMap(valueNode)) {
        problem(at, `containers: expected a mapping of container names, got ${describe(valueNode)}`);
        continue;
      }
      for (const pair of valueNode.items as Pair<Node, Node | null>[]) {
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (!isMap(pair.value)) {
          problem(
            pair.value ?? pair.key,
            `containers.${name}: expected {role, stopSignal}, got ${describe(pair.value)}`,
          );
          continue;
        }
        const declaration: ContainerDeclaration = {};
        for (const field of pair.value.items as Pair<Node, Node | null>[]) {
          const fieldName = String(isScalar(field.key) ? field.key.value : field.key);
          const fieldValue = isScalar(field.value) ? field.value.value : undefined;
          if (fieldName === "role" && ROLES.includes(fieldValue as ContainerRole)) {
            declaration.role = fieldValue as ContainerRole;
          } else if (
            fieldName === "stopSignal" &&
            typeof fieldValue === "string" &&
            /^SIG[A-Z0-9]+$/.test(fieldValue)
          ) {
            declaration.stopSignal = fieldValue;
          } else {
            problem(
              field.value ?? field.key,
              fieldName === "role"
                ? `containers.${name}.role: expected ${ROLES.join(", ")}, got ${describe(field.value)}`
                : fieldName === "stopSignal"
                  ? `containers.${name}.stopSignal: expected a signal name like SIGQUIT, got ${describe(field.value)}`
                  : `containers.${name}: unknown key ${fieldName} (known: role, stopSignal)`,
            );
          }
        }
        config.containers[name] = declaration;
      }
    } else if (key === "rules" || key === "dockerfiles") {
      if (!isMap(valueNode)) {
        problem(at, `${key}: expected a mapping, got ${describe(valueNode)}`);
        continue;
      }
      for (const pair of valueNode.items as Pair<Node, Node | null>[]) {
        const id = String(isScalar(pair.key) ? pair.key.value : pair.key);
        const setting = isScalar(pair.value) ? pair.value.value : undefined;
        if (key === "dockerfiles") {
          if (typeof setting === "string" && setting !== "") config.dockerfiles[id] = setting;
          else
            problem(
              pair.value ?? pair.key,
              `dockerfiles.${id}: expected a path, got ${describe(pair.value)}`,
            );
        } else if (!RULE_IDS.has(id)) {
          // A misspelt id would otherwise switch nothing off, silently.
          problem(pair.key, `rules.${id}: no such rule (see docs/rules/ for the ids)`);
        } else if (setting === "off" || setting === "error" || setting === "warning" || setting === "info") {
          config.rules[id] = setting;
        } else {
          problem(
            pair.value ?? pair.key,
            `rules.${id}: expected off, error, warning or info, got ${describe(pair.value)}`,
          );
        }
      }
    } else {
      problem(keyNode, `unknown key ${key} (known: ${KNOWN_KEYS})`);
    }
  }
  return { config, problems };
}

/** A YAML value as a problem message quotes it. */
function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  return isScalar(node) ? JSON.stringify(node.value) : "an alias";
}

export function assumptionsFrom(base: Assumptions, config: ConfigFile): Assumptions {
  return {
    propagationSeconds: config.propagation ?? base.propagationSeconds,
    maxRequestSeconds: config.maxRequest ?? base.maxRequestSeconds,
    kubeVersion: config.kubeVersion ?? base.kubeVersion,
    front: config.front ?? base.front,
  };
}
