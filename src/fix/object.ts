import type { ManifestEdit } from "./types.js";

/** Sets (or appends to) a value at a key path of a plain object, creating maps on the way. */
export function applyToObject(root: Record<string, unknown>, edit: ManifestEdit): void {
  let node: Record<string | number, unknown> = root;
  for (const key of edit.path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = edit.path.at(-1);
  if (last === undefined) return;
  if (edit.op === "append") {
    const list = Array.isArray(node[last]) ? (node[last] as unknown[]) : [];
    node[last] = [...list, structuredClone(edit.value)];
  } else {
    node[last] = structuredClone(edit.value);
  }
}
