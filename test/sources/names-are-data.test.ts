import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkPaths } from "../../src/index.js";
import { runCli, STACK_TRACE } from "../cli/run-cli.js";

// Container names are data: `constructor`, `__proto__` and `valueOf` are valid Kubernetes names (DNS
// labels) and used to crash check, fix and timeline (exit 3) when a Dockerfile was among the inputs, by
// reaching Object.prototype through plain-object maps.
const NAMES = ["constructor", "__proto__", "valueOf", "toString", "hasOwnProperty"];
let dir: string;
let seed: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-names-"));
  seed = await readFile("examples/seed/deployment.yaml", "utf8");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function appNamed(name: string): Promise<string> {
  const app = join(dir, name);
  await cp("examples/seed", app, { recursive: true });
  await writeFile(join(app, "deployment.yaml"), seed.replaceAll("name: php-fpm", `name: ${name}`));
  return app;
}

const rulesOf = (findings: { rule: string; container?: string }[], container: string) =>
  findings.map((f) => `${f.rule}:${f.container === container ? "<it>" : (f.container ?? "")}`).sort();

for (const name of NAMES) {
  test(`a container named ${name} is checked like one named php-fpm, its Dockerfile linked`, async () => {
    const app = await appNamed(name);
    const { result } = await checkPaths([app]);
    const reference = await checkPaths(["examples/seed"]);
    assert.deepEqual(result.problems, reference.result.problems);
    assert.deepEqual(rulesOf(result.findings, name), rulesOf(reference.result.findings, "php-fpm"));
    const container = result.workloads[0]?.containers.find((c) => c.name === name);
    const referenceContainer = reference.result.workloads[0]?.containers.find((c) => c.name === "php-fpm");
    assert.equal(container?.role, referenceContainer?.role);
    assert.deepEqual(
      container?.links.map((l) => l.replace(app, "examples/seed")),
      referenceContainer?.links,
      "the Dockerfile is linked as it is for php-fpm",
    );
  });

  if (!["constructor", "__proto__", "valueOf"].includes(name)) continue;
  test(`check, fix and timeline run with a container named ${name} (no exit 3, no stack trace)`, async () => {
    const app = await appNamed(name);
    for (const args of [
      ["check", app],
      ["fix", "--dry-run", app],
      ["timeline", app],
      ["fix", app],
    ]) {
      const run = runCli(args);
      assert.ok(run.status === 0 || run.status === 1, `${args.join(" ")}: exit ${run.status}\n${run.stderr}`);
      assert.doesNotMatch(run.stderr, STACK_TRACE);
    }
    const fixed = await readFile(join(app, "deployment.yaml"), "utf8");
    assert.notEqual(fixed, seed.replaceAll("name: php-fpm", `name: ${name}`), "fix wrote its edits");
  });
}
