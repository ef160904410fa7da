import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { checkSources } from "../../src/engine/check.js";
import { collectEdits } from "../../src/engine/fix-loop.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { decodeSource, kindFromName, type SourceFile } from "../../src/sources/files.js";

const DIR = "test/fixtures/fix";
const options = { assumptions: DEFAULT_ASSUMPTIONS };

function read(path: string, text = readFileSync(path, "utf8")): SourceFile {
  const file = decodeSource(path, Buffer.from(text), kindFromName(path), true);
  assert.ok(file && !("code" in file), `${path} reads`);
  return file as SourceFile;
}

/** `fix` in memory: the run, and the files as it leaves them. */
function fix(files: SourceFile[]) {
  const run = fixSources(files, options);
  assert.deepEqual(run.failures, []);
  const fixed = files.map((f) => read(f.path, run.changes.find((c) => c.file === f.path)?.after ?? f.text));
  return { run, fixed };
}

/**
 * The documents as plain values with every place the fix wrote removed (the first key on each edited path
 * that the original did not have, or the edited value itself): what no rule touched must be equal.
 */
function untouched(
  text: string,
  paths: (string | number)[][],
  original: unknown[],
  documents: number,
): unknown[] {
  const docs = parseAllDocuments(text.replace(/\r\n/g, "\n"));
  const values = (Array.isArray(docs) ? docs : []).map(
    (d) => d.toJS({ maxAliasCount: 100 }) as Record<string, unknown>,
  );
  for (const path of paths) {
    const [index, ...keys] = path as [number, ...(string | number)[]];
    let depth = 0;
    let probe = original[index] as Record<string | number, unknown> | undefined;
    while (
      depth < keys.length - 1 &&
      probe &&
      typeof probe === "object" &&
      (keys[depth] as string) in probe
    ) {
      probe = probe[keys[depth] as string] as Record<string | number, unknown>;
      depth++;
    }
    let node: Record<string | number, unknown> | undefined = values[index];
    for (const key of keys.slice(0, depth))
      node = node?.[key] as Record<string | number, unknown> | undefined;
    if (node) delete node[keys[depth] as string];
  }
  return values.slice(0, documents);
}

/** Every manifest path any pass of the fix wrote, as `[documentIndex, ...path]`. */
function fixEditsOf(original: SourceFile): (string | number)[][] {
  const edits = fixSources([original], options).fixesByPass.flatMap((pass) => collectEdits(pass));
  return edits.flatMap((e) => (e.kind === "manifest" ? [[e.documentIndex, ...e.path]] : []));
}

function plain(text: string): unknown[] {
  const docs = parseAllDocuments(text.replace(/\r\n/g, "\n"));
  return (Array.isArray(docs) ? docs : []).map((d) => d.toJS({ maxAliasCount: 100 }));
}

const comments = (text: string) =>
  text
    .split(/\r?\n/)
    .filter((l) => l.trim().startsWith("#"))
    .map((l) => l.trim());

for (const name of readdirSync(DIR).sort()) {
  const path = join(DIR, name);
  test(`fix round trip: ${name}: check is clean after, a second fix changes nothing, nothing else changed`, () => {
    const original = read(path);
    const { run, fixed } = fix([original]);
    assert.ok(run.changes.length > 0, "the fixture has something to fix");
    const after = fixed[0] as SourceFile;

    // Every error left is one no fix can make from these files alone (e.g. an image with no Dockerfile).
    const fixableErrors = run.after.findings.filter((f) => f.severity === "error" && f.autofix);
    assert.deepEqual(
      fixableErrors.map((f) => `${f.rule} ${f.line}:${f.column}`),
      [],
    );

    assert.deepEqual(fix([after]).run.changes, [], "a second fix changes nothing");

    if (!name.endsWith(".json")) {
      const before = plain(original.text);
      const allEdits = fixEditsOf(original);
      assert.deepEqual(
        untouched(after.text, allEdits, before, before.length),
        untouched(original.text, allEdits, before, before.length),
      );
      for (const comment of comments(original.text))
        assert.ok(after.text.includes(comment), `comment kept: ${comment}`);
      assert.equal(after.text.includes("\r\n"), original.text.includes("\r\n"), "line endings kept");
    } else {
      assert.doesNotThrow(() => JSON.parse(after.text), "a JSON manifest stays JSON");
    }
  });
}

test("fix keeps an unrelated document byte for byte", () => {
  const original = read(join(DIR, "multi-doc.yaml"));
  const { fixed } = fix([original]);
  const service = (text: string) => {
    const start = text.indexOf("# an unrelated document");
    return text.slice(
      start,
      text.indexOf("\n", text.indexOf("ports: [{port: 80, targetPort: 8080}]", start)) + 1,
    );
  };
  assert.equal(service((fixed[0] as SourceFile).text), service(original.text));
});

test("fix of the seed example: STOPSIGNAL stays, the php.ini RUN becomes a [global] php-fpm file, the kill goes", () => {
  const files = ["examples/seed/deployment.yaml", "examples/seed/Dockerfile"].map((p) => read(p));
  const { fixed } = fix(files);
  const [manifest, dockerfile] = fixed as [SourceFile, SourceFile];
  assert.match(
    dockerfile.text,
    /RUN printf '\[global\]\\nprocess_control_timeout = 35s\\n' > \/usr\/local\/etc\/php-fpm.d\/zz-graceful.conf/,
  );
  assert.doesNotMatch(dockerfile.text, /conf\.d\/graceful\.ini/);
  assert.doesNotMatch(manifest.text, /kill -SIGQUIT/);
  assert.deepEqual(
    checkSources(fixed, options).findings.filter((f) => f.severity !== "info"),
    [],
  );
});
