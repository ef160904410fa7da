/**
 * RFC 6902 JSON Patch between two JSON values, as the API server applies a mutating webhook's answer.
 * Paths are RFC 6901 JSON Pointers: `~` is written `~0` and `/` is written `~1` (in that order), so a
 * key like `fpm-graceful.io/inject` becomes `/metadata/labels/fpm-graceful.io~1inject`.
 */

export type JsonPatchOperation =
  | { op: "add"; path: string; value: unknown }
  | { op: "replace"; path: string; value: unknown }
  | { op: "remove"; path: string };

/** One reference token of a JSON Pointer (RFC 6901 §3): `~` before `/`, or `a~1b` would read back wrong. */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

export function pointer(path: readonly (string | number)[]): string {
  return path.map((t) => `/${escapePointerToken(t)}`).join("");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The operations that turn `before` into `after`: maps are compared key by key, lists item by item
 * (items added at the end are `add`ed at their index, surplus items removed from the end backwards, so
 * every index is valid when the API server applies the operations in order). Equal values give `[]`.
 *
 * @example
 *   diffJson({ a: 1 }, { a: 1, b: { c: 2 } }); // [{ op: "add", path: "/b", value: { c: 2 } }]
 */
export function diffJson(before: unknown, after: unknown): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  walk(before, after, [], operations);
  return operations;
}

function walk(before: unknown, after: unknown, path: (string | number)[], out: JsonPatchOperation[]): void {
  // One value, not two equal ones: the fixed object shares what no fix touched with the original.
  if (before === after) return;
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) out.push({ op: "remove", path: pointer([...path, key]) });
    }
    for (const [key, value] of Object.entries(after)) {
      if (value === undefined) continue;
      if (!Object.hasOwn(before, key) || before[key] === undefined)
        out.push({ op: "add", path: pointer([...path, key]), value });
      else walk(before[key], value, [...path, key], out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) walk(before[i], after[i], [...path, i], out);
    for (let i = common; i < after.length; i++)
      out.push({ op: "add", path: pointer([...path, i]), value: after[i] });
    for (let i = before.length - 1; i >= after.length; i--)
      out.push({ op: "remove", path: pointer([...path, i]) });
    return;
  }
  // Scalars, or a map against a list: equal only when identical.
  if (before !== after) out.push({ op: "replace", path: pointer(path), value: after });
}
