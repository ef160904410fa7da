/**
 * The numbers a generated setup is written with, as a type the templates (files, manifests, objects,
 * texts) read; `targets.ts` computes them by reading a skeleton of those templates back. Kept apart so
 * that the templates and the computation do not import each other.
 */
import type { FixTargets } from "../advice/values.js";
import type { Assumptions } from "../model/types.js";
import type { InitOptions } from "./options.js";

/** The numbers a generated setup is written with. */
export interface InitValues {
  /** The php-fpm workload's preStop, process_control_timeout and grace period (the one pod, sidecar topology). */
  fpm: FixTargets;
  /** The nginx Deployment's (separate topology only). */
  nginx: FixTargets | undefined;
  /** `request_terminate_timeout`: `--max-request` in whole seconds (php-fpm reads no fractions). */
  longestRequestSeconds: number;
  /** php-fpm as a native sidecar (init container with `restartPolicy: Always`) behind nginx. */
  nativeSidecar: boolean;
}

/** The model's assumptions for a setup made with these options: what `check` must be run with. */
export function initAssumptions(options: InitOptions): Assumptions {
  return {
    propagationSeconds: options.propagationSeconds,
    maxRequestSeconds: Math.ceil(options.maxRequestSeconds),
    kubeVersion: options.kubeVersion,
  };
}
