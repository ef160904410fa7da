import type { CheckResult } from "../engine/check.js";
import type { WorkloadDrawing } from "./terminal.js";

export const BEFORE_TITLE = "as written";
export const AFTER_TITLE = "after fpm-graceful fix";

/**
 * Pairs each workload's timeline as written with its timeline after the fixes, by workload id, for
 * `timeline --compare`. A workload the fixed files no longer hold is drawn as written only.
 *
 * @example
 *   const drawings = pairTimelines(result, fixSources(files, options).after);
 */
export function pairTimelines(before: CheckResult, after: CheckResult): WorkloadDrawing[] {
  return before.workloads.map((w) => {
    const fixed = after.workloads.find((a) => a.id === w.id);
    return {
      workload: w.id,
      panels: [
        { title: BEFORE_TITLE, timeline: w.timeline },
        ...(fixed ? [{ title: AFTER_TITLE, timeline: fixed.timeline }] : []),
      ],
    };
  });
}
