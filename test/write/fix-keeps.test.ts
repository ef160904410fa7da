import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readInputs } from "../../src/sources/files.js";
import { WriteRefused, writeFixedSource } from "../../src/write.js";
import { runCli, STACK_TRACE } from "../cli/run-cli.js";

// `fix` keeps what it does not own: mode, owner, links, concurrent edits, encodings and line endings.
let dir: string;
let seed: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-write-"));
  seed = await readFile("examples/seed/deployment.yaml", "utf8");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fresh(name: string): Promise<string> {
  const sub = join(dir, name);
  await mkdir(sub, { recursive: true });
  return sub;
}

test("fix keeps a file's mode (640 stays 640) and owner", async () => {
  const sub = await fresh("mode");
  const path = join(sub, "app.yaml");
  await writeFile(path, seed);
  await chmod(path, 0o640);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chown(path, 1234, 2345);
  const run = runCli(["fix", path]);
  assert.equal(run.status === 0 || run.status === 1, true, run.stderr);
  const info = await stat(path);
  assert.notEqual(await readFile(path, "utf8"), seed, "fixed");
  assert.equal(info.mode & 0o777, 0o640);
  if (asRoot) assert.deepEqual([info.uid, info.gid], [1234, 2345]);
});

test("fix writes through a symlink: the link stays a link, its target is fixed", async () => {
  const sub = await fresh("symlink");
  const target = join(sub, "real.yaml");
  await writeFile(target, seed);
  await mkdir(join(sub, "k8s"));
  await symlink("../real.yaml", join(sub, "k8s", "app.yaml"));
  runCli(["fix", join(sub, "k8s", "app.yaml")]);
  assert.ok((await lstat(join(sub, "k8s", "app.yaml"))).isSymbolicLink());
  assert.notEqual(await readFile(target, "utf8"), seed);
});

test("hard-linked and read-only files are refused with a reason; the other files are still fixed; exit 2", async () => {
  const sub = await fresh("refused");
  await writeFile(join(sub, "a-linked.yaml"), seed);
  await link(join(sub, "a-linked.yaml"), join(sub, "other-name.yml.bak"));
  await writeFile(join(sub, "b-readonly.yaml"), seed);
  await chmod(join(sub, "b-readonly.yaml"), 0o444);
  await writeFile(join(sub, "c-plain.yaml"), seed.replace("app-fpm", "app-fpm-c"));
  const run = runCli(["fix", sub]);
  assert.equal(run.status, 2, run.stderr);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stderr, /not written: .*a-linked\.yaml: has 2 hard links/);
  assert.match(run.stderr, /not written: .*b-readonly\.yaml: is read-only/);
  assert.match(run.stderr, /2 of 3 fixed files not written/);
  assert.equal(await readFile(join(sub, "a-linked.yaml"), "utf8"), seed);
  assert.equal(await readFile(join(sub, "b-readonly.yaml"), "utf8"), seed);
  assert.notEqual(await readFile(join(sub, "c-plain.yaml"), "utf8"), seed.replace("app-fpm", "app-fpm-c"));
  assert.equal((await stat(join(sub, "b-readonly.yaml"))).mode & 0o777, 0o444);
});

test("a file changed since it was read is left as it is now", async () => {
  const sub = await fresh("changed");
  const path = join(sub, "app.yaml");
  await writeFile(path, seed);
  const { files } = await readInputs([path], { maxFileBytes: 1 << 20 });
  const source = files[0];
  assert.ok(source);
  await writeFile(path, `${seed}# edited by someone else\n`);
  await assert.rejects(
    writeFixedSource(source, `${source.text}# fix\n`),
    (e) => e instanceof WriteRefused && /changed since it was read/.test(e.message),
  );
  assert.match(await readFile(path, "utf8"), /edited by someone else/);
});

test("BOM, UTF-16 and each line's own ending are kept", async () => {
  const sub = await fresh("encoding");
  // Mixed endings: CRLF everywhere but one LF line and one CR-only line.
  const lines = seed.split("\n");
  const mixed = lines
    .map((l, i) => (i === lines.length - 1 ? l : l + (i === 3 ? "\n" : i === 5 ? "\r" : "\r\n")))
    .join("");
  const utf8 = join(sub, "bom.yaml");
  await writeFile(utf8, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mixed)]));
  const utf16 = join(sub, "utf16.yaml");
  await writeFile(
    utf16,
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(seed.replace(/\n/g, "\r\n"), "utf16le")]),
  );
  runCli(["fix", utf8, utf16]);
  const bytes = await readFile(utf8);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "BOM kept");
  const text = bytes.subarray(3).toString("utf8");
  assert.notEqual(text, mixed, "fixed");
  assert.ok(text.includes(`${lines[3]}\n${lines[4]}\r\n`), "the LF line keeps its LF");
  assert.ok(text.includes(`${lines[5]}\r${lines[6]}`), "the CR line keeps its CR");
  assert.equal(text.replace(/\r\n/g, "").split("\n").length, 2, "every other line is CRLF");
  const wide = await readFile(utf16);
  assert.deepEqual([...wide.subarray(0, 2)], [0xff, 0xfe], "UTF-16 LE BOM kept");
  const decoded = new TextDecoder("utf-16le").decode(wide.subarray(2));
  assert.match(decoded, /kind: Deployment\r\n/, "written back as UTF-16 with CRLF");
  assert.notEqual(decoded, seed.replace(/\n/g, "\r\n"));
});

test("temp files a SIGKILLed run left are swept by the next fix; none are left after a normal run", async () => {
  const sub = await fresh("temps");
  await writeFile(join(sub, "app.yaml"), seed);
  // PID 2^22 + 1 is above Linux's pid_max default range and not running.
  const stale = join(sub, ".app.yaml.fpm-graceful-4194305-aaaaaaaaaaaa.tmp");
  await writeFile(stale, "half a file");
  runCli(["fix", join(sub, "app.yaml")]);
  assert.deepEqual(
    (await readdir(sub)).filter((n) => n.endsWith(".tmp")),
    [],
  );
});

test("-o writes through a symlink and into a device, never replacing them, and refuses an input", async () => {
  const sub = await fresh("output");
  await writeFile(join(sub, "app.yaml"), seed);
  await writeFile(join(sub, "report-target.txt"), "");
  await symlink("report-target.txt", join(sub, "report.txt"));
  runCli(["check", join(sub, "app.yaml"), "-o", join(sub, "report.txt")]);
  assert.ok((await lstat(join(sub, "report.txt"))).isSymbolicLink());
  assert.match(await readFile(join(sub, "report-target.txt"), "utf8"), /pid1|preStop|error/);
  const toNull = runCli(["check", join(sub, "app.yaml"), "-o", "/dev/null"]);
  assert.equal(toNull.status, 1, toNull.stderr);
  assert.ok((await stat("/dev/null")).isCharacterDevice());
  const onInput = runCli(["check", join(sub, "app.yaml"), "-o", join(sub, "app.yaml")]);
  assert.equal(onInput.status, 2);
  assert.match(onInput.stderr, /is one of the inputs/);
  assert.equal(await readFile(join(sub, "app.yaml"), "utf8"), seed);
});

test("fix --diff of a CRLF file shows CRLF lines: git apply gives exactly what fix writes", async () => {
  const sub = await fresh("diff-crlf");
  const crlf = seed.replace(/\n/g, "\r\n");
  const patched = join(sub, "patched.yaml");
  const fixed = join(sub, "fixed.yaml");
  await writeFile(patched, crlf);
  await writeFile(fixed, crlf);
  const diff = runCli(["fix", "patched.yaml", "--diff"], { cwd: sub });
  assert.equal(diff.status, 1, diff.stderr);
  assert.match(diff.stdout, /^\+.*\r$/m, "added lines end in CR LF like the file's");
  await writeFile(join(sub, "fix.patch"), diff.stdout);
  const apply = spawnSync("git", ["apply", "fix.patch"], { cwd: sub, encoding: "utf8" });
  assert.equal(apply.status, 0, apply.stderr);
  runCli(["fix", "fixed.yaml"], { cwd: sub });
  assert.deepEqual(await readFile(patched), await readFile(fixed));
});
