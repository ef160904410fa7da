import { checkSources } from "../check.js";
import type { Assumptions } from "../model/types.js";
import { collectEdits } from "./engine.js";
import { applyToObject } from "./object-edit.js";
import type { ManifestEdit } from "./types.js";

/**
 * Applies the rules' fixes to one Kubernetes object (the admission webhook's input) and returns the fixed
 * copy (`object` itself, unchanged, when no fix applies). Fixes that need other objects (a new ConfigMap) or files (a Dockerfile) are left out: they are
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
  const result = checkSources([{ path, kind: "kubernetes", text: "", values: [modelView(object)] }], {
    assumptions: options.assumptions,
  });
  // Copied only when a fix applies: most objects a webhook sees, and every confirming pass, need none.
  let fixed: Record<string, unknown> | undefined;
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
    fixed ??= structuredClone(object);
    for (const edit of collectEdits([finding])) applyToObject(fixed, edit as ManifestEdit);
    applied.push(`${finding.rule}: ${fix.description}`);
  }
  return { fixed: fixed ?? object, applied, skipped };
}

/**
 * The part of an object the model reads: `status` and `metadata.managedFields` (often most of an object the
 * API server sends) are left out, so the check builds no nodes for them. Key paths stay the same.
 */
function modelView(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = object;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))
    return { ...rest, metadata };
  const { managedFields: _managedFields, ...kept } = metadata as Record<string, unknown>;
  return { ...rest, metadata: kept };
}
