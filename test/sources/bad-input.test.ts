import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkPaths } from "../../src/index.js";
import type { Problem } from "../../src/model/types.js";
import { runCli, STACK_TRACE } from "../cli/run-cli.js";

const FIXTURES = "test/fixtures/bad-input";
/** Any one bad input is answered well within this; the alias bomb and the 50 MB file included. */
// A guard against hangs (an alias bomb expanding, a parser looping), not a performance figure: generous
// enough for a loaded 2-core machine; the speed of check is measured in `npm run bench`.
const TIME_LIMIT_MS = 30_000;

async function problemsOf(path: string): Promise<{ problems: Problem[]; workloads: number; ms: number }> {
  const started = performance.now();
  const { result } = await checkPaths([path]);
  const ms = performance.now() - started;
  assert.ok(ms < TIME_LIMIT_MS, `${path} took ${Math.round(ms)} ms`);
  return { problems: result.problems, workloads: result.workloads.length, ms };
}

/** Each case: a file, and the problems it must give (code, line, column, message). */
const CASES: { file: string; expect: [Problem["code"], number, number, RegExp][] }[] = [
  { file: "broken.yaml", expect: [["yaml-syntax", 7, 1, /Flow map .* end with a \}/]] },
  { file: "truncated.yaml", expect: [["yaml-syntax", 5, 15, /Missing closing "quote/]] },
  { file: "tabs.yaml", expect: [["yaml-syntax", 4, 1, /^tab used for indentation/]] },
  { file: "duplicate-keys.yaml", expect: [["yaml-syntax", 5, 3, /^duplicate key/]] },
  { file: "alias-bomb.yaml", expect: [["yaml-syntax", 8, 10, /^too many aliases \(an alias bomb\?\)/]] },
  { file: "scalar-document.yaml", expect: [["not-an-object", 6, 1, /not a Kubernetes object/]] },
  {
    file: "wrong-types.yaml",
    expect: [
      ["invalid-field", 8, 13, /^spec\.replicas must be an integer, got "3"$/],
      [
        "invalid-field",
        11,
        38,
        /^spec\.template\.spec\.terminationGracePeriodSeconds must be an integer, got "30s"$/,
      ],
      ["invalid-field", 15, 20, /containers\[0\]\.command must be a list of strings, got "sh -c x"$/],
      ["invalid-field", 16, 22, /containers\[0\]\.lifecycle must be a mapping, got a list$/],
    ],
  },
  {
    file: "negative-grace.yaml",
    expect: [["invalid-field", 8, 38, /terminationGracePeriodSeconds must not be negative \(got -5\)$/]],
  },
  {
    file: "notes.txt",
    expect: [["unknown-file-type", 1, 1, /^unknown file type: expected Kubernetes YAML/]],
  },
];

for (const { file, expect } of CASES) {
  test(`bad input: ${file} is ${expect.map(([code, line, column]) => `${code} at ${line}:${column}`).join(", ")}`, async () => {
    const path = `${FIXTURES}/${file}`;
    const { problems } = await problemsOf(path);
    assert.equal(problems.length, expect.length, JSON.stringify(problems, null, 2));
    expect.forEach(([code, line, column, message], i) => {
      const problem = problems[i];
      assert.ok(problem);
      assert.deepEqual(
        [problem.file, problem.code, problem.line, problem.column],
        [path, code, line, column],
      );
      assert.match(problem.message, message);
    });
  });
}

test("bad input: through the CLI, every bad file is exit 2 with file:line and no stack trace", () => {
  for (const { file, expect } of CASES) {
    const run = runCli(["check", "--format", "json", `${FIXTURES}/${file}`]);
    assert.equal(run.status, 2, file);
    assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE, file);
    const [, line, column] = expect[0] ?? [];
    assert.match(run.stderr, new RegExp(`^fpm-graceful: ${FIXTURES}/${file}:${line}:${column}: `), file);
    assert.ok(run.ms < TIME_LIMIT_MS + 1_000, `${file} took ${Math.round(run.ms)} ms`);
  }
});

test("bad input: unknown kinds and API versions are skipped silently", async () => {
  assert.deepEqual(await problemsOf(`${FIXTURES}/unknown-kind.yaml`).then((r) => [r.problems, r.workloads]), [
    [],
    0,
  ]);
});

test("bad input: empty documents (--- with only comments) are nothing, not a problem", async () => {
  assert.deepEqual((await problemsOf(`${FIXTURES}/empty-documents.yaml`)).problems, []);
});

test("bad input: a JSON List manifest is read like YAML", async () => {
  const { result } = await checkPaths(["test/fixtures/inputs/list.json", "examples/recommended/Dockerfile"]);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.workloads.map((w) => [w.id, w.file]),
    [["Deployment/shop/app", "test/fixtures/inputs/list.json"]],
  );
  assert.deepEqual(result.findings, []);
});

test("bad input: a directory walk reads manifests and Dockerfiles and skips README.md", async () => {
  const { result } = await checkPaths(["test/fixtures/cli/walk"]);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.workloads.map((w) => w.file),
    ["test/fixtures/cli/walk/k8s/app.yaml"],
  );
  assert.deepEqual(result.findings, []);
});

test("bad input: a path that does not exist is a problem at its name", async () => {
  const { problems } = await problemsOf("test/fixtures/no-such-file.yaml");
  assert.deepEqual(problems, [
    {
      file: "test/fixtures/no-such-file.yaml",
      line: 1,
      column: 1,
      code: "unreadable",
      message: "cannot read: no such file or directory",
    },
  ]);
});

/** Files that are generated rather than committed: encodings, binary, empty, and one of 50 MB. */
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-bad-input-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(name: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

test("encodings: UTF-16 LE and BE with a BOM, and UTF-8 with a BOM, are read like UTF-8", async () => {
  const text = await readFile("examples/recommended/app.yaml", "utf8");
  const swapped = Buffer.from(text, "utf16le");
  swapped.swap16();
  const inputs = [
    await written("utf16le.yaml", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])),
    await written("utf16be.yaml", Buffer.concat([Buffer.from([0xfe, 0xff]), swapped])),
    await written("utf8bom.yaml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
  ];
  const { result: plain } = await checkPaths(["examples/recommended/app.yaml"]);
  for (const path of inputs) {
    const { result } = await checkPaths([path]);
    assert.deepEqual(result.problems, [], path);
    assert.deepEqual(
      result.findings.map((f) => [f.rule, f.line, f.column]),
      plain.findings.map((f) => [f.rule, f.line, f.column]),
      `${path}: same findings at the same lines and columns`,
    );
    assert.equal(result.workloads[0]?.line, plain.workloads[0]?.line);
  }
});

test("binary and empty files named explicitly are problems; in a directory they are skipped", async () => {
  const binary = await written(
    "image.yaml",
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  );
  const empty = await written("empty.yaml", "");
  const blank = await written("blank.yaml", "\n  \n");
  assert.deepEqual(
    (await problemsOf(binary)).problems.map((p) => [p.code, p.line, p.message]),
    [["binary", 1, "binary file: not UTF-8 or UTF-16 text"]],
  );
  for (const path of [empty, blank]) {
    assert.deepEqual(
      (await problemsOf(path)).problems.map((p) => [p.code, p.line, p.message]),
      [["empty", 1, "empty file: nothing to check"]],
    );
  }
  assert.deepEqual((await problemsOf(dir)).problems, []);
});

test("a 50 MB manifest is refused by size, at once, without being parsed", async () => {
  const path = join(dir, "huge.yaml");
  const document = await readFile("examples/seed/deployment.yaml", "utf8");
  const chunk = `${document}\n---\n`.repeat(256);
  const copies = Math.ceil((50 * 1024 * 1024) / Buffer.byteLength(chunk));
  await writeFile(path, chunk.repeat(copies));
  const { problems, ms } = await problemsOf(path);
  assert.deepEqual(
    problems.map((p) => [p.file, p.line, p.column, p.code]),
    [[path, 1, 1, "too-large"]],
  );
  assert.match(
    problems[0]?.message ?? "",
    /^file is 5\d\.\d MiB, over the 8\.0 MiB limit \(--max-file-size\)$/,
  );
  assert.ok(ms < 1_000, `refused in ${Math.round(ms)} ms`);
  const run = runCli(["check", path]);
  assert.equal(run.status, 2);
  assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE);
  await rm(path);
});

test("a manifest piped on stdin over the size limit is refused too", () => {
  const run = runCli(["check", "--max-file-size", "1KiB", "-"], {
    input: "apiVersion: v1\nkind: ConfigMap\n".repeat(100),
  });
  assert.equal(run.status, 2);
  assert.match(run.stdout, /^problem <stdin>:1:1 standard input: reading stopped at the 1 KiB limit/m);
});
