/**
 * A rehearsal measures its own stalls: a timer due every `periodMs` that fires late means the event loop was
 * blocked or the host did not run the tool (CPU starvation, a paused VM). During a stall the kubelet's
 * signals, the Services' propagation timers and the open-model load all slip, so a run with a stall longer
 * than the bound measures a different scenario (e.g. the load's catch-up burst after the stall, or a
 * propagation that lasted longer than stated) and its counts are not reported as valid.
 *
 * @example
 *   const monitor = new StallMonitor(recorder); monitor.start(); … ; const report = monitor.stop();
 *   if (!report.valid) console.error(`stalled ${report.maxLatenessMs} ms`);
 */
import { performance } from "node:perf_hooks";
import type { Recorder } from "./events.js";

/**
 * A stall longer than this invalidates a run. Half a second: below the smallest propagation a rehearsal
 * states in its tests and figures (1–2 s) and a third of the model-agreement tolerance (1.5 s), above the
 * lateness a loaded 2-core machine shows in a healthy run (tens of ms, measured).
 */
export const STALL_BOUND_MS = 500;
const PERIOD_MS = 20;

export interface StallReport {
  /** The longest lateness of the monitor's timer, in ms. */
  maxLatenessMs: number;
  boundMs: number;
  /** Stalls over the bound: when (seconds since the rehearsal's origin) and how long. */
  stalls: { t: number; ms: number }[];
  valid: boolean;
}

export class StallMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private maxLatenessMs = 0;
  private readonly stalls: { t: number; ms: number }[] = [];

  constructor(
    private readonly recorder: Recorder,
    private readonly boundMs: number = STALL_BOUND_MS,
  ) {}

  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), PERIOD_MS);
  }

  private tick(): void {
    const now = performance.now();
    const lateness = Math.max(0, now - this.last - PERIOD_MS);
    this.last = now;
    this.maxLatenessMs = Math.max(this.maxLatenessMs, lateness);
    if (lateness > this.boundMs)
      this.stalls.push({ t: this.recorder.t(now - lateness), ms: Math.round(lateness) });
  }

  stop(): StallReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
    return {
      maxLatenessMs: Math.round(this.maxLatenessMs),
      boundMs: this.boundMs,
      stalls: [...this.stalls],
      valid: this.stalls.length === 0,
    };
  }
}
