import { processControlTimeout } from "../model/effective.js";
import { supports } from "../model/features.js";
import type { Assumptions, Container, Workload } from "../model/types.js";
import type { Timeline } from "../timeline/types.js";

/**
 * The values every fix of a workload writes, computed once so that fixes from different rules agree: a
 * preStop delay covering endpoint propagation, a process_control_timeout covering the longest request, and
 * a grace period covering both with a margin. Values already safe are kept; nothing is lowered.
 */
export interface FixTargets {
  preStopSeconds: number;
  processControlTimeoutSeconds: number;
  gracePeriodSeconds: number;
  nativeSleep: boolean;
}

/** Seconds beyond the propagation budget, and beyond preStop + drain, that a fix adds as margin. */
export const PRESTOP_MARGIN_SECONDS = 2;
export const GRACE_MARGIN_SECONDS = 5;

export function preStopDelay(container: Container): number {
  const hook = container.preStop;
  return hook?.kind === "sleep" ? hook.seconds : hook?.kind === "exec" ? hook.analysis.delaySeconds : 0;
}

/** What the recommended values are computed from: the assumptions, and what a workload already has. */
export interface RecommendInput {
  propagationSeconds: number;
  longestRequestSeconds: number;
  kubeVersion: string;
  /** Whether php-fpm is a native sidecar: it stops only after nginx has finished its own requests. */
  fpmIsSidecar: boolean;
  /** A preStop delay already long enough is kept (nothing is lowered). */
  existingPreStopSeconds?: number;
  existingProcessControlTimeoutSeconds?: number;
  existingGracePeriodSeconds?: number;
}

/**
 * The recommended values, from one formula: a preStop delay of the propagation budget plus
 * `PRESTOP_MARGIN_SECONDS`; a process_control_timeout of the longest request plus `GRACE_MARGIN_SECONDS`;
 * a grace period covering both (and nginx's drain before a sidecar php-fpm) plus the same margin. Every
 * finding's message, every fix, `init`, the webhook and `rehearse --strategy recommended` use it.
 *
 * @example
 *   recommend({ propagationSeconds: 5, longestRequestSeconds: 30, kubeVersion: "1.33", fpmIsSidecar: false });
 *   // { preStopSeconds: 7, processControlTimeoutSeconds: 35, gracePeriodSeconds: 47, nativeSleep: true }
 */
export function recommend(input: RecommendInput): FixTargets {
  const E = input.propagationSeconds;
  const R = Math.ceil(input.longestRequestSeconds);
  const existing = input.existingPreStopSeconds ?? 0;
  const preStopSeconds = Math.max(existing >= E ? existing : 0, Math.ceil(E) + PRESTOP_MARGIN_SECONDS);
  const currentPct = input.existingProcessControlTimeoutSeconds ?? 0;
  const processControlTimeoutSeconds = currentPct >= R ? currentPct : R + GRACE_MARGIN_SECONDS;
  const sidecarWait = input.fpmIsSidecar ? R : 0;
  const needed = preStopSeconds + sidecarWait + processControlTimeoutSeconds + GRACE_MARGIN_SECONDS;
  return {
    preStopSeconds,
    processControlTimeoutSeconds,
    gracePeriodSeconds: Math.max(input.existingGracePeriodSeconds ?? 0, needed),
    nativeSleep: supports(input.kubeVersion, "preStopSleep"),
  };
}

/** The recommended values for one workload, from its timeline and what it already has. */
export function fixTargets(workload: Workload, timeline: Timeline, assumptions: Assumptions): FixTargets {
  const serving = workload.containers.filter((c) => (c.role === "fpm" || c.role === "nginx") && !c.sidecar);
  const fpm = workload.containers.filter((c) => c.role === "fpm");
  return recommend({
    propagationSeconds: assumptions.propagationSeconds,
    longestRequestSeconds: timeline.longestRequestSeconds,
    kubeVersion: assumptions.kubeVersion,
    fpmIsSidecar: fpm.some((c) => c.sidecar),
    existingPreStopSeconds: Math.max(
      0,
      ...serving.map(preStopDelay).filter((d) => d >= assumptions.propagationSeconds),
    ),
    existingProcessControlTimeoutSeconds: Math.max(0, ...fpm.map((c) => processControlTimeout(c).value)),
    existingGracePeriodSeconds: timeline.gracePeriodSeconds,
  });
}
