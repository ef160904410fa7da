import assert from "node:assert/strict";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_INIT_OPTIONS, generateInit } from "../../src/init/generate.js";
import { InitWriteError, writeGeneratedFiles } from "../../src/init/write-files.js";
import { withTempDir } from "./helpers.js";
import { runInit } from "./run-init.js";

/** Every file under a directory, relative, hidden ones included, sorted. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else out.push(path);
  }
  return out.sort();
}

test("init --help: exit 0, every option described", () => {
  const run = runInit(["--help"], process.cwd());
  assert.equal(run.status, 0, run.stderr);
  for (const option of [
    "--topology",
    "--propagation",
    "--max-request",
    "--kube-version",
    "--name",
    "--namespace",
    "--image",
    "--replicas",
    "--out",
    "--force",
  ])
    assert.match(run.stdout, new RegExp(`${option}\\b`), option);
});

test("init writes the sidecar setup into ./fpm-graceful and prints the files and next steps", async () => {
  await withTempDir(async (dir) => {
    const run = runInit([], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(await listFiles(join(dir, "fpm-graceful")), [
      ".fpm-graceful.yaml",
      "Dockerfile",
      "k8s/app.yaml",
    ]);
    for (const path of [
      "fpm-graceful/Dockerfile",
      "fpm-graceful/k8s/app.yaml",
      "fpm-graceful/.fpm-graceful.yaml",
    ])
      assert.match(run.stdout, new RegExp(`^wrote ${path.replace(/\./g, "\\.")}$`, "m"));
    assert.match(run.stdout, /native sidecar/);
    assert.match(run.stdout, /Next steps:\n {2}1\. Build the php-fpm image/);
    assert.match(run.stdout, /fpm-graceful check --config fpm-graceful\/\.fpm-graceful\.yaml fpm-graceful/);
    const expected = generateInit(DEFAULT_INIT_OPTIONS);
    for (const file of expected)
      assert.equal(await readFile(join(dir, "fpm-graceful", file.path), "utf8"), file.content, file.path);
  });
});

test("init --topology separate --out DIR with every option: the options reach the files", async () => {
  await withTempDir(async (dir) => {
    const run = runInit(
      [
        "--topology",
        "separate",
        "--propagation",
        "8s",
        "--max-request",
        "2m",
        "--kube-version",
        "1.28",
        "--name",
        "shop",
        "--namespace",
        "web",
        "--image",
        "ghcr.io/acme/shop:2.1",
        "--replicas",
        "4",
        "--out",
        "deploy",
      ],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(await listFiles(join(dir, "deploy")), [
      ".fpm-graceful.yaml",
      "Dockerfile",
      "k8s/1-php-fpm.yaml",
      "k8s/2-nginx.yaml",
    ]);
    const fpm = await readFile(join(dir, "deploy/k8s/1-php-fpm.yaml"), "utf8");
    assert.match(fpm, /name: shop-php-fpm\n {2}namespace: web\n/);
    assert.match(fpm, /image: ghcr\.io\/acme\/shop:2\.1\n/);
    assert.match(fpm, /replicas: 4\n/);
    assert.match(fpm, /request_terminate_timeout = 120s\n/);
    assert.match(fpm, /command:\n\s+- sleep\n\s+- "10"\n/, "exec sleep before 1.30, propagation 8s + margin");
    const nginx = await readFile(join(dir, "deploy/k8s/2-nginx.yaml"), "utf8");
    assert.match(nginx, /fastcgi_pass shop-php-fpm:9000;/);
  });
});

test("init refuses to overwrite: exit 2, names the file, writes nothing", async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, "fpm-graceful/k8s"), { recursive: true });
    await writeFile(join(dir, "fpm-graceful/k8s/app.yaml"), "mine\n");
    const run = runInit([], dir);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /fpm-graceful\/k8s\/app\.yaml already exists: nothing was written \(--force overwrites it\)/,
    );
    assert.equal(await readFile(join(dir, "fpm-graceful/k8s/app.yaml"), "utf8"), "mine\n");
    assert.deepEqual(
      await listFiles(join(dir, "fpm-graceful")),
      ["k8s/app.yaml"],
      "not even the other files",
    );
  });
});

test("init --force replaces existing files atomically (a new inode, no temp file left)", async () => {
  await withTempDir(async (dir) => {
    assert.equal(runInit([], dir).status, 0);
    const path = join(dir, "fpm-graceful/k8s/app.yaml");
    await writeFile(path, "mine\n");
    const before = await stat(path);
    const run = runInit(["--force"], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(await readFile(path, "utf8"), /^# Timeline/);
    // Written beside and renamed over: a reader sees the old file or the new one, never half of one.
    assert.notEqual((await stat(path)).ino, before.ino);
    assert.deepEqual(await listFiles(join(dir, "fpm-graceful")), [
      ".fpm-graceful.yaml",
      "Dockerfile",
      "k8s/app.yaml",
    ]);
  });
});

test("init: bad options are usage errors (exit 2) that say what was expected", async () => {
  await withTempDir(async (dir) => {
    const cases: [string[], RegExp][] = [
      [["--topology", "mesh"], /expected one of sidecar, separate, got 'mesh'/],
      [["--replicas", "0"], /expected a whole number of at least 1, got '0'/],
      [["--propagation", "soon"], /expected a duration like 5s/],
      [["--max-request", "0s"], /--max-request 0s: expected at least 1s/],
      [["--kube-version", "1.19"], /init supports Kubernetes 1\.21 and later/],
      [["--name", "Shop_App"], /--name 'Shop_App': expected a DNS-1123 label/],
      [["--namespace", "-x"], /--namespace '-x': expected a DNS-1123 label/],
    ];
    for (const [args, message] of cases) {
      const run = runInit(args, dir);
      assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(" "));
    }
    assert.deepEqual(await readdir(dir), [], "nothing written");
  });
});

test("writeGeneratedFiles: an existing target refuses all, a path in the way is a write error", async () => {
  await withTempDir(async (dir) => {
    const files = generateInit(DEFAULT_INIT_OPTIONS);
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\n");
    await assert.rejects(
      writeGeneratedFiles(dir, files, { force: false }),
      (e: unknown) =>
        e instanceof InitWriteError && e.code === "exists" && e.file === join(dir, "Dockerfile"),
    );
    assert.deepEqual(await readdir(dir), ["Dockerfile"]);
    // A file where the k8s directory should be.
    await writeFile(join(dir, "k8s"), "");
    await assert.rejects(
      writeGeneratedFiles(dir, files, { force: true }),
      (e: unknown) => e instanceof InitWriteError && e.code === "write-failed" && /k8s/.test(e.file),
    );
    const written = await writeGeneratedFiles(join(dir, "fresh"), files, { force: false });
    assert.deepEqual(
      written,
      files.map((f) => join(dir, "fresh", f.path)),
    );
    assert.deepEqual(await listFiles(join(dir, "fresh")), files.map((f) => f.path).sort(), "no temp files");
  });
});
