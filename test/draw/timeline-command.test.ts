import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { XMLValidator } from "fast-xml-parser";
import { runCli } from "../cli/run-cli.js";

test("timeline: draws a chart per workload, in ASCII with --ascii, within --width", () => {
  const run = runCli(["timeline", "--width", "72", "--ascii", "examples/seed"]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Deployment\/shop\/app-fpm\n/);
  assert.match(run.stdout, /^failures +.*X/m);
  assert.match(run.stdout, /^legend:/m);
  for (const line of run.stdout.split("\n")) assert.ok(line.length <= 72, line);
  assert.equal(/[^\x20-\x7e\n]/.test(run.stdout), false, "ASCII only");
});

test("timeline: no colour when NO_COLOR is set or stdout is not a terminal", () => {
  const run = runCli(["timeline", "examples/seed"], { env: { NO_COLOR: "1" } });
  assert.equal(run.stdout.includes("\u001b["), false);
});

test("timeline --json prints the timelines; with --compare, before and after the fixes", () => {
  const run = runCli(["timeline", "--json", "examples/seed"]);
  assert.equal(run.status, 0, run.stderr);
  const timelines = JSON.parse(run.stdout) as { workload: string; failureWindows: unknown[] }[];
  assert.deepEqual(
    timelines.map((t) => t.workload),
    ["Deployment/shop/app-fpm", "Deployment/shop/app-nginx"],
  );
  const compared = JSON.parse(runCli(["timeline", "--json", "--compare", "examples/seed"]).stdout) as {
    workload: string;
    before: { failureWindows: unknown[] };
    after: { failureWindows: unknown[] };
  }[];
  for (const c of compared) {
    assert.ok(c.before.failureWindows.length > 0, `${c.workload} fails requests as written`);
    assert.equal(c.after.failureWindows.length, 0, `${c.workload} fails none after the fixes`);
  }
});

test("timeline --svg writes the picture atomically and changes no input; --compare titles both charts", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-timeline-"));
  try {
    const before = await readFile("examples/seed/deployment.yaml", "utf8");
    const file = join(dir, "seed.svg");
    const run = runCli(["timeline", "--compare", "--svg", file, "examples/seed"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^ {2}as written\n/m);
    assert.match(run.stdout, /^ {2}after fpm-graceful fix\n/m);
    const svg = await readFile(file, "utf8");
    assert.equal(XMLValidator.validate(svg), true);
    assert.ok(svg.includes('data-title="as written"') && svg.includes('data-title="after fpm-graceful fix"'));
    assert.deepEqual(await readdir(dir), ["seed.svg"], "no temporary file left");
    assert.equal(await readFile("examples/seed/deployment.yaml", "utf8"), before, "--compare writes nothing");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("timeline: unreadable input is exit 2, said on stderr; an unwritable --svg too", () => {
  const bad = runCli(["timeline", "test/fixtures/bad-input/broken.yaml"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^fpm-graceful: test\/fixtures\/bad-input\/broken\.yaml:\d+:\d+: /);
  const unwritable = runCli(["timeline", "--svg", "/nonexistent-dir/x.svg", "examples/seed"]);
  assert.equal(unwritable.status, 2);
  assert.match(unwritable.stderr, /cannot write \/nonexistent-dir\/x\.svg/);
});
