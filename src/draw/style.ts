/**
 * One look for every drawing: each element of a chart has a glyph (Unicode and ASCII), a terminal colour
 * and an SVG colour, so the terminal chart and the SVG read the same way. Red is kept for failures only.
 */
export type SegmentKind = "traffic" | "prestop" | "running" | "drain" | "refused" | "backlog";
export type MarkKind = "signal" | "dropped" | "sigkill" | "exit" | "killed" | "keepalive";
export type GuideKind = "propagation" | "grace";
export type ElementKind = SegmentKind | MarkKind | GuideKind;

export type TerminalColor = "cyan" | "yellow" | "green" | "gray" | "bold" | "magenta" | "red" | "dim";

export interface ElementStyle {
  glyph: string;
  ascii: string;
  terminal: TerminalColor;
  svg: string;
  legend: string;
}

export const FAILURE_RED = "#dc2626";

export const STYLE: Record<ElementKind, ElementStyle> = {
  traffic: {
    glyph: "━",
    ascii: ">",
    terminal: "cyan",
    svg: "#0284c7",
    legend: "new connections still arrive",
  },
  prestop: { glyph: "░", ascii: "~", terminal: "yellow", svg: "#eab308", legend: "preStop hook" },
  running: { glyph: "─", ascii: "-", terminal: "gray", svg: "#94a3b8", legend: "running, no signal yet" },
  drain: { glyph: "▒", ascii: "=", terminal: "green", svg: "#16a34a", legend: "graceful finish (drain)" },
  refused: { glyph: "█", ascii: "#", terminal: "red", svg: FAILURE_RED, legend: "new connections refused" },
  backlog: {
    glyph: "▓",
    ascii: "%",
    terminal: "red",
    svg: FAILURE_RED,
    legend: "new connections hang in the backlog, then 502",
  },
  signal: { glyph: "◆", ascii: "*", terminal: "bold", svg: "#0f172a", legend: "signal delivered" },
  dropped: {
    glyph: "✗",
    ascii: "x",
    terminal: "magenta",
    svg: "#9333ea",
    legend: "signal never reaches the server",
  },
  sigkill: { glyph: "■", ascii: "K", terminal: "magenta", svg: "#0f172a", legend: "SIGKILL" },
  exit: { glyph: "┃", ascii: "|", terminal: "bold", svg: "#334155", legend: "exit" },
  killed: {
    glyph: "✖",
    ascii: "X",
    terminal: "red",
    svg: FAILURE_RED,
    legend: "requests in flight killed (502)",
  },
  keepalive: {
    glyph: "●",
    ascii: "k",
    terminal: "red",
    svg: FAILURE_RED,
    legend: "idle keep-alive connections reset",
  },
  propagation: {
    glyph: "┊",
    ascii: ":",
    terminal: "cyan",
    svg: "#0284c7",
    legend: "endpoint removal propagated",
  },
  grace: { glyph: "┆", ascii: "!", terminal: "yellow", svg: "#b45309", legend: "grace period ends" },
};

/** The order of the legend: the bars, then the marks, then the failures. */
export const LEGEND_ORDER: ElementKind[] = [
  "traffic",
  "prestop",
  "running",
  "drain",
  "signal",
  "dropped",
  "exit",
  "sigkill",
  "propagation",
  "grace",
  "refused",
  "backlog",
  "killed",
  "keepalive",
];
