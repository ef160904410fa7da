import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CheckOptions, checkSources } from "../../src/engine/check.js";
import { collectEdits } from "../../src/engine/fix-loop.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import type { SourceFile } from "../../src/sources/files.js";
import { appArb, commentPlanArb, manifestText } from "./manifests.js";
import { holds } from "./support.js";

/** Generated files of one to three apps with unrelated documents between them, for the fix properties. */
const RUNS = 100;

const caseArb = fc.record({
  apps: fc.array(appArb, { minLength: 1, maxLength: 3 }),
  plan: commentPlanArb,
  unrelated: fc.integer({ min: 0, max: 2 }),
  kubeVersion: fc.constantFrom("1.29", "1.31", "1.33"),
  propagationSeconds: fc.integer({ min: 0, max: 20 }),
  maxRequestSeconds: fc.integer({ min: 1, max: 120 }),
  crlf: fc.boolean(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function setUp(c: Case) {
  const manifest = manifestText(c.apps, c.plan, c.unrelated);
  const text = c.crlf ? manifest.text.replace(/\n/g, "\r\n") : manifest.text;
  const file: SourceFile = { path: "app.yaml", kind: "kubernetes", text };
  const options: CheckOptions = {
    assumptions: {
      ...DEFAULT_ASSUMPTIONS,
      kubeVersion: c.kubeVersion,
      propagationSeconds: c.propagationSeconds,
      maxRequestSeconds: c.maxRequestSeconds,
    },
  };
  return { manifest, file, options };
}

/** The documents of a YAML file, split at the `---` lines the writer puts between them. */
const documentsOf = (text: string) => text.split(/^---\r?$/m);

/** Every document index a manifest edit of any pass addressed (appended documents come after the originals). */
function editedDocuments(file: SourceFile, options: CheckOptions): Set<number> {
  const edits = fixSources([file], options).fixesByPass.flatMap((pass) => collectEdits(pass));
  return new Set(edits.flatMap((e) => (e.kind === "manifest" ? [e.documentIndex] : [])));
}

test("property: fix leaves a file that parses, with no fixable error left, every comment and untouched document kept, and a second fix changes nothing", () => {
  holds(
    "fix is complete and minimal",
    fc.property(caseArb, (c) => {
      const { manifest, file, options } = setUp(c);
      assert.deepEqual(checkSources([file], options).problems, [], "the generator writes valid manifests");
      const run = fixSources([file], options);
      assert.deepEqual(run.failures, []);
      const after = run.changes[0]?.after ?? file.text;
      const fixed: SourceFile = { ...file, text: after };

      const checked = checkSources([fixed], options);
      assert.deepEqual(checked.problems, [], "the fixed file parses");
      const fixableErrors = checked.findings.filter((f) => f.severity === "error" && f.autofix);
      assert.deepEqual(
        fixableErrors.map((f) => `${f.rule} ${f.workload} ${f.line}:${f.column}`),
        [],
        "no error with an autofix remains",
      );

      for (const comment of manifest.comments) assert.ok(after.includes(comment), `comment kept: ${comment}`);
      assert.equal(after.includes("\r\n"), file.text.includes("\r\n"), "line endings kept");

      const edited = editedDocuments(file, options);
      const before = documentsOf(file.text);
      const afterDocs = documentsOf(after);
      assert.ok(afterDocs.length >= before.length, "no document lost");
      before.forEach((doc, i) => {
        if (edited.has(i)) return;
        assert.equal(
          afterDocs[i],
          doc,
          `document ${i} (${manifest.kinds[i]}) was not targeted and is unchanged`,
        );
      });

      const second = fixSources([fixed], options);
      assert.deepEqual(second.failures, []);
      assert.equal(second.changes[0]?.after ?? after, after, "a second fix changes nothing");
    }),
    RUNS,
  );
});
