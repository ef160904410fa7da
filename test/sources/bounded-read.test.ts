import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { readInputs } from "../../src/sources/files.js";
import { readStreamBounded } from "../../src/sources/read.js";
import { CLI, runCli, STACK_TRACE } from "../cli/run-cli.js";

// Inputs that never end (a device, a pipe with no end, a FIFO with no writer) must end in a problem with
// the memory the cap allows. A hang fails these tests by their time limit, not the suite.
const MiB = 1024 * 1024;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-bounded-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SEED = "examples/seed/deployment.yaml";

test("check /dev/zero named on the command line stops at the size cap with a problem", async () => {
  const { files, problems } = await readInputs(["/dev/zero"], { maxFileBytes: MiB });
  assert.equal(files.length, 0);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.code, "too-large");
  assert.match(problems[0]?.message ?? "", /character device: reading stopped at the 1\.0 MiB limit/);
});

test("the CLI on /dev/zero exits 2 with the problem on its line, no stack trace", () => {
  const run = runCli(["check", "/dev/zero", "--max-file-size", "2MiB"], { timeoutMs: 30_000 });
  assert.equal(run.signal, null, "ended by itself");
  assert.equal(run.status, 2);
  assert.match(run.stdout + run.stderr, /\/dev\/zero:1:1 a character device: reading stopped/);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
});

test("a FIFO in a directory is reported and never opened; the other files are read", async () => {
  const walked = join(dir, "fifo-walk");
  await rm(walked, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", walked]);
  const made = spawnSync("mkfifo", [join(walked, "app.yaml")]);
  assert.equal(made.status, 0, "mkfifo works here");
  spawnSync("mkfifo", [join(walked, "unrelated-pipe")]);
  await writeFile(join(walked, "z.yaml"), await import("node:fs/promises").then((fs) => fs.readFile(SEED)));
  const { files, problems } = await readInputs([walked], { maxFileBytes: MiB });
  assert.deepEqual(
    problems.map((p) => [p.file, p.code, p.message]),
    [[join(walked, "app.yaml"), "not-a-regular-file", "a FIFO (named pipe), not a regular file: not read"]],
  );
  assert.deepEqual(
    files.map((f) => f.path),
    [join(walked, "z.yaml")],
  );
});

test("a FIFO named on the command line is read (process substitution: <(helm template .))", async () => {
  const fifo = join(dir, "named-fifo");
  spawnSync("mkfifo", [fifo]);
  // A writer that opens the FIFO first and writes after a pause: the reader must wait for the data.
  const writer = spawn("sh", ["-c", `exec 3>"${fifo}"; sleep 0.3; cat "${SEED}" >&3`]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { files, problems } = await readInputs([fifo], { maxFileBytes: MiB });
    assert.deepEqual(problems, []);
    assert.equal(files[0]?.kind, "kubernetes");
    assert.match(files[0]?.text ?? "", /kind: Deployment/);
  } finally {
    writer.kill();
  }
});

test("an endless stream is read no further than the cap and then destroyed", async () => {
  let produced = 0;
  const endless = new Readable({
    read() {
      produced += 65536;
      this.push(Buffer.alloc(65536, 0x79));
    },
  });
  const read = await readStreamBounded(endless, 4 * MiB);
  assert.ok("refused" in read);
  assert.match(read.message, /^standard input: reading stopped at the 4\.0 MiB limit/);
  assert.ok(endless.destroyed, "the stream is destroyed: nothing keeps reading it");
  // The stream's own read-ahead (its highWaterMark) is all that comes on top of the cap.
  assert.ok(produced <= 4 * MiB + 4 * 65536, `produced ${produced} bytes`);
});

test("yes | fpm-graceful check - ends with exit 2 and the problem", async () => {
  const child = spawn("sh", ["-c", `yes | "${process.execPath}" "${CLI}" check - --max-file-size 2MiB`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => {
    output += c;
  });
  child.stderr.on("data", (c) => {
    output += c;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  assert.equal(code, 2, output);
  assert.match(output, /<stdin>:1:1 standard input: reading stopped at the 2\.0 MiB limit/);
  assert.doesNotMatch(output, STACK_TRACE);
});

test("a 70,000-container pod spec (3 MB) ends at once with a problem, not a stack overflow or hours", async () => {
  const lines = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: big}",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
  ];
  for (let i = 0; i < 70_000; i++) lines.push(`      - {name: c${i}, image: "php:8.2-fpm"}`);
  const path = join(dir, "big.yaml");
  await writeFile(path, `${lines.join("\n")}\n`);
  const run = runCli(["check", path], { timeoutMs: 120_000 });
  assert.equal(run.signal, null, "ended by itself");
  assert.equal(run.status, 2, run.stderr);
  assert.match(
    run.stdout,
    /big\.yaml:1:1 one document of 3\.0 MiB: Kubernetes stores at most 1\.5 MiB per object/,
  );
  assert.doesNotMatch(run.stderr, STACK_TRACE);
});
