import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fixSources } from "../../src/engine/fix-sources.js";
import { checkPaths } from "../../src/index.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { parseManifests } from "../../src/sources/kubernetes.js";

// YAML read as Kubernetes reads it (sigs.k8s.io/yaml, a fork of go-yaml v2.4.0).
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-yaml-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("merge keys resolve as kubectl resolves them: keys after << win, keys before lose, earlier list items win", () => {
  // Expected values from `kubectl annotate --local -f pod.yaml x=y -o json` with kubectl 1.32.
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: m
  labels:
    <<: [{a: "first"}, {a: "second", c: "second-c"}]
  annotations:
    a: "own-before"
    <<: {a: "from-merge", b: "from-merge", c: "merge-c"}
    b: "own-after"
`;
  const { objects, problems } = parseManifests("pod.yaml", text);
  assert.deepEqual(problems, []);
  const metadata = objects[0]?.view.get("metadata");
  assert.deepEqual({ ...metadata?.get("labels")?.stringMap() }, { a: "first", c: "second-c" });
  assert.deepEqual(
    { ...metadata?.get("annotations")?.stringMap() },
    {
      a: "from-merge",
      b: "own-after",
      c: "merge-c",
    },
  );
});

const SHELL_PID1_BEHIND_MERGE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - &fpm
          name: php-fpm
          image: php:8.2-fpm
          command: ["sh", "-c", "php-fpm -F"]
        - <<: *fpm
          name: worker
`;

test("a shell PID 1 behind a merge key is found, located in the anchor it comes from", async () => {
  const path = join(dir, "merge-pid1.yaml");
  await writeFile(path, SHELL_PID1_BEHIND_MERGE);
  const { result } = await checkPaths([path]);
  const pid1 = result.findings.filter((f) => f.rule === "pid1-wrapper");
  assert.deepEqual(
    pid1.map((f) => [f.container, f.line]),
    [
      ["php-fpm", 13],
      ["worker", 13],
    ],
  );
});

test("fix refuses an edit inside an anchor that an alias reuses, and says why", async () => {
  const files = [{ path: "merge-pid1.yaml", kind: "kubernetes" as const, text: SHELL_PID1_BEHIND_MERGE }];
  const run = fixSources(files, { assumptions: DEFAULT_ASSUMPTIONS });
  assert.deepEqual(run.changes, [], "the file is left as it was");
  assert.match(run.failures[0]?.message ?? "", /inside &fpm, which an alias elsewhere in the file reuses/);
});

test("fix overrides a merged scalar with an own key after <<, which Kubernetes reads, and leaves the merge", () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      <<: {terminationGracePeriodSeconds: 1}
      containers:
        - name: php-fpm
          image: php:8.2-fpm
`;
  const run = fixSources([{ path: "a.yaml", kind: "kubernetes", text }], {
    assumptions: DEFAULT_ASSUMPTIONS,
  });
  assert.deepEqual(run.failures, []);
  const fixed = run.changes[0]?.after ?? "";
  assert.match(fixed, /<<: \{terminationGracePeriodSeconds: 1\}/, "the merge is kept");
  const { objects } = parseManifests("a.yaml", fixed);
  const grace = objects[0]?.view.at("spec", "template", "spec", "terminationGracePeriodSeconds")?.integer();
  assert.ok(grace !== undefined && grace > 1, `the grace period Kubernetes reads is raised (${grace})`);
});

test("alias fan-out within yaml's alias count is refused by its expanded size, quickly", () => {
  const items = Array.from({ length: 40_000 }, (_, i) => `    - v${i}`).join("\n");
  const aliases = Array.from({ length: 100 }, (_, i) => `  k${i}: *big`).join("\n");
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nlist: &big\n${items}\ndata:\n${aliases}\n`;
  const started = performance.now();
  const { problems } = parseManifests("fan.yaml", text);
  const ms = performance.now() - started;
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.code, "yaml-syntax");
  assert.match(
    problems[0]?.message ?? "",
    /^too many aliases \(an alias bomb\?\): aliases expand the document past/,
  );
  // A guard against expansion (the old check built the values: 3.7 GB), not a performance figure.
  assert.ok(ms < 20_000, `${Math.round(ms)} ms`);
});

test("a merge key on a scalar is refused as Kubernetes' decoder refuses it", () => {
  const { problems } = parseManifests("m.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  <<: 3\n  name: x\n");
  assert.deepEqual(
    problems.map((p) => [p.code, p.line, p.column]),
    [["yaml-syntax", 4, 3]],
  );
});

test("integers beyond int64 (1e300) are invalid-field problems, never read as seconds", () => {
  const { objects, problems } = parseManifests(
    "g.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  terminationGracePeriodSeconds: 1e300\n",
  );
  assert.equal(objects[0]?.view.at("spec", "terminationGracePeriodSeconds")?.integer(), undefined);
  assert.deepEqual(
    problems.map((p) => [p.code, p.line, p.column]),
    [["invalid-field", 5, 34]],
  );
  assert.match(problems[0]?.message ?? "", /out of range: Kubernetes' integers are 64-bit/);
});

test("collections nested past the parser's depth are a problem, not a crash", () => {
  const n = 5000;
  const { problems } = parseManifests("deep.yaml", `a: ${"[".repeat(n)}${"]".repeat(n)}\n`);
  assert.equal(problems[0]?.code, "yaml-syntax");
  assert.match(problems[0]?.message ?? "", /nested too deeply/);
});
