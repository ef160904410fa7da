import { processControlTimeout, versionAtLeast } from "../model/effective.js";
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

export function fixTargets(workload: Workload, timeline: Timeline, assumptions: Assumptions): FixTargets {
  const E = assumptions.propagationSeconds;
  const serving = workload.containers.filter((c) => (c.role === "fpm" || c.role === "nginx") && !c.sidecar);
  const existing = Math.max(0, ...serving.map(preStopDelay).filter((d) => d >= E));
  const preStopSeconds = Math.max(existing, Math.ceil(E) + PRESTOP_MARGIN_SECONDS);
  const R = Math.ceil(timeline.longestRequestSeconds);
  const currentPct = Math.max(
    0,
    ...workload.containers.filter((c) => c.role === "fpm").map((c) => processControlTimeout(c).value),
  );
  const processControlTimeoutSeconds = currentPct >= R ? currentPct : R + GRACE_MARGIN_SECONDS;
  // A native php-fpm sidecar stops only after nginx has finished its own requests.
  const sidecarWait = workload.containers.some((c) => c.sidecar && c.role === "fpm") ? R : 0;
  const needed = preStopSeconds + sidecarWait + processControlTimeoutSeconds + GRACE_MARGIN_SECONDS;
  return {
    preStopSeconds,
    processControlTimeoutSeconds,
    gracePeriodSeconds: Math.max(timeline.gracePeriodSeconds, needed),
    nativeSleep: versionAtLeast(assumptions.kubeVersion, "1.30"),
  };
}
