import type { CheckResult } from "../engine/check.js";
import type { SuppressedFinding } from "../rules/types.js";

/**
 * The findings suppressions silenced. `CheckResult.suppressed` is filled by the engine's per-container
 * suppression; a result without it (an older library caller, a hand-made result) has none.
 */
export function suppressedOf(result: CheckResult): SuppressedFinding[] {
  return (result as CheckResult & { suppressed?: SuppressedFinding[] }).suppressed ?? [];
}
