import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { checkSources } from "../../src/engine/check.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { checkPaths } from "../../src/index.js";
import {
  asSourceFiles,
  generateInit,
  INIT_PATHS,
  initAssumptions,
  initValues,
  initWorkloadFiles,
} from "../../src/init/generate.js";
import { label, setups, withTempDir } from "./helpers.js";

const MATRIX = [
  ...setups(),
  ...setups({ propagationSeconds: 1, maxRequestSeconds: 5 }),
  ...setups({ propagationSeconds: 15, maxRequestSeconds: 300 }),
  ...setups({ propagationSeconds: 2.5, maxRequestSeconds: 1.5, replicas: 1 }),
];

for (const options of MATRIX) {
  test(`check on init's output (${label(options)}): no finding at all, no problem`, () => {
    const result = checkSources(asSourceFiles(initWorkloadFiles(options)), {
      assumptions: initAssumptions(options),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`),
      [],
    );
    assert.equal(result.workloads.length, options.topology === "sidecar" ? 1 : 2);
    for (const w of result.workloads) {
      assert.deepEqual(w.timeline.failureWindows, [], `${w.id}: no predicted failure`);
      // Every container's Dockerfile or image told the model its stop signal: nothing was assumed for php-fpm.
      assert.ok(
        !w.timeline.assumptions.some((a) => a.startsWith("php-fpm")),
        w.timeline.assumptions.join("; "),
      );
    }
  });
}

for (const options of setups()) {
  test(`check on init's output written to disk (${label(options)}): clean with its .fpm-graceful.yaml`, async () => {
    await withTempDir(async (dir) => {
      for (const file of generateInit(options)) {
        await mkdir(dirname(join(dir, file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      const { result } = await checkPaths([dir], { config: join(dir, INIT_PATHS.checkConfig) });
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.findings, []);
      const fpm = result.workloads.flatMap((w) => w.containers).find((c) => c.role === "fpm");
      assert.ok(
        fpm?.links.some((l) => l.includes("(annotation fpm-graceful.io/dockerfile.php-fpm;")),
        "the manifest's annotation links the generated Dockerfile",
      );
    });
  });

  test(`init's values are fix's (${label(options)}): fix restores them when they are taken away`, () => {
    const values = initValues(options);
    const files = asSourceFiles(initWorkloadFiles(options)).map((f) =>
      f.kind === "kubernetes"
        ? {
            ...f,
            text: f.text
              .replace(/terminationGracePeriodSeconds: \d+/g, "terminationGracePeriodSeconds: 1")
              .replace(/^ *process_control_timeout = \d+s\n/m, ""),
          }
        : f,
    );
    const run = fixSources(files, { assumptions: initAssumptions(options) });
    const fixed = run.changes.map((c) => c.after).join("\n");
    const graces = [...fixed.matchAll(/terminationGracePeriodSeconds: (\d+)/g)].map((m) => Number(m[1]));
    const expected = [values.fpm.gracePeriodSeconds, values.nginx?.gracePeriodSeconds].filter(
      (g) => g !== undefined,
    );
    assert.deepEqual(graces.sort(), expected.sort());
    assert.match(fixed, new RegExp(`process_control_timeout = ${values.fpm.processControlTimeoutSeconds}s`));
  });
}
