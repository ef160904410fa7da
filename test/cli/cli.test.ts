import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { VERSION } from "../../src/version.js";
import { runCli, STACK_TRACE } from "./run-cli.js";

/** A usage error: exit 2, a one-line reason on stderr, a pointer to --help, no stack trace, no report. */
function assertUsageError(run: ReturnType<typeof runCli>, reason: RegExp) {
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, reason);
  assert.match(run.stderr, /run with --help for usage/);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.equal(run.stdout, "");
}

test("cli: --help and --version exit 0", () => {
  const help = runCli(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: fpm-graceful/);
  assert.match(help.stdout, /check \[options\] \[paths\.\.\.\]/);
  const checkHelp = runCli(["check", "--help"]);
  assert.equal(checkHelp.status, 0);
  assert.match(checkHelp.stdout, /--fail-on <severity>/);
  assert.match(checkHelp.stdout, /--max-file-size <size>\s+refuse inputs larger than this \(default 8MiB\)/);
  const version = runCli(["--version"]);
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), VERSION);
});

test("cli: an unknown option, command or format, or a bad duration is a usage error (exit 2)", () => {
  assertUsageError(runCli(["check", "--bogus", "examples/seed"]), /unknown option '--bogus'/);
  assertUsageError(runCli(["bogus"]), /unknown command 'bogus'/);
  assertUsageError(
    runCli(["check", "--format", "xml", "examples/seed"]),
    /^fpm-graceful: check: .*expected one of text, json, sarif, github, junit, got 'xml'/,
  );
  assertUsageError(
    runCli(["check", "--propagation", "5x", "examples/seed"]),
    /--propagation <duration>.*expected a duration like 5s, 1500ms or 1m, got '5x'/,
  );
  assertUsageError(runCli(["check", "--fail-on", "fatal", "examples/seed"]), /got 'fatal'/);
  assertUsageError(
    runCli(["check", "--kube-version", "2.0", "examples/seed"]),
    /expected a Kubernetes version like 1\.31 or v1\.29\.3/,
  );
});

test("cli: exit 0 on the recommended setup, 1 on the seed recipe, 0 with --fail-on none", () => {
  const recommended = runCli(["check", "examples/recommended"]);
  assert.equal(recommended.status, 0, recommended.stdout);
  assert.match(recommended.stdout, /0 errors, 0 warnings, 0 info in 1 workload\n$/);
  const seed = runCli(["check", "examples/seed"]);
  assert.equal(seed.status, 1);
  assert.match(seed.stdout, /prestop-kill-syntax/);
  assert.equal(seed.stderr, "");
  assert.equal(runCli(["check", "--fail-on", "none", "examples/seed"]).status, 0);
});

test("cli: --fail-on warning fails on a warning that the default (error) lets pass", () => {
  const fixture = "test/fixtures/cli/warning-only";
  const byDefault = runCli(["check", fixture]);
  assert.equal(byDefault.status, 0);
  assert.match(byDefault.stdout, /0 errors, 1 warning, 0 info/);
  assert.equal(runCli(["check", "--fail-on", "warning", fixture]).status, 1);
  assert.equal(runCli(["check", "--fail-on", "info", fixture]).status, 1);
});

test("cli: - reads helm template output from stdin; findings name the chart's # Source", async () => {
  const input = await readFile("test/fixtures/cli/helm-template.yaml");
  const run = runCli(["check", "--format", "json", "-"], { input });
  assert.equal(run.status, 1, run.stderr);
  const { findings, problems, workloads } = JSON.parse(run.stdout);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    workloads.map((w: { id: string; helmSource?: string }) => [w.id, w.helmSource]),
    [["Deployment/default/release-shop", "shop/templates/deployment.yaml"]],
  );
  const syntax = findings.find((f: { rule: string }) => f.rule === "prestop-kill-syntax");
  assert.deepEqual(
    [syntax.file, syntax.line, syntax.helmSource],
    ["<stdin>", 42, "shop/templates/deployment.yaml"],
  );
  assert.ok(
    findings.every((f: { helmSource?: string }) => f.helmSource === "shop/templates/deployment.yaml"),
  );
  const text = runCli(["check", "-"], { input });
  assert.match(text.stdout, /<stdin>:42:\d+ \(shop\/templates\/deployment\.yaml\)/);
});

test("cli: -o writes the report to the file atomically (no temp file left) and nothing to stdout", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-cli-"));
  try {
    const target = join(dir, "report.sarif");
    await writeFile(target, "an older report that is replaced whole\n");
    const run = runCli(["check", "--format", "sarif", "-o", target, "examples/seed"]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.equal(JSON.parse(await readFile(target, "utf8")).version, "2.1.0");
    assert.deepEqual(await readdir(dir), ["report.sarif"]);

    const missingDir = runCli(["check", "-o", join(dir, "no-such-dir", "r.txt"), "examples/seed"]);
    assert.equal(missingDir.status, 2);
    assert.match(missingDir.stderr, /cannot write .*no-such-dir\/r\.txt: no such directory/);
    assert.doesNotMatch(missingDir.stderr, STACK_TRACE);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("cli: problems reach stderr when the report goes to a file or a machine format", () => {
  const run = runCli(["check", "--format", "json", "test/fixtures/bad-input/tabs.yaml"]);
  assert.equal(run.status, 2);
  assert.equal(JSON.parse(run.stdout).problems.length, 1);
  assert.equal(
    run.stderr,
    "fpm-graceful: test/fixtures/bad-input/tabs.yaml:4:1: tab used for indentation: YAML allows only spaces\n",
  );
});

test("cli: a path that does not exist is exit 2 with a clear message", () => {
  const run = runCli(["check", "k8s/no-such-dir"]);
  assert.equal(run.status, 2);
  assert.match(run.stdout, /^problem k8s\/no-such-dir:1:1 cannot read: no such file or directory$/m);
  assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE);
});

test("cli: a directory with nothing to check says so on stderr and exits 0", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-empty-"));
  try {
    await writeFile(join(dir, "README.md"), "# nothing here\n");
    const run = runCli(["check", dir]);
    assert.equal(run.status, 0);
    assert.match(run.stderr, /nothing to check in .*: no Kubernetes workloads, Dockerfiles/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("cli: the timeline command prints each workload's sequence; bad input is exit 2", () => {
  const run = runCli(["timeline", "examples/seed"]);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /Deployment\/shop\/app-fpm\n {2}timeline: propagation 5s, grace 30s/);
  const bad = runCli(["timeline", "test/fixtures/bad-input/broken.yaml"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^fpm-graceful: test\/fixtures\/bad-input\/broken\.yaml:\d+:\d+: /);
});

test("cli: fix - prints a kustomize patch per workload of a rendered List, with its Helm source, and writes nothing", () => {
  const list = JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: ["a", "b"].map((name) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "shop" },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: "php-fpm", image: "php:8.2-fpm", readinessProbe: { tcpSocket: { port: 9000 } } },
            ],
          },
        },
      },
    })),
  });
  const run = runCli(["fix", "-"], { input: `# Source: shop/templates/deployment.yaml\n${list}\n` });
  // Patches for the two Deployments; the new objects (ConfigMaps, PodDisruptionBudgets) follow as resources.
  const docs = run.stdout.split(/^---$/m).filter((d) => /^# patch:/m.test(d));
  assert.equal(docs.length, 2, run.stdout);
  for (const [i, name] of ["a", "b"].entries()) {
    assert.match(docs[i] ?? "", new RegExp(`name: ${name}\\n`));
    // Containers are merged by name, as strategic-merge patches need; each patch holds only its own edits.
    assert.match(docs[i] ?? "", /containers:\n\s+- name: php-fpm\n\s+lifecycle:\n\s+preStop:/);
  }
});
