import { type FixTargets, fixTargets, GRACE_MARGIN_SECONDS } from "../advice/values.js";
import { drainHookMaxSeconds } from "../drain/hook.js";
import { buildModel } from "../model/build.js";
import { computeTimeline } from "../timeline/timeline.js";
import { asSourceFiles, workloadFiles } from "./files.js";
import { initDrainParams, namesOf } from "./objects.js";
import { type InitOptions, usesNativeSidecar } from "./options.js";
import { type InitValues, initAssumptions } from "./values.js";

/**
 * The values `fix` would write: the setup is first rendered with no preStop, no process_control_timeout and
 * no grace period, read back by the model, and each workload's `fixTargets` (src/advice/values.ts) gives its
 * numbers. There is one formula for these values, and `init`, `fix` and the webhook share it.
 *
 * @example
 *   initValues({ ...DEFAULT_INIT_OPTIONS, kubeVersion: "1.28" }).fpm;
 *   // { preStopSeconds: 7, processControlTimeoutSeconds: 65, gracePeriodSeconds: 77, nativeSleep: false }
 */
export function initValues(options: InitOptions): InitValues {
  const none: FixTargets = {
    preStopSeconds: 0,
    processControlTimeoutSeconds: 0,
    gracePeriodSeconds: 0,
    nativeSleep: false,
  };
  const skeleton: InitValues = {
    fpm: none,
    nginx: options.topology === "separate" ? none : undefined,
    longestRequestSeconds: Math.ceil(options.maxRequestSeconds),
    nativeSidecar: usesNativeSidecar(options),
  };
  const model = buildModel(asSourceFiles(workloadFiles(options, skeleton)));
  const assumptions = initAssumptions(options);
  const targetsOf = (name: string): FixTargets => {
    const workload = model.workloads.find((w) => w.kind === "Deployment" && w.name === name);
    if (!workload) throw new Error(`init: the model read no Deployment ${name} from the generated setup`);
    return fixTargets(workload, computeTimeline(workload, assumptions), assumptions);
  };
  const names = namesOf(options.name);
  // The drain hook may run its propagation wait, its idle bound and its exit bound: the grace covers them.
  const withHook = (t: FixTargets): FixTargets =>
    options.drainHook
      ? {
          ...t,
          gracePeriodSeconds: Math.max(
            t.gracePeriodSeconds,
            Math.ceil(drainHookMaxSeconds(initDrainParams(t))) + GRACE_MARGIN_SECONDS,
          ),
        }
      : t;
  if (options.topology === "sidecar") return { ...skeleton, fpm: withHook(targetsOf(names.app)) };
  return { ...skeleton, fpm: withHook(targetsOf(names.fpm)), nginx: targetsOf(names.nginx) };
}
