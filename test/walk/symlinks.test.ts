import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkPaths } from "../../src/index.js";
import { readInputs } from "../../src/sources/files.js";

// Symlinked manifests used to be skipped in directory walks (a silent pass, exit 0); CR-only files were
// read as one empty line (another silent pass). Both must be read, and a link out of the tree or in a
// loop must be reported without hanging the walk.
let dir: string;
let seed: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-links-"));
  seed = await readFile("examples/seed/deployment.yaml", "utf8");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a symlinked manifest inside the tree is checked like the file it points to", async () => {
  const tree = join(dir, "inside");
  // The target sits in a hidden folder, which a walk does not read: only the link leads to it.
  await mkdir(join(tree, ".rendered"), { recursive: true });
  await writeFile(join(tree, ".rendered", "app.yaml"), seed);
  await mkdir(join(tree, "live"));
  await symlink("../.rendered/app.yaml", join(tree, "live", "app.yaml"));
  const { result } = await checkPaths([tree]);
  assert.deepEqual(result.problems, []);
  assert.equal(result.workloads.length, 2, "the workloads behind the link are read");
  assert.ok(
    result.findings.some((f) => f.severity === "error"),
    "and its errors found",
  );
});

test("a folder reached through a link and directly is read once", async () => {
  const tree = join(dir, "twice");
  await mkdir(join(tree, "v2"), { recursive: true });
  await writeFile(join(tree, "v2", "app.yaml"), seed);
  await symlink("v2", join(tree, "current"));
  const { files, problems } = await readInputs([tree], { maxFileBytes: 1 << 20 });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    files.map((f) => f.path),
    [join(tree, "current", "app.yaml")],
  );
});

test("links that loop or leave the tree are reported as warnings, and the walk ends", async () => {
  const tree = join(dir, "hostile");
  const outside = join(dir, "outside");
  await mkdir(join(tree, "k8s"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, "secret.yaml"), seed);
  await writeFile(join(tree, "k8s", "app.yaml"), seed);
  await symlink("..", join(tree, "k8s", "up"));
  await symlink("self.yaml", join(tree, "k8s", "self.yaml"));
  await symlink(join(outside, "secret.yaml"), join(tree, "k8s", "leak.yaml"));
  await symlink(outside, join(tree, "elsewhere"));
  const { files, problems } = await readInputs([tree], { maxFileBytes: 1 << 20 });
  assert.deepEqual(
    files.map((f) => f.path),
    [join(tree, "k8s", "app.yaml")],
  );
  const byFile = Object.fromEntries(
    problems.map((p) => [p.file.slice(tree.length + 1), [p.code, p.severity]]),
  );
  assert.deepEqual(byFile, {
    elsewhere: ["symlink-outside", "warning"],
    "k8s/leak.yaml": ["symlink-outside", "warning"],
    "k8s/self.yaml": ["symlink-loop", "warning"],
    "k8s/up": ["symlink-loop", "warning"],
  });
});

test("a CR-only manifest (classic Mac line endings) is read as lines, not as one empty line", async () => {
  const path = join(dir, "cr-only.yaml");
  await writeFile(path, seed.replace(/\n/g, "\r"));
  const { result } = await checkPaths([path]);
  assert.deepEqual(result.problems, []);
  assert.equal(result.workloads.length, 2);
  const lf = await checkPaths(["examples/seed/deployment.yaml"]);
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.line, f.column]),
    lf.result.findings.map((f) => [f.rule, f.line, f.column]),
    "the same findings at the same lines as the LF file",
  );
});
