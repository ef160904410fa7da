import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import jsonpatch from "fast-json-patch";
import { diffJson, escapePointerToken, pointer } from "../../src/webhook/json-patch.js";

function apply(before: unknown, operations: unknown[]): unknown {
  return jsonpatch.applyPatch(structuredClone(before), operations as jsonpatch.Operation[], true, false)
    .newDocument;
}

test("json pointer: ~ is escaped before /, so keys with both read back (RFC 6901)", () => {
  assert.equal(escapePointerToken("fpm-graceful.io/inject"), "fpm-graceful.io~1inject");
  assert.equal(escapePointerToken("a~b"), "a~0b");
  assert.equal(escapePointerToken("~1"), "~01");
  assert.equal(escapePointerToken("a/~b"), "a~1~0b");
  assert.equal(
    pointer(["metadata", "labels", "fpm-graceful.io/inject"]),
    "/metadata/labels/fpm-graceful.io~1inject",
  );
  assert.equal(pointer(["spec", "containers", 0]), "/spec/containers/0");
});

test("diff: keys with / and ~ are added, replaced and removed through escaped pointers", () => {
  const before = { metadata: { labels: { "fpm-graceful.io/inject": "true", "a~b": "1", "~1": "x" } } };
  const after = { metadata: { labels: { "fpm-graceful.io/inject": "false", "a~b/c": "2", "~1": "x" } } };
  const operations = diffJson(before, after);
  assert.deepEqual(operations, [
    { op: "remove", path: "/metadata/labels/a~0b" },
    { op: "replace", path: "/metadata/labels/fpm-graceful.io~1inject", value: "false" },
    { op: "add", path: "/metadata/labels/a~0b~1c", value: "2" },
  ]);
  assert.deepEqual(apply(before, operations), after);
});

test("diff: equal values give no operations; lists grow at the end and shrink from the end", () => {
  assert.deepEqual(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), []);
  const before = { list: [1, 2, 3, 4] };
  const after = { list: [1, 9] };
  const operations = diffJson(before, after);
  assert.deepEqual(operations, [
    { op: "replace", path: "/list/1", value: 9 },
    { op: "remove", path: "/list/3" },
    { op: "remove", path: "/list/2" },
  ]);
  assert.deepEqual(apply(before, operations), after);
  assert.deepEqual(apply({ l: [1] }, diffJson({ l: [1] }, { l: [1, 2, 3] })), { l: [1, 2, 3] });
  assert.deepEqual(apply({ x: { y: 1 } }, diffJson({ x: { y: 1 } }, { x: [1] })), { x: [1] });
});

test("diff: applying diff(a, b) to a gives b, for any JSON values (property)", () => {
  const key = fc.oneof(
    fc.constantFrom("a", "b", "a/b", "a~b", "~0", "~1", "/", "~", ""),
    fc.string({ maxLength: 4 }),
  );
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: "small" },
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 5 })),
      fc.array(tie("tree"), { maxLength: 4 }),
      fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
    ),
  }));
  const root = fc.dictionary(key, tree, { maxKeys: 5 });
  fc.assert(
    fc.property(root, root, (a, b) => {
      // JSON round trip: fast-check dictionaries may carry __proto__ keys that JSON text would not.
      const before = JSON.parse(JSON.stringify(a));
      const after = JSON.parse(JSON.stringify(b));
      assert.deepEqual(apply(before, diffJson(before, after)), after);
    }),
    { numRuns: 300 },
  );
});
