import { checkSources } from "../check.js";
import type { Assumptions } from "../model/types.js";
import { collectEdits } from "./engine.js";
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

/**
 * Applies the rules' fixes to one Kubernetes object (the admission webhook's input) and returns the fixed
 * copy. Fixes that need other objects (a new ConfigMap) or files (a Dockerfile) are left out: they are
 * listed in `skipped`, and the validating webhook still reports their findings.
 *
 * @example
 *   const { fixed, applied } = fixManifestObject(deployment, { assumptions: DEFAULT_ASSUMPTIONS });
 */
export function fixManifestObject(
  object: Record<string, unknown>,
  options: { assumptions: Assumptions },
): { fixed: Record<string, unknown>; applied: string[]; skipped: string[] } {
  const path = "<object>";
  const result = checkSources([{ path, kind: "kubernetes", text: JSON.stringify(object) }], {
    assumptions: options.assumptions,
  });
  const fixed = structuredClone(object);
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const finding of result.findings) {
    const fix = finding.autofix;
    if (!fix) continue;
    const usable = fix.edits.every((e) => e.kind === "manifest" && e.file === path && e.documentIndex === 0);
    if (!usable) {
      skipped.push(`${finding.rule}: ${fix.description}`);
      continue;
    }
    for (const edit of collectEdits([finding])) applyToObject(fixed, edit as ManifestEdit);
    applied.push(`${finding.rule}: ${fix.description}`);
  }
  return { fixed, applied, skipped };
}
