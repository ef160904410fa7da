import type { CheckResult } from "../engine/check.js";
import { neutralizeWorkflowCommandsInJson } from "../escape.js";

/** The documented JSON contract: `findings`, `problems`, `workloads` (each with its `timeline`). */
export function formatJson(result: CheckResult): string {
  // Infinity (a container serving until SIGKILL) has no JSON spelling: JSON.stringify writes null, which
  // says "never". No replacer function: one turns V8's fast serializer off (a third of a second on 10,000
  // workloads).
  return neutralizeWorkflowCommandsInJson(`${JSON.stringify(result, undefined, 2)}\n`);
}
