/** `init --drain-hook`: php-fpm's preStop is the drain hook, the grace period covers it, check finds nothing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { drainHookMaxSeconds } from "../../src/drain/hook.js";
import { checkSources } from "../../src/engine/check.js";
import { asSourceFiles, initAssumptions, initValues, initWorkloadFiles } from "../../src/init/generate.js";
import { initDrainParams } from "../../src/init/objects.js";
import { DEFAULT_INIT_OPTIONS, type InitOptions, initOptionProblems } from "../../src/init/options.js";
import { yamlObjects } from "./helpers.js";

for (const kubeVersion of ["1.28", "1.33"]) {
  const options: InitOptions = {
    ...DEFAULT_INIT_OPTIONS,
    topology: "separate",
    kubeVersion,
    drainHook: true,
  };
  test(`init --drain-hook (separate, ${kubeVersion}): the hook is php-fpm's preStop, the grace covers it, check finds nothing`, () => {
    const files = initWorkloadFiles(options);
    const result = checkSources(asSourceFiles(files), { assumptions: initAssumptions(options) });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.findings, []);
    const fpm = files
      .flatMap((file) => (file.path.endsWith(".yaml") ? yamlObjects(file.content) : []))
      .find((o) => o.kind === "Deployment" && JSON.stringify(o).includes('"name":"php-fpm"'));
    assert.ok(fpm, "the php-fpm Deployment");
    assert.doesNotThrow(() => new Deployment(fpm as never).validate());
    const spec = (
      fpm as {
        spec: {
          template: {
            spec: {
              terminationGracePeriodSeconds: number;
              containers: { lifecycle: { preStop: { exec: { command: string[] } } } }[];
            };
          };
        };
      }
    ).spec.template.spec;
    assert.match(
      spec.containers[0]?.lifecycle.preStop.exec.command[2] ?? "",
      /^# fpm-graceful drain hook: wait \d+s/,
    );
    const values = initValues(options);
    assert.equal(spec.terminationGracePeriodSeconds, values.fpm.gracePeriodSeconds);
    assert.ok(
      values.fpm.gracePeriodSeconds >= drainHookMaxSeconds(initDrainParams(values.fpm)) + 2,
      "grace ≥ the hook's bound + the kubelet's 2 s",
    );
  });
}

test("init --drain-hook with a native sidecar php-fpm is refused with the reason", () => {
  const problems = initOptionProblems({
    ...DEFAULT_INIT_OPTIONS,
    topology: "sidecar",
    kubeVersion: "1.33",
    drainHook: true,
  });
  assert.ok(
    problems.some((p) => /--drain-hook: php-fpm is a native sidecar here/.test(p)),
    problems.join("; "),
  );
});
