import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { checkSources } from "../../src/engine/check.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { FORMATTERS } from "../../src/report/index.js";
import type { SourceFile } from "../../src/sources/files.js";
import { type AppSpec, appArb, appDocuments, plainValue } from "./manifests.js";
import { assertLocated, holds } from "./support.js";

const options = { assumptions: DEFAULT_ASSUMPTIONS };

/** What people (and templating gone wrong) put where the model expects something else. */
const WRONG_VALUES: unknown[] = [
  "30s",
  "3",
  "",
  "SIGQUIT",
  "100%",
  "-5",
  -5,
  -1,
  0,
  1.5,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  null,
  [],
  ["a", "b"],
  [1, { a: 1 }],
  {},
  { a: 1 },
  { seconds: "10" },
  "x".repeat(300),
];

/** Every path to a value in a plain object, so a mutation can land on any field the model reads. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value))
    for (const [i, item] of value.entries()) out.push(...pathsOf(item, [...prefix, i]));
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  return out;
}

function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  // An earlier mutation may have replaced a parent: the later one then has nothing to land on.
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value))
    return value.map((item, i) => (i === head ? replaced(item, rest, replacement) : item));
  const object = value as Record<string, unknown>;
  return { ...object, [head]: replaced(object[head], rest, replacement) };
}

const plainDocuments = (app: AppSpec) => appDocuments(app, 0).map((d) => plainValue(d.value));

/** A generated app's documents with 1–6 fields (or whole subtrees) replaced by values of the wrong kind. */
const mutatedArb = appArb.chain((app) => {
  const documents = plainDocuments(app);
  const targets = documents.flatMap((doc, index) => pathsOf(doc).map((path) => [index, path] as const));
  return fc
    .array(fc.tuple(fc.constantFrom(...targets), fc.constantFrom(...WRONG_VALUES)), {
      minLength: 1,
      maxLength: 6,
    })
    .map((mutations) => {
      const out = [...documents];
      for (const [[index, path], value] of mutations) out[index] = replaced(out[index], path, value);
      return {
        documents: out,
        mutations: mutations.map(([[i, p], v]) => `${i}:${p.join(".")}=${String(v)}`),
      };
    });
});

test("property: check never throws on Kubernetes objects with wrong types anywhere, and locates every problem", () => {
  holds(
    "check on wrong types",
    fc.property(mutatedArb, fc.boolean(), ({ documents }, json) => {
      const text = json
        ? JSON.stringify({ apiVersion: "v1", kind: "List", items: documents }, null, 2)
        : documents.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
      const file: SourceFile = { path: json ? "m.json" : "m.yaml", kind: "kubernetes", text };
      const result = checkSources([file], options);
      assertLocated("problem", result.problems, [file.path]);
      assertLocated("finding", result.findings, [file.path]);
      for (const workload of result.workloads) {
        for (const window of workload.timeline.failureWindows) {
          assert.ok(
            !Number.isNaN(window.from) && !Number.isNaN(window.to),
            `a window at NaN in ${workload.id}`,
          );
          assert.ok(window.from <= window.to, `${workload.id}: a window ends before it starts`);
        }
      }
      for (const format of Object.values(FORMATTERS)) assert.equal(typeof format(result, false), "string");
      // `fix` leaves a file with problems untouched, and never throws on one.
      const run = fixSources([file], options);
      if (result.problems.length > 0) assert.deepEqual(run.changes, []);
    }),
    300,
  );
});

/**
 * What a check says, without where: an object given as a value has no text to point into (and the same
 * problem twice at 1:1 is reported once).
 */
function unlocated(result: ReturnType<typeof checkSources>) {
  const distinct = (lines: string[]) => [...new Set(lines)].sort();
  return {
    findings: distinct(
      result.findings.map(
        (f) => `${f.workload} ${f.container ?? "-"} ${f.severity} ${f.rule}: ${f.message} | ${f.fix ?? ""}`,
      ),
    ),
    problems: distinct(result.problems.map((p) => `${p.code}: ${p.message}`)),
  };
}

test("property: objects read as values (the webhook's request.object) get the same findings and problems as their YAML text", () => {
  holds(
    "values read as their text",
    fc.property(
      fc.oneof(
        mutatedArb,
        appArb.map((app) => ({ documents: plainDocuments(app) })),
      ),
      ({ documents }) => {
        const text = documents.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
        const fromText = checkSources([{ path: "m.yaml", kind: "kubernetes", text }], options);
        const fromValues = checkSources(
          [{ path: "m.yaml", kind: "kubernetes", text: "", values: documents }],
          options,
        );
        assert.deepEqual(unlocated(fromValues), unlocated(fromText));
        assert.equal(fromValues.workloads.length, fromText.workloads.length);
      },
    ),
    300,
  );
});
