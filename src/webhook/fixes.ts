import { fixManifestObject, type ObjectFixes } from "../engine/fix-object.js";
import type { Assumptions } from "../model/types.js";

export type { ObjectFixes } from "../engine/fix-object.js";

/**
 * The webhook's only way to change an object: the engine's fix-until-stable loop with the object applier,
 * run as `fix` runs it (a fix can reveal the next one). No rule logic lives here.
 *
 * @example
 *   const { fixed, applied } = fixObject(deployment, { assumptions: DEFAULT_ASSUMPTIONS });
 */
export function fixObject(
  object: Record<string, unknown>,
  options: { assumptions: Assumptions },
): ObjectFixes {
  return fixManifestObject(object, options);
}
