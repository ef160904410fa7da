import type { CheckResult } from "../engine/check.js";
import { neutralizeWorkflowCommandsInJson } from "../escape.js";

/** The documented JSON contract: `findings`, `problems`, `workloads` (each with its `timeline`). */
export function formatJson(result: CheckResult): string {
  // Infinity (a container serving until SIGKILL) has no JSON spelling: null says "never".
  return neutralizeWorkflowCommandsInJson(
    `${JSON.stringify(result, (_key, value) => (value === Number.POSITIVE_INFINITY ? null : value), 2)}\n`,
  );
}
