import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, STACK_TRACE } from "./run-cli.js";

/** A usage error in the one style every command uses: `fpm-graceful: <command>: <message>`, exit 2. */
function assertUsage(run: ReturnType<typeof runCli>, command: string, reason: RegExp) {
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, new RegExp(`^fpm-graceful: ${command}: `));
  assert.match(run.stderr, reason);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
}

async function withSeedCopy(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-flags-"));
  try {
    await cp("examples/seed", dir, { recursive: true });
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("flags: --kube-version takes what kubectl version prints (v1.29.3, 1.30.2-eks-…); the patch is dropped", () => {
  for (const version of ["1.29.3", "v1.29.3", "1.30.2-eks-1552ad0"]) {
    const run = runCli(["check", "--format", "json", "--kube-version", version, "examples/seed"]);
    assert.equal(run.status, 1, `${version}: ${run.stderr}`);
  }
  // 1.29 has no native preStop.sleep, 1.30 has: the patch version does not change which.
  const fix29 = runCli(["fix", "--dry-run", "--kube-version", "v1.29.9", "examples/seed"]).stdout;
  assert.equal(fix29, runCli(["fix", "--dry-run", "--kube-version", "1.29", "examples/seed"]).stdout);
  assertUsage(runCli(["check", "--kube-version", "1.x", "examples/seed"]), "check", /got '1\.x'/);
});

test("flags: timeline --width must be a number of columns; --format json is --json", () => {
  assertUsage(runCli(["timeline", "--width", "abc", "examples/seed"]), "timeline", /at least 20, got 'abc'/);
  assertUsage(runCli(["timeline", "--width", "5", "examples/seed"]), "timeline", /got '5'/);
  const json = runCli(["timeline", "--format", "json", "examples/seed"]);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(json.stdout, runCli(["timeline", "--json", "examples/seed"]).stdout);
  assert.equal(JSON.parse(json.stdout).length, 2);
});

test("flags: fix --diff, --dry-run and --check exclude one another", () => {
  assertUsage(runCli(["fix", "--diff", "--dry-run", "examples/seed"]), "fix", /alternatives: give one/);
});

test("flags: fix --check and fix --diff exit 1 while a fix is pending, 0 once applied", async () => {
  await withSeedCopy(async (dir) => {
    const check = runCli(["fix", "--check", "."], { cwd: dir });
    assert.equal(check.status, 1, check.stderr);
    const diff = runCli(["fix", "--diff", "."], { cwd: dir });
    assert.equal(diff.status, 1, diff.stderr);
    assert.match(diff.stdout, /^\+\+\+ b\//m);
    const json = runCli(["fix", "--check", "--format", "json", "."], { cwd: dir });
    assert.equal(json.status, 1);
    assert.ok(JSON.parse(json.stdout).fixes.length > 0);
    assert.equal(runCli(["fix", "."], { cwd: dir }).status, 0);
    assert.equal(runCli(["fix", "--check", "."], { cwd: dir }).status, 0);
    assert.equal(runCli(["fix", "--diff", "."], { cwd: dir }).status, 0);
  });
});

test("flags: unknown options and bad values read the same in every command", () => {
  for (const command of ["check", "fix", "init", "timeline", "rules"])
    assertUsage(runCli([command, "--bogus"]), command, /unknown option '--bogus'/);
  assertUsage(runCli(["check", "--propagation", "5x", "examples/seed"]), "check", /got '5x'/);
  assertUsage(runCli(["init", "--propagation", "5x"]), "init", /got '5x'/);
});

test("flags: FORCE_COLOR colours text without a terminal; NO_COLOR and --no-color win", () => {
  const ESC = "\u001b[";
  assert.equal(runCli(["check", "examples/seed"]).stdout.includes(ESC), false, "not a terminal");
  assert.ok(runCli(["check", "examples/seed"], { env: { FORCE_COLOR: "1" } }).stdout.includes(ESC));
  const noColor = runCli(["check", "examples/seed"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
  assert.equal(noColor.stdout.includes(ESC), false);
  const flag = runCli(["check", "--no-color", "examples/seed"], { env: { FORCE_COLOR: "1" } });
  assert.equal(flag.stdout.includes(ESC), false);
  assert.ok(runCli(["timeline", "examples/seed"], { env: { FORCE_COLOR: "1" } }).stdout.includes(ESC));
});

test("flags: init writes into --out-dir; -o/--out still works, with a deprecation note", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-init-"));
  try {
    const run = runCli(["init", "--out-dir", "deploy", "--format", "json"], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "");
    const { written } = JSON.parse(run.stdout);
    assert.ok(written.length >= 3);
    assert.ok((await readdir(join(dir, "deploy"))).includes("Dockerfile"));
    const old = runCli(["init", "-o", "old"], { cwd: dir });
    assert.equal(old.status, 0, old.stderr);
    assert.match(old.stderr, /^fpm-graceful: init: -o\/--out is deprecated: use --out-dir/);
    assert.equal(
      await readFile(join(dir, "old/Dockerfile"), "utf8"),
      await readFile(join(dir, "deploy/Dockerfile"), "utf8"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
