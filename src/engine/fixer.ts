import type { FixTargets } from "../advice/values.js";
import type { Workload } from "../model/types.js";
import type { Fixer } from "../rules/types.js";
import { processControlTimeoutFix, respellStopSignalFix, stopSignalFix } from "./edits/php-fpm.js";
import {
  combine,
  disruptionBudgetFix,
  gracePeriodFix,
  pid1Fix,
  readinessProbeFix,
  rollingUpdateFix,
} from "./edits/pod.js";
import { drainFixIfNeeded, preStopSleepFix } from "./edits/prestop.js";

/**
 * The `fixer` a rule's context carries: the edit builders of `edits/` bound to one workload and to the
 * values its fixes write (`fixTargets`, src/advice/values.ts). The engine makes one per workload checked.
 *
 * @example
 *   const fixer = fixerFor(workload, fixTargets(workload, timeline, assumptions));
 *   fixer.preStopSleep(workload.containers[0]);
 */
export function fixerFor(workload: Workload, targets: FixTargets): Fixer {
  return {
    gracePeriod: (seconds) =>
      gracePeriodFix(workload, seconds === undefined ? targets : { ...targets, gracePeriodSeconds: seconds }),
    preStopSleep: (container, options = {}) =>
      preStopSleepFix(
        workload,
        container,
        targets,
        options.seconds ?? targets.preStopSeconds,
        options.drainWhenNeeded ?? true,
      ),
    drainIfNeeded: (container) => drainFixIfNeeded(workload, container, targets),
    stopSignal: (container) => stopSignalFix(container),
    respellStopSignal: (container) => respellStopSignalFix(container),
    processControlTimeout: (container) => processControlTimeoutFix(workload, container, targets),
    readinessProbe: (container, port) => readinessProbeFix(workload, container, port),
    rollingUpdate: () => rollingUpdateFix(workload),
    disruptionBudget: () => disruptionBudgetFix(workload),
    execServer: (container) => pid1Fix(workload, container),
    combine,
  };
}
