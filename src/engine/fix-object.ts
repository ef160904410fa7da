import { withEdits } from "../fix/object.js";
import type { ManifestEdit } from "../fix/types.js";
import type { Assumptions } from "../model/types.js";
import type { Finding } from "../rules/types.js";
import { type CheckResult, checkSources } from "./check.js";
import { collectEdits, type FixApplier, fixUntilStable } from "./fix-loop.js";

/** The path an object checked alone is given: its findings' edits name it. */
const OBJECT_PATH = "<object>";

/** What the rules' fixes did to one object, and what they could not do there. */
export interface ObjectFixes {
  /**
   * The fixed copy (`object` itself when no fix applies). `object` is never changed; what no fix touched is
   * shared with it, not copied.
   */
  fixed: Record<string, unknown>;
  /** `rule: description` of each fix applied, over all passes. */
  applied: string[];
  /** Fixes that need another object or a file (a ConfigMap, a PodDisruptionBudget, a Dockerfile). */
  skipped: string[];
}

/**
 * Applies the rules' fixes to one Kubernetes object (the admission webhook's input) until nothing more
 * applies: the engine's one loop (`fix-loop.ts`) with the object applier. Fixes that need other objects
 * (a new ConfigMap) or files (a Dockerfile) are left out: they are listed in `skipped`, and the
 * validating webhook still reports their findings.
 *
 * @example
 *   const { fixed, applied } = fixManifestObject(deployment, { assumptions: DEFAULT_ASSUMPTIONS });
 */
export function fixManifestObject(
  object: Record<string, unknown>,
  options: { assumptions: Assumptions },
): ObjectFixes {
  const check = (state: Record<string, unknown>): CheckResult =>
    checkSources([{ path: OBJECT_PATH, kind: "kubernetes", text: "", values: [modelView(state)] }], {
      assumptions: options.assumptions,
    });
  const applier: FixApplier<Record<string, unknown>> = {
    check,
    apply: (state, result) => {
      const usable = result.findings.filter((f) => f.autofix && onThisObject(f));
      if (usable.length === 0) return undefined;
      // Copied only along the edits' paths: the rest of the object is shared with the state before.
      const edits = usable.flatMap((finding) => collectEdits([finding]) as ManifestEdit[]);
      const fixed = withEdits(state, edits);
      return { state: fixed, result: check(fixed), applied: usable };
    },
  };
  const { state, result, passes } = fixUntilStable(object, applier);
  const described = (f: Finding) => `${f.rule}: ${f.autofix?.description}`;
  return {
    fixed: state,
    applied: passes.flatMap((p) => p.applied.map(described)),
    skipped: result.findings.filter((f) => f.autofix && !onThisObject(f)).map(described),
  };
}

/** Whether every edit of a finding's fix changes the object itself (not a file, not a new object). */
function onThisObject(finding: Finding): boolean {
  return (finding.autofix?.edits ?? []).every(
    (e) => e.kind === "manifest" && e.file === OBJECT_PATH && e.documentIndex === 0,
  );
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
