/** The rehearsal's clock and its record of pod events (seconds since the rehearsal's origin). */
import { performance } from "node:perf_hooks";

export type PodEventKind =
  | "created"
  | "ready"
  | "unready"
  | "not-serving"
  | "deleted"
  | "endpoint-removed"
  | "prestop-start"
  | "prestop-end"
  | "prestop-cut"
  | "signal"
  | "signal-dropped"
  | "signal-skipped"
  | "sigkill"
  | "exit";

export interface PodEvent {
  /** Seconds since the rehearsal's origin. */
  t: number;
  pod: string;
  container?: string;
  kind: PodEventKind;
  detail?: string;
}

export class Recorder {
  readonly events: PodEvent[] = [];
  private readonly listeners: ((event: PodEvent) => void)[] = [];

  constructor(readonly originMs: number = performance.now()) {}

  /** Seconds since the origin for a `performance.now()` value (default: now). */
  t(ms: number = performance.now()): number {
    return (ms - this.originMs) / 1000;
  }

  private closed = false;

  /** Stop recording: events after the measurement (teardown) are dropped. */
  close(): void {
    this.closed = true;
  }

  emit(event: Omit<PodEvent, "t"> & { t?: number }): PodEvent {
    const full: PodEvent = { ...event, t: event.t ?? this.t() };
    if (this.closed) return full;
    this.events.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  onEvent(listener: (event: PodEvent) => void): void {
    this.listeners.push(listener);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** True if `promise` settles within `ms`, false otherwise; the timer never outlives the race. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
