/**
 * The real-world corpus: cases modelled on public PHP deployments (test/corpus/cases/<case>/), each with
 * its inputs and an `expect.yaml` written as the spec — every container's true role, which Dockerfile
 * builds it, and the complete list of error/warning findings a correct tool reports. This module runs
 * `check` on a case and scores it: role and link errors, and findings as true/false positives and misses.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";

/** test/corpus/cases in the source tree (the compiled test runs from dist/test/corpus). */
export const CASES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../test/corpus/cases");

export interface ExpectedFinding {
  rule: string;
  workload: string;
  container?: string;
  severity?: "error" | "warning";
  why?: string;
  /** The spec's author was not sure: neither counted as found nor as missed. */
  uncertain?: boolean;
}

export interface CaseSpec {
  source: string;
  options?: { dockerfiles?: Record<string, string> };
  roles: Record<string, Record<string, string>>;
  links?: Record<string, string | null>;
  ignoredDockerfiles?: string[];
  findings?: ExpectedFinding[];
  problems?: string[];
}

export interface CaseScore {
  name: string;
  roleErrors: string[];
  linkErrors: string[];
  problemErrors: string[];
  truePositives: string[];
  falsePositives: string[];
  misses: string[];
}

export function caseNames(): string[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function readSpec(name: string): CaseSpec {
  return parse(readFileSync(join(CASES_DIR, name, "expect.yaml"), "utf8")) as CaseSpec;
}

/** Runs `check` over a case directory (and the paths given first, to test order independence). */
export async function runCase(name: string, order?: (paths: string[]) => string[]): Promise<CheckResult> {
  const dir = join(CASES_DIR, name);
  const spec = readSpec(name);
  const dockerfiles = Object.fromEntries(
    Object.entries(spec.options?.dockerfiles ?? {}).map(([container, path]) => {
      const [file = "", stage] = path.split("#");
      return [container, `${join(dir, file)}${stage !== undefined ? `#${stage}` : ""}`];
    }),
  );
  const paths = order ? order(inputFiles(dir)) : [dir];
  const { result } = await checkPaths(paths, { dockerfiles });
  return result;
}

/** Every file of a case but its spec, as paths a user would list on the command line. */
export function inputFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== "expect.yaml") out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

const key = (f: { rule: string; workload: string; container?: string | undefined }) =>
  `${f.rule} ${f.workload}${f.container ? ` [${f.container}]` : ""}`;

/** Scores a result against its case's spec. */
export function scoreCase(name: string, result: CheckResult): CaseScore {
  const spec = readSpec(name);
  const dir = join(CASES_DIR, name);
  const score: CaseScore = {
    name,
    roleErrors: [],
    linkErrors: [],
    problemErrors: [],
    truePositives: [],
    falsePositives: [],
    misses: [],
  };
  for (const [workload, containers] of Object.entries(spec.roles ?? {})) {
    const found = result.workloads.find((w) => w.id === workload);
    // A Helm test hook is left alone, said so, and not audited: right when the spec has nothing serving in it.
    const [kind, , name] = workload.split("/");
    const leftAlone = result.leftAlone.some((l) =>
      l.reason.startsWith(`${kind} ${name} is a Helm test hook`),
    );
    if (!found && leftAlone && Object.values(containers).every((r) => r === "other")) continue;
    for (const [container, role] of Object.entries(containers)) {
      const c = found?.containers.find((x) => x.name === container);
      if (!found) score.roleErrors.push(`${workload}: not read as a workload`);
      else if (!c) score.roleErrors.push(`${workload}/${container}: no such container`);
      else if (c.role !== role)
        score.roleErrors.push(`${workload}/${container}: ${c.role} (${c.roleBasis}), expected ${role}`);
    }
  }
  for (const [path, expected] of Object.entries(spec.links ?? {})) {
    const at = path.lastIndexOf("/");
    const workload = result.workloads.find((w) => w.id === path.slice(0, at));
    if (!workload && expected === null) continue;
    const container = workload?.containers.find((c) => c.name === path.slice(at + 1));
    const linked = container?.links
      .map((l) => l.match(/^Dockerfile (\S+)/)?.[1])
      .find((f): f is string => f !== undefined);
    // `Dockerfile#stage` in the spec checks the stage too; a bare path checks the file only.
    const [file = "", stage] = (linked ?? "").split("#");
    const got = linked
      ? `${relative(dir, resolve(file))}${stage !== undefined && expected?.includes("#") ? `#${stage}` : ""}`
      : null;
    if (got !== (expected ?? null))
      score.linkErrors.push(`${path}: linked to ${got ?? "nothing"}, expected ${expected ?? "nothing"}`);
  }
  for (const ignored of spec.ignoredDockerfiles ?? []) {
    const onIt = result.findings.filter((f) => relative(dir, resolve(f.file)) === ignored);
    if (onIt.length > 0)
      score.problemErrors.push(`${ignored}: should be left alone, has ${onIt.map(key).join(", ")}`);
  }
  const codes = result.problems.map((p) => p.code).sort();
  const expectedCodes = [...(spec.problems ?? [])].sort();
  if (codes.join(",") !== expectedCodes.join(","))
    score.problemErrors.push(
      `problems ${codes.join(",") || "none"}, expected ${expectedCodes.join(",") || "none"}`,
    );
  const reported = result.findings.filter((f) => f.severity === "error" || f.severity === "warning");
  const expected = spec.findings ?? [];
  const uncertain = new Set(expected.filter((e) => e.uncertain).map(key));
  const certain = expected.filter((e) => !e.uncertain);
  const matched = new Set<number>();
  for (const f of reported) {
    if (uncertain.has(key(f))) continue;
    const i = certain.findIndex(
      (e, j) =>
        !matched.has(j) &&
        e.rule === f.rule &&
        e.workload === f.workload &&
        (e.container ?? "") === (f.container ?? "") &&
        (e.severity === undefined || e.severity === f.severity),
    );
    if (i >= 0) {
      matched.add(i);
      score.truePositives.push(`${key(f)} ${f.severity}`);
    } else score.falsePositives.push(`${key(f)} ${f.severity}: ${f.message}`);
  }
  certain.forEach((e, j) => {
    if (!matched.has(j)) score.misses.push(`${key(e)} ${e.severity ?? ""}: ${e.why ?? ""}`.trim());
  });
  return score;
}

export interface CorpusFigures {
  cases: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  misses: number;
  roleErrors: number;
  linkErrors: number;
}

export function corpusFigures(scores: CaseScore[]): CorpusFigures {
  const sum = (f: (s: CaseScore) => unknown[]) => scores.reduce((n, s) => n + f(s).length, 0);
  const tp = sum((s) => s.truePositives);
  const fp = sum((s) => s.falsePositives);
  const fn = sum((s) => s.misses);
  return {
    cases: scores.length,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    truePositives: tp,
    falsePositives: fp,
    misses: fn,
    roleErrors: sum((s) => s.roleErrors),
    linkErrors: sum((s) => s.linkErrors),
  };
}
