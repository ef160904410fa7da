import type { ManifestEdit } from "./types.js";

type Node = Record<string | number, unknown>;

/** Sets (or appends to) a value at a key path of a plain object, creating maps on the way. */
export function applyToObject(root: Record<string, unknown>, edit: ManifestEdit): void {
  applyAt(root, edit, (node, key) => {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = {};
    return node[key] as Node;
  });
}

/**
 * `root` with the edits applied, `root` itself left as it was: only the maps and lists on the edits' paths
 * are copied, the rest is shared. A webhook's object is mostly what no fix touches: copying all of it for
 * each pass was a tenth of a mutation, and the patch's diff skips what is shared at once.
 *
 * @example
 *   const fixed = withEdits(deployment, edits); // deployment unchanged; fixed.status === deployment.status
 */
export function withEdits(
  root: Record<string, unknown>,
  edits: readonly ManifestEdit[],
): Record<string, unknown> {
  const copies = new WeakSet<object>();
  const copy = (node: object): Node => {
    const copied = (Array.isArray(node) ? [...node] : { ...node }) as Node;
    copies.add(copied);
    return copied;
  };
  const fixed = copy(root);
  for (const edit of edits) {
    applyAt(fixed, edit, (node, key) => {
      const next = node[key];
      if (next === null || typeof next !== "object") {
        node[key] = {};
        copies.add(node[key] as object);
      } else if (!copies.has(next)) node[key] = copy(next);
      return node[key] as Node;
    });
  }
  return fixed;
}

/** Walks to the edit's parent node through `child` (which makes or copies each step) and sets the value. */
function applyAt(root: Node, edit: ManifestEdit, child: (node: Node, key: string | number) => Node): void {
  let node = root;
  for (const key of edit.path.slice(0, -1)) node = child(node, key);
  const last = edit.path.at(-1);
  if (last === undefined) return;
  if (edit.op === "append") {
    const list = Array.isArray(node[last]) ? (node[last] as unknown[]) : [];
    node[last] = [...list, structuredClone(edit.value)];
  } else {
    node[last] = structuredClone(edit.value);
  }
}
