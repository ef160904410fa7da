/**
 * The real-world corpus as the spec: every case's roles, Dockerfile links and problems exactly as its
 * expect.yaml says; findings scored as precision and recall over the whole corpus; the same model
 * whatever the order of the inputs; and `fix` on every case safe to apply without reading it twice.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Pod } from "kubernetes-models/v1/Pod";
import { Service } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";
import type { CheckResult } from "../../src/engine/check.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { checkPaths } from "../../src/index.js";
import { decodeSource, type SourceFile } from "../../src/sources/files.js";
import { CASES_DIR, caseNames, corpusFigures, inputFiles, runCase, scoreCase } from "./corpus.js";

/** Precision and recall the corpus must keep (issue #10's acceptance). */
const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.9;

const names = caseNames();
const results = new Map<string, CheckResult>();
async function resultOf(name: string): Promise<CheckResult> {
  const cached = results.get(name);
  if (cached) return cached;
  const result = await runCase(name);
  results.set(name, result);
  return result;
}

test("the corpus has at least 20 cases, each with a source and every container's role", () => {
  assert.ok(names.length >= 20, `${names.length} cases`);
  for (const name of names) {
    const spec = scoreCase(name, { findings: [], problems: [], workloads: [], leftAlone: [] });
    assert.ok(spec.roleErrors.length > 0, `${name}: the spec lists no container`);
  }
});

for (const name of names) {
  test(`corpus ${name}: roles, Dockerfile links and problems as its spec says`, async () => {
    const score = scoreCase(name, await resultOf(name));
    assert.deepEqual(score.roleErrors, [], "roles");
    assert.deepEqual(score.linkErrors, [], "links");
    assert.deepEqual(score.problemErrors, [], "problems");
  });
}

test(`corpus: precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL} of error and warning findings`, async () => {
  const scores = [];
  for (const name of names) scores.push(scoreCase(name, await resultOf(name)));
  const figures = corpusFigures(scores);
  const detail = scores.flatMap((s) => [
    ...s.falsePositives.map((f) => `${s.name}: false ${f}`),
    ...s.misses.map((m) => `${s.name}: missed ${m}`),
  ]);
  assert.ok(figures.precision >= MIN_PRECISION, `precision ${figures.precision}\n${detail.join("\n")}`);
  assert.ok(figures.recall >= MIN_RECALL, `recall ${figures.recall}\n${detail.join("\n")}`);
  assert.equal(figures.roleErrors, 0);
  assert.ok(figures.truePositives > 40, `${figures.truePositives} true findings: the corpus must have teeth`);
});

/** What the model decided about each container, and the findings: what input order must not change. */
function modelSummary(result: CheckResult): string[] {
  return [
    ...result.workloads.flatMap((w) =>
      w.containers.map(
        (c) =>
          `${w.id}/${c.name} ${c.role} ${c.stopSignal.value} ${c.shell} ${c.links.filter((l) => l.startsWith("Dockerfile")).join(",")}`,
      ),
    ),
    ...result.findings.map((f) => `${f.rule} ${f.workload} ${f.container ?? ""} ${f.severity} ${f.message}`),
    ...result.problems.map((p) => `${p.code} ${p.file}:${p.line}`),
  ].sort();
}

const multiFile = names.filter((n) => inputFiles(`${CASES_DIR}/${n}`).length >= 4);

test("property: permuting the inputs never changes the model (roles, image facts, links, findings, problems)", async () => {
  assert.ok(multiFile.length >= 8, "enough multi-file cases");
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...multiFile), fc.integer(), async (name, seed) => {
      const sorted = await runCase(name, (paths) => paths);
      const shuffled = await runCase(name, (paths) => shuffle(paths, seed));
      assert.deepEqual(modelSummary(shuffled), modelSummary(sorted));
    }),
    { numRuns: 40 },
  );
});

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The Kubernetes API schemas of the kinds the corpus holds. */
const SCHEMAS: Record<string, (o: unknown) => void> = {
  "apps/v1/Deployment": (o) => new Deployment(o as never).validate(),
  "apps/v1/StatefulSet": (o) => new StatefulSet(o as never).validate(),
  "apps/v1/DaemonSet": (o) => new DaemonSet(o as never).validate(),
  "batch/v1/Job": (o) => new Job(o as never).validate(),
  "batch/v1/CronJob": (o) => new CronJob(o as never).validate(),
  "v1/Pod": (o) => new Pod(o as never).validate(),
  "v1/ConfigMap": (o) => new ConfigMap(o as never).validate(),
  "v1/Service": (o) => new Service(o as never).validate(),
  "policy/v1/PodDisruptionBudget": (o) => new PodDisruptionBudget(o as never).validate(),
};

interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

function documents(files: SourceFile[]): ObjectLike[] {
  return files
    .filter((f) => f.kind === "kubernetes")
    .flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS() as ObjectLike))
    .filter((o) => o && typeof o === "object" && o.kind);
}

/** Every container of every workload, by `Kind/name/container`, as plain data. */
function containersOf(objects: ObjectLike[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const o of objects) {
    const spec = o.spec as Record<string, never> | undefined;
    const pod =
      o.kind === "Pod"
        ? spec
        : o.kind === "CronJob"
          ? (spec?.jobTemplate as never as { spec?: { template?: { spec?: unknown } } })?.spec?.template?.spec
          : (spec?.template as never as { spec?: unknown })?.spec;
    const podSpec = pod as
      | { containers?: { name: string }[]; initContainers?: { name: string }[] }
      | undefined;
    for (const c of [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])])
      out.set(`${o.kind}/${o.metadata?.name}/${c.name}`, c);
  }
  return out;
}

for (const name of names) {
  test(`corpus ${name}: fix is schema-valid, idempotent, and touches no container but php-fpm and nginx`, async () => {
    const dir = `${CASES_DIR}/${name}`;
    const { files, checkOptions, result } = await checkPaths([dir]);
    const run = fixSources(files, checkOptions);
    assert.deepEqual(run.failures, []);
    const fixed = files.map((f) => {
      const change = run.changes.find((c) => c.file === f.path);
      if (!change) return f;
      const decoded = decodeSource(f.path, Buffer.from(change.after), f.kind, true);
      assert.ok(decoded && !("code" in decoded), `${f.path} reads back`);
      return decoded;
    });
    for (const object of documents(fixed)) {
      const validate = SCHEMAS[`${object.apiVersion}/${object.kind}`];
      if (validate) assert.doesNotThrow(() => validate(object), `${object.kind} ${object.metadata?.name}`);
    }
    const before = containersOf(documents(files));
    const after = containersOf(documents(fixed));
    const serving = new Set(
      result.workloads.flatMap((w) =>
        w.containers
          .filter((c) => c.role === "fpm" || c.role === "nginx")
          .map((c) => `${w.id.split("/")[0]}/${w.id.split("/")[2]}/${c.name}`),
      ),
    );
    for (const [key, container] of before) {
      if (!serving.has(key)) assert.deepEqual(after.get(key), container, `${key} is not php-fpm or nginx`);
    }
    const again = fixSources(fixed, checkOptions);
    assert.deepEqual(
      again.changes.map((c) => c.file),
      [],
      "a second fix changes nothing",
    );
  });
}
