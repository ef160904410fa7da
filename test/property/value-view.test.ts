/**
 * `ValueView` reads a JSON value exactly as `YamlView` reads the document the `yaml` library builds from
 * it (what `manifestsFromValues` did before it stopped building that document): every read of the view's
 * API, and every problem it records, is compared on arbitrary JSON values and on arrays with holes and
 * maps with undefined values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Document, LineCounter, type Node as YamlNode } from "yaml";
import { type DocumentContext, ValueView, YamlView } from "../../src/sources/yaml-view.js";
import { holds } from "./support.js";

function context(doc: Document.Parsed): DocumentContext {
  return { file: "x", doc, lineCounter: new LineCounter(), helmSource: undefined, problems: [], text: "" };
}

/** Everything the model can ask a view, down to `depth` levels, in one comparable value. */
function reads(view: YamlView, depth: number): unknown {
  const out: Record<string, unknown> = {
    isMap: view.isMap(),
    isSeq: view.isSeq(),
    isScalar: view.isScalar(),
    present: view.present(),
    scalar: view.scalar(),
    string: view.string(),
    integer: view.integer(),
    nonNegative: view.nonNegativeInteger(),
    strings: view.strings(),
    stringMap: view.stringMap(),
    mapping: view.mapping() !== undefined,
    loc: view.loc(),
  };
  if (depth > 0) {
    out.entries = view.entries().map(([key, child]) => [key, reads(child, depth - 1)]);
    out.items = view.items().map((child) => reads(child, depth - 1));
    out.get = ["a", "0", "name", "__proto__", "constructor"].map((key) => {
      const child = view.get(key);
      return child ? reads(child, 0) : undefined;
    });
  }
  return out;
}

function compare(value: unknown): void {
  const doc = new Document(value, { aliasDuplicateObjects: false }) as unknown as Document.Parsed;
  const fromDocument = context(doc);
  const fromValue = context(new Document() as unknown as Document.Parsed);
  const expected = reads(new YamlView(fromDocument, doc.contents as YamlNode, []), 3);
  const actual = reads(new ValueView(fromValue, value, []), 3);
  assert.deepEqual(actual, expected);
  assert.deepEqual(fromValue.problems, fromDocument.problems);
}

test("property: ValueView reads any JSON value as YamlView reads the Document built from it", () => {
  holds(
    "ValueView equals YamlView over new Document(value)",
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => compare(value)),
    500,
  );
});

test("ValueView: holes, undefined values, inherited and numeric keys read as their Document does", () => {
  // biome-ignore lint/suspicious/noSparseArray: a sparse array is the case under test.
  const sparse = ["a", , "c"];
  const cases: unknown[] = [
    sparse,
    { command: sparse },
    { a: undefined, b: 1 },
    [undefined, null, 0, "", false],
    { 0: "zero", 10: "ten", 2: "two" },
    { name: null, a: { b: [1, "2", 3.5, -1] } },
    JSON.parse('{"__proto__": {"a": 1}, "constructor": "x"}'),
    Object.create({ inherited: 1 }),
  ];
  for (const value of cases) compare(value);
});
