import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { assumptionsFrom, findConfigFile, loadConfig } from "../../src/config.js";
import { checkPaths } from "../../src/index.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { runCli, STACK_TRACE } from "./run-cli.js";

const WARNING_ONLY = "test/fixtures/cli/warning-only";

test("config: a rule set to off in --config reports nothing; the other settings apply", () => {
  const run = runCli([
    "check",
    "--format",
    "json",
    "--config",
    "test/fixtures/cli/config-off.yaml",
    WARNING_ONLY,
  ]);
  assert.equal(run.status, 0, run.stderr);
  const { findings, problems } = JSON.parse(run.stdout);
  assert.deepEqual(problems, []);
  assert.deepEqual(findings, []);
  assert.equal(
    runCli(["check", "--fail-on", "warning", "--config", "test/fixtures/cli/config-off.yaml", WARNING_ONLY])
      .status,
    0,
  );
});

test("config: .fpm-graceful.yaml in the working directory is read without --config", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-config-"));
  try {
    await writeFile(join(dir, ".fpm-graceful.yaml"), "rules:\n  readiness-probe-missing: error\n");
    const run = runCli(["check", join(process.cwd(), WARNING_ONLY)], { cwd: dir });
    assert.equal(run.status, 1, "the warning became an error");
    assert.match(run.stdout, /1 error, 0 warnings/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Each bad config: exit 2 through the CLI, and a problem at the offending line and column. */
const BAD_CONFIGS: { file: string; line: number; column: number; message: RegExp }[] = [
  {
    file: "config-bad-value.yaml",
    line: 4,
    column: 28,
    message: /^rules\.readiness-probe-missing: expected off, error, warning or info, got "maybe"$/,
  },
  { file: "config-unknown-key.yaml", line: 4, column: 1, message: /^unknown key maxRequests/ },
  {
    file: "config-unknown-rule.yaml",
    line: 3,
    column: 3,
    message: /^rules\.readines-probe-missing: no such rule/,
  },
  {
    file: "config-broken.yaml",
    line: 4,
    column: 1,
    message: /^config file is not valid YAML: Flow sequence/,
  },
];

for (const bad of BAD_CONFIGS) {
  test(`config: ${bad.file} is exit 2 with a problem at ${bad.line}:${bad.column}`, () => {
    const path = `test/fixtures/cli/${bad.file}`;
    const run = runCli(["check", "--format", "json", "--config", path, WARNING_ONLY]);
    assert.equal(run.status, 2);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
    const [problem, ...others] = JSON.parse(run.stdout).problems;
    assert.deepEqual(others, []);
    assert.deepEqual([problem.file, problem.line, problem.column], [path, bad.line, bad.column]);
    assert.match(problem.message, bad.message);
    assert.match(run.stderr, new RegExp(`^fpm-graceful: ${path}:${bad.line}:${bad.column}: `));
  });
}

test("config: a --config file that does not exist is exit 2; a missing default one is no config", async () => {
  const run = runCli(["check", "--config", "no-such-config.yaml", "examples/recommended"]);
  assert.equal(run.status, 2);
  assert.match(run.stdout, /^problem no-such-config\.yaml:1:1 config file: no such file$/m);
  assert.deepEqual(await loadConfig("no-such-config.yaml", false), {
    config: { rules: {}, dockerfiles: {}, containers: {} },
    problems: [],
  });
});

test("config: values point at their own line, wrong types included", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-config-"));
  try {
    const path = join(dir, "c.yaml");
    await writeFile(
      path,
      [
        "# comment",
        "propagation: 8s",
        "maxRequest: [60]",
        "kubeVersion: 1.30",
        "front: l5",
        "dockerfiles:",
        "  php-fpm: docker/Dockerfile",
        "  nginx: {path: x}",
        "rules: off",
        "",
      ].join("\n"),
    );
    const { config, problems } = await loadConfig(path, true);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.message]),
      [
        [3, 13, "maxRequest: expected a duration like 5s, got a list"],
        [5, 8, 'front: expected l4 or l7, got "l5"'],
        [8, 10, "dockerfiles.nginx: expected a path, got a mapping"],
        [9, 8, 'rules: expected a mapping, got "off"'],
      ],
    );
    assert.equal(config.propagation, 8);
    assert.equal(config.kubeVersion, "1.30", "the float 1.30 is read as written, not as 1.3");
    assert.deepEqual(config.dockerfiles, { "php-fpm": "docker/Dockerfile" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("config: found in a directory above, up to the repository root; .yml too; never above .git", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-discover-"));
  const manifests = join(process.cwd(), WARNING_ONLY);
  try {
    const repo = join(dir, "repo");
    const deep = join(repo, "deploy", "k8s");
    await mkdir(deep, { recursive: true });
    await mkdir(join(repo, ".git"));
    await writeFile(join(repo, ".fpm-graceful.yml"), "rules:\n  readiness-probe-missing: error\n");
    const found = runCli(["check", manifests], { cwd: deep });
    assert.equal(found.status, 1, `the repository's config applies below it: ${found.stdout}`);
    assert.equal(findConfigFile(deep), join("..", "..", ".fpm-graceful.yml"));
    // A config above the repository root belongs to something else: it is not read.
    await rm(join(repo, ".fpm-graceful.yml"));
    await writeFile(join(dir, ".fpm-graceful.yaml"), "rules:\n  readiness-probe-missing: error\n");
    assert.equal(findConfigFile(deep), undefined);
    assert.equal(runCli(["check", manifests], { cwd: deep }).status, 0);
    // Without a .git, the walk goes on to the filesystem root and finds it.
    await rm(join(repo, ".git"), { recursive: true });
    assert.equal(findConfigFile(deep), join("..", "..", "..", ".fpm-graceful.yaml"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("config: front: l4 in the config file is the model's front unless --front says otherwise", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-config-front-"));
  try {
    const path = join(dir, "c.yaml");
    await writeFile(path, "front: l4\n");
    const { config, problems } = await loadConfig(path, true);
    assert.deepEqual(problems, []);
    assert.equal(assumptionsFrom(DEFAULT_ASSUMPTIONS, config).front, "l4");
    const manifests = join(process.cwd(), WARNING_ONLY);
    const fromConfig = await checkPaths([manifests], { config: path });
    assert.equal(fromConfig.checkOptions.assumptions.front, "l4");
    const fromFlag = await checkPaths([manifests], { config: path, front: "l7" });
    assert.equal(fromFlag.checkOptions.assumptions.front, "l7");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
