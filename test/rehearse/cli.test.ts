/**
 * `rehearse`'s flags as the CLI parses them, without running a rehearsal: a bad `--strategy` stops the run
 * after every other flag was parsed, so a duration that is accepted leaves only the strategy complaint.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, STACK_TRACE } from "../cli/run-cli.js";
import { repoRoot } from "./helpers.js";

test("rehearse takes durations with units like check: --propagation 2s / 1500ms, --jitter 200ms", () => {
  for (const flags of [
    ["--propagation", "2s"],
    ["--propagation", "1500ms"],
    ["--propagation", "3"],
    ["--jitter", "200ms"],
  ]) {
    const run = runCli(["rehearse", "--strategy", "yolo", ...flags]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /--strategy "yolo"/);
    assert.doesNotMatch(run.stderr, /--propagation|--jitter/);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
  }
  const bad = runCli(["rehearse", "--propagation", "2parsecs"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /expected a duration like 5s, 1500ms/);
  assert.doesNotMatch(bad.stderr, STACK_TRACE);
});

test("rehearse --help states the defaults it shares with check: propagation 5s, front l7", () => {
  const help = runCli(["rehearse", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--propagation <duration>[\s\S]*default 5s/);
  assert.match(help.stdout, /--front <front>[\s\S]*default l7/);
  assert.match(help.stdout, /-f, --format <format>/);
  assert.match(help.stdout, /-o, --output <file>/);
});

test("rehearse -o and --report refuse to overwrite an input, before anything runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "fpm-graceful-rehearse-out-"));
  try {
    const manifest = join(dir, "app.yaml");
    const text = readFileSync(join(repoRoot, "test/rehearse/fixtures/user-nginx.yaml"), "utf8");
    writeFileSync(manifest, text);
    for (const flag of ["-o", "--report"]) {
      const started = Date.now();
      const run = runCli(["rehearse", manifest, flag, manifest]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /app\.yaml is one of the inputs .*: not overwritten/);
      assert.doesNotMatch(run.stderr, STACK_TRACE);
      assert.doesNotMatch(run.stderr, /starting \d+ pods/, "refused before any pod starts");
      assert.ok(Date.now() - started < 20_000);
      assert.equal(readFileSync(manifest, "utf8"), text, "the input is as it was");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
