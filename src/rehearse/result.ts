/** What a rehearsal measured, per strategy: the shape behind the table, the JSON and the HTML report. */
import type { Front } from "../model/types.js";
import type { FailureKind } from "./classify.js";
import type { PodEvent } from "./events.js";
import type { RequestRecord } from "./load.js";
import type { RehearsalPlan } from "./plan.js";
import type { StallReport } from "./stall.js";

export interface PodTermination {
  pod: string;
  /** Seconds from deletion to the exit of the pod's last container. */
  seconds: number;
  /** Seconds since the rehearsal's origin. */
  deletedAt: number;
  exitedAt: number;
  /** A container was SIGKILLed at the end of the grace period. */
  killed: boolean;
}

export interface ClassifiedRequest extends RequestRecord {
  outcome: "ok" | FailureKind;
}

export interface StrategyResult {
  name: string;
  description: string;
  topology: RehearsalPlan["topology"];
  notes: string[];
  requests: number;
  succeeded: number;
  failed: number;
  failedByKind: Record<FailureKind, number>;
  latencyMs: { p50: number; p99: number };
  terminationSeconds: PodTermination[];
  durationSeconds: number;
  plan: RehearsalPlan;
  /** The run's own stalls: `valid` false when one exceeded the bound, and the counts are not trustworthy. */
  stall: StallReport;
  /**
   * Connections to the rolled pods' Service that found no ready endpoint: sent to a serving terminating
   * one instead (`fallback`, KEP-1669), or refused because none was usable either (`none`).
   */
  endpoints: { fallback: number; none: number };
  events: PodEvent[];
  requestLog: ClassifiedRequest[];
}

export interface RehearsalScenario {
  topology: RehearsalPlan["topology"];
  propagationSeconds: number;
  jitterSeconds: number;
  replicas: number;
  restarts: number;
  rps: number;
  mix: { share: number; ms: number }[];
  /** `--shell`, or `image`: each container's own, from the model. */
  shell: "dash" | "busybox" | "image";
  front: Front;
}

export interface RehearsalResult {
  scenario: RehearsalScenario;
  /** False when a strategy's run stalled beyond the bound (the CLI exits 2). */
  valid: boolean;
  strategies: StrategyResult[];
}
