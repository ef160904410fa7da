import { fixManifestObject } from "../fix/object.js";
import { MAX_FIX_PASSES } from "../fix/run.js";
import type { Assumptions } from "../model/types.js";

/** What the rules' fixes did to one admitted object, and what they could not do there. */
export interface ObjectFixes {
  fixed: Record<string, unknown>;
  /** `rule: description` of each fix applied, over all passes. */
  applied: string[];
  /** Fixes that need another object or a file (a ConfigMap, a PodDisruptionBudget, a Dockerfile). */
  skipped: string[];
}

/**
 * The webhook's only way to change an object: the fix engine's `fixManifestObject`, run as `fix` runs
 * (a fix can reveal the next one, so passes repeat until nothing applies). No rule logic lives here.
 *
 * @example
 *   const { fixed, applied } = fixObject(deployment, { assumptions: DEFAULT_ASSUMPTIONS });
 */
export function fixObject(
  object: Record<string, unknown>,
  options: { assumptions: Assumptions },
): ObjectFixes {
  let fixed = object;
  const applied: string[] = [];
  let skipped: string[] = [];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const result = fixManifestObject(fixed, options);
    // The engine's result type may grow; `skipped` is optional for the adapter's sake.
    skipped = (result as { skipped?: string[] }).skipped ?? [];
    if (result.applied.length === 0) break;
    applied.push(...result.applied);
    fixed = result.fixed;
  }
  return { fixed, applied, skipped };
}
