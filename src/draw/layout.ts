import { fmt } from "../timeline/timeline.js";
import type { ContainerTimeline, FailureWindow, Timeline } from "../timeline/types.js";
import type { GuideKind, MarkKind, SegmentKind } from "./style.js";

export interface Segment {
  kind: SegmentKind;
  from: number;
  to: number;
}

export interface Mark {
  /** `span`: only a label, at the start of a segment of the same row. */
  kind: MarkKind | "span";
  at: number;
  label: string;
}

export interface ChartRow {
  kind: "traffic" | "container" | "failures";
  label: string;
  segments: Segment[];
  marks: Mark[];
  /** Said in the row when it has nothing to draw ("none predicted"). */
  empty?: string;
}

export interface Guide {
  kind: GuideKind;
  at: number;
  label: string;
}

/**
 * What a chart of one timeline shows, independent of the medium: the terminal and the SVG renderers draw
 * the same rows, segments and marks, so the two pictures cannot disagree.
 */
export interface Chart {
  workload: string;
  summary: string;
  /** The time axis runs from 0 to `end` seconds. */
  end: number;
  ticks: number[];
  guides: Guide[];
  rows: ChartRow[];
  failures: { kind: MarkKind | SegmentKind; when: string; text: string }[];
  assumptions: string[];
}

const STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The last moment a timeline needs on its axis: the grace deadline, the last exit or SIGKILL. */
export function lastMoment(t: Timeline): number {
  const moments = [t.propagationSeconds, t.gracePeriodSeconds, t.podExitSeconds];
  for (const c of t.containers) {
    moments.push(c.exitAt, c.preStop.endsAt, ...c.signals.filter((s) => s.at <= c.exitAt).map((s) => s.at));
  }
  return Math.max(1, ...moments.filter(Number.isFinite));
}

/** A tick step that gives at most `maxTicks` intervals, and the axis end rounded up to it. */
export function axisOf(last: number, maxTicks: number): { end: number; ticks: number[] } {
  const step = STEPS.find((s) => Math.ceil(last / s) <= Math.max(1, maxTicks)) ?? Math.ceil(last / maxTicks);
  const end = Math.max(step, Math.ceil(last / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= end + 1e-9; t += step) ticks.push(t);
  return { end, ticks };
}

/**
 * Lays out a timeline as a chart: a row for the traffic that still arrives while endpoint removal
 * propagates, a row per container (preStop, running, drain, signals, exit, SIGKILL), and a row of
 * predicted failures. `until` fixes the axis end, so that charts drawn side by side share one scale.
 *
 * @example
 *   const chart = chartOf(timeline, { maxTicks: 8 });
 *   chart.rows.map((r) => r.label); // ["traffic", "php-fpm", "failures"]
 */
export function chartOf(t: Timeline, options: { maxTicks: number; until?: number }): Chart {
  const { end, ticks } = axisOf(options.until ?? lastMoment(t), options.maxTicks);
  const rows: ChartRow[] = [
    {
      kind: "traffic",
      label: "traffic",
      segments: [{ kind: "traffic", from: 0, to: t.propagationSeconds }],
      marks: [],
    },
    ...t.containers.map(containerRow),
    failureRow(t.failureWindows),
  ];
  const failures = t.failureWindows.length;
  return {
    workload: t.workload,
    summary: `timeline: propagation ${fmt(t.propagationSeconds)}, grace ${fmt(t.gracePeriodSeconds)}, longest request ${fmt(t.longestRequestSeconds)}, front ${t.front ?? "l7"} · ${failures === 0 ? "no failed requests" : `${failures} failure${failures === 1 ? "" : "s"} predicted`}`,
    end,
    ticks,
    guides: [
      { kind: "propagation", at: t.propagationSeconds, label: "propagated" },
      { kind: "grace", at: t.gracePeriodSeconds, label: "grace ends" },
    ],
    rows,
    failures: t.failureWindows.map((w) => ({
      kind: failureKind(w),
      when: w.from === w.to ? fmt(w.from) : `${fmt(w.from)}–${fmt(w.to)}`,
      text: w.explanation,
    })),
    assumptions: t.assumptions,
  };
}

function containerRow(c: ContainerTimeline): ChartRow {
  const exit = Number.isFinite(c.exitAt) ? c.exitAt : c.sigkillAt;
  const segments: Segment[] = [];
  const hookEnd = c.preStop.kind === "none" ? 0 : Math.min(c.preStop.endsAt, exit);
  if (hookEnd > 0) segments.push({ kind: "prestop", from: 0, to: hookEnd });
  const drainFrom = c.drain ? Math.min(c.drain.from, exit) : exit;
  if (drainFrom > hookEnd) segments.push({ kind: "running", from: hookEnd, to: drainFrom });
  if (c.drain && Math.min(c.drain.until, exit) > c.drain.from) {
    segments.push({ kind: "drain", from: c.drain.from, to: Math.min(c.drain.until, exit) });
  }
  const marks: Mark[] = [];
  let killed = false;
  for (const s of c.signals) {
    if (s.at > exit) continue;
    if (s.signal === "SIGKILL") {
      killed = true;
      marks.push({ kind: "sigkill", at: s.at, label: "SIGKILL" });
    } else if (!s.delivered) {
      const why =
        s.from === "preStop" && c.preStop.failure ? "preStop kill fails" : "dropped by a shell PID 1";
      marks.push({ kind: "dropped", at: s.at, label: `${s.signal} ${why}` });
    } else {
      const origin = s.from === "preStop" ? "preStop kill" : "stop signal";
      marks.push({ kind: "signal", at: s.at, label: `${s.signal} (${origin})` });
    }
  }
  if (!killed) marks.push({ kind: "exit", at: exit, label: "exit" });
  return {
    kind: "container",
    label: c.sidecar ? `${c.container} (sidecar)` : c.container,
    segments,
    marks,
  };
}

function failureKind(w: FailureWindow): MarkKind | SegmentKind {
  if (w.kind === "in-flight-killed") return "killed";
  if (w.kind === "keepalive-reset") return "keepalive";
  return w.kind;
}

function failureRow(windows: FailureWindow[]): ChartRow {
  const segments: Segment[] = [];
  const marks: Mark[] = [];
  for (const w of windows) {
    const kind = failureKind(w);
    if (kind === "refused" || kind === "backlog") {
      segments.push({ kind, from: w.from, to: w.to });
      const label = kind === "refused" ? "refused" : "hang, then 502";
      marks.push({ kind: "span", at: w.from, label: `${label} ${fmt(w.from)}–${fmt(w.to)}` });
    } else if (kind === "killed") {
      const longer = w.runningLongerThan !== undefined ? ` (running > ${fmt(w.runningLongerThan)})` : "";
      marks.push({ kind, at: w.from, label: `in flight killed${longer}` });
    } else {
      marks.push({ kind: "keepalive", at: w.from, label: "keep-alive reset" });
    }
  }
  return {
    kind: "failures",
    label: "failures",
    segments,
    marks,
    ...(windows.length === 0 ? { empty: "none predicted" } : {}),
  };
}
