/**
 * The order the inputs are given in never changes what a container is: role, linked Dockerfile, stop
 * signal, problem codes. Every scenario is built once in its written order, then in orders fast-check
 * draws (whole permutations, and the scenario's Dockerfiles moved among the manifests).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Model } from "../../src/model/build.js";
import { holds } from "../property/support.js";
import { SCENARIOS } from "./scenarios.js";
import { containersOf, modelOf } from "./support.js";

/** What must not depend on the order: per container, and the problem codes as a sorted list. */
function outcome(model: Model): { containers: Record<string, unknown>; problems: string[] } {
  const containers: Record<string, unknown> = {};
  for (const [key, c] of [...containersOf(model)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    containers[key] = {
      role: c.role,
      deciding: c.identity.evidence[0]?.signal,
      dockerfile: c.imageFacts.dockerfile,
      stage: c.imageFacts.dockerfileStage,
      stopSignal: c.imageFacts.stopSignal.value,
      env: c.imageFacts.env,
    };
  }
  return { containers, problems: model.problems.map((p) => `${p.code}:${p.severity ?? ""}`).sort() };
}

for (const [name, files] of Object.entries(SCENARIOS)) {
  const paths = Object.keys(files);
  const expected = outcome(modelOf(files));

  test(`identify order: ${name}: the reversed order gives the same outcome`, () => {
    assert.deepEqual(outcome(modelOf(files, {}, [...paths].reverse())), expected);
  });

  test(`identify order: ${name}: any permutation of the ${paths.length} inputs gives the same outcome`, () => {
    holds(
      `identity order ${name}`,
      fc.property(
        fc.shuffledSubarray(paths, { minLength: paths.length, maxLength: paths.length }),
        (order) => {
          assert.deepEqual(outcome(modelOf(files, {}, order)), expected, `order: ${order.join(", ")}`);
        },
      ),
      40,
    );
  });
}

test("identify order: the scenarios' outcomes are not trivial (links, ambiguity, several roles)", () => {
  const all = Object.values(SCENARIOS).map((f) => outcome(modelOf(f)));
  const containers = all.flatMap((o) => Object.values(o.containers)) as {
    role: string;
    dockerfile?: string;
  }[];
  assert.ok(containers.some((c) => c.dockerfile !== undefined));
  assert.ok(all.some((o) => o.problems.includes("ambiguous-dockerfile:warning")));
  assert.deepEqual([...new Set(containers.map((c) => c.role))].sort(), ["fpm", "nginx", "worker"]);
});
