import pc from "picocolors";
import { escapeControl, neutralizeWorkflowCommands } from "../escape.js";
import type { Timeline } from "../timeline/types.js";
import { type ChartRow, chartOf, lastMoment, type Mark } from "./layout.js";
import { type ElementKind, LEGEND_ORDER, type MarkKind, STYLE, type TerminalColor } from "./style.js";

export interface TerminalOptions {
  /** Columns available; every line fits (at least 40 are used). */
  width: number;
  /** ANSI colours: only on a terminal, and not with NO_COLOR (the caller decides). */
  color: boolean;
  /** Only ASCII characters, for terminals and logs without Unicode. */
  ascii?: boolean;
  /** The time axis's last second, so that charts drawn one above the other share one scale. */
  until?: number;
}

/** One workload's charts: one timeline, or the timeline as written and after the fixes. */
export interface WorkloadDrawing {
  workload: string;
  panels: { title?: string; timeline: Timeline }[];
}

const MIN_WIDTH = 40;
/** When several marks share a column, the one drawn is the first of these. */
const PRECEDENCE: (MarkKind | "span")[] = [
  "killed",
  "keepalive",
  "sigkill",
  "signal",
  "dropped",
  "exit",
  "span",
];

/**
 * A timeline as a Gantt-like chart for a terminal: the time axis in seconds, the traffic that still
 * arrives while endpoint removal propagates, each container's preStop, signals, drain and exit, the grace
 * deadline, and the predicted failures in red, with the failures spelled out below.
 *
 * @example
 *   process.stdout.write(drawTerminal(timeline, { width: process.stdout.columns ?? 100, color: true }));
 */
export function drawTerminal(t: Timeline, options: TerminalOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width));
  const paint = painter(options.color);
  // Names come from the inputs: their control characters are shown escaped, never sent to the terminal.
  const text = (s: string) => (options.ascii ? toAscii(escapeControl(s)) : escapeControl(s));
  const glyph = (k: ElementKind) => (options.ascii ? STYLE[k].ascii : STYLE[k].glyph);
  const labelWidth = Math.min(18, Math.max(10, ...t.containers.map((c) => c.container.length + 13)) - 1);
  const plotStart = Math.min(labelWidth, Math.floor(width / 3));
  const plotCols = width - plotStart - 1;
  const chart = chartOf(t, {
    maxTicks: Math.max(2, Math.floor(plotCols / 7)),
    ...(options.until !== undefined ? { until: options.until } : {}),
  });
  const x = (at: number) => plotStart + Math.round((Math.min(at, chart.end) / chart.end) * (plotCols - 1));
  const out: string[] = [];
  const emit = (grid: Grid) => out.push(grid.render(paint));

  for (const line of wrap(text(chart.summary), width - 2)) out.push(paint("dim", `  ${line}`));
  // Guide labels above the axis: where propagation ends and where the grace period ends.
  const guideLanes = placeLabels(
    chart.guides.map((g) => ({
      col: x(g.at),
      text: `${g.label} ${fmtS(g.at)}`,
      color: STYLE[g.kind].terminal,
    })),
    width,
    text,
    options.ascii ? "v" : "↓",
  );
  for (const lane of guideLanes) emit(lane);
  const tickLine = new Grid(width);
  let free = 0;
  chart.ticks.forEach((tick, i) => {
    const label = fmtS(tick);
    const col = x(tick);
    const start = i === chart.ticks.length - 1 ? col - label.length + 1 : col;
    if (start >= free && start + label.length <= width) {
      tickLine.text(start, label, "dim");
      free = start + label.length + 1;
    }
  });
  tickLine.text(0, "seconds".slice(0, plotStart - 1), "dim");
  emit(tickLine);
  const axis = new Grid(width);
  for (let col = plotStart; col < plotStart + plotCols; col++)
    axis.put(col, options.ascii ? "-" : "─", "dim");
  for (const tick of chart.ticks) axis.put(x(tick), options.ascii ? "+" : "┼", "dim");
  axis.put(x(0), options.ascii ? "+" : "├", "dim");
  axis.put(x(chart.end), options.ascii ? "+" : "┤", "dim");
  emit(axis);

  const withGuides = (grid: Grid) => {
    for (const g of chart.guides) if (g.at <= chart.end) grid.putIfBlank(x(g.at), glyph(g.kind), "dim");
    return grid;
  };
  for (const row of chart.rows) {
    const line = new Grid(width);
    line.text(
      0,
      truncate(text(row.label), plotStart - 1, options.ascii),
      row.kind === "failures" ? "red" : "bold",
    );
    for (const s of row.segments) {
      const from = x(s.from);
      const to = Math.max(from, x(s.to) - 1);
      for (let col = from; col <= to; col++) line.put(col, glyph(s.kind), STYLE[s.kind].terminal);
    }
    const groups = groupMarks(row, x);
    for (const group of groups) {
      const top = group.top;
      if (top && top.kind !== "span") line.put(group.col, glyph(top.kind), STYLE[top.kind].terminal);
    }
    if (row.empty) line.text(plotStart, text(row.empty), "green");
    const labelColor: TerminalColor = row.kind === "failures" ? "red" : "dim";
    if (row.kind === "traffic") {
      const end = Math.max(...row.segments.map((s) => x(s.to)));
      const note = text(`new connections until ${fmtS(t.propagationSeconds)}`);
      if (end + 2 + note.length <= width) line.text(end + 2, note, "dim");
    }
    emit(withGuides(line));
    if (row.kind === "traffic") continue;
    // Marks at one column share a label when it fits to the right of the arrow, else each gets its own.
    const items = groups.flatMap((g) => {
      const joined = g.marks.map((m) => m.label).join(", ");
      return g.col + joined.length + 2 <= width || g.marks.length === 1
        ? [{ col: g.col, text: joined, color: labelColor }]
        : g.marks.map((m) => ({ col: g.col, text: m.label, color: labelColor }));
    });
    const lanes = placeLabels(items, width, text, options.ascii ? "^" : "↑");
    for (const lane of lanes) emit(withGuides(lane));
  }
  for (const f of chart.failures) {
    const head = `  ${glyph(f.kind)} ${text(f.when)} `;
    const lines = wrap(text(f.text), width - head.length);
    lines.forEach((l, i) => {
      out.push(i === 0 ? paint("red", head) + l : `${" ".repeat(head.length)}${l}`);
    });
  }
  for (const a of chart.assumptions) {
    for (const l of wrap(text(`assumed: ${a}`), width - 2)) out.push(paint("dim", `  ${l}`));
  }
  return `${out.join("\n")}\n`;
}

/** The legend: what each glyph and colour means, wrapped to the width. */
export function drawTerminalLegend(options: TerminalOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width));
  const paint = painter(options.color);
  const items = LEGEND_ORDER.map((k) => {
    const legend = truncate(STYLE[k].legend, width - 4, options.ascii);
    const glyph = options.ascii ? STYLE[k].ascii : STYLE[k].glyph;
    return { plain: `${glyph} ${legend}`, painted: `${paint(STYLE[k].terminal, glyph)} ${legend}` };
  });
  const lines: string[] = [];
  let plain = "legend:";
  let painted = paint("dim", "legend:");
  for (const item of items) {
    if (plain.length + 2 + item.plain.length > width) {
      lines.push(painted);
      plain = `  ${item.plain}`;
      painted = `  ${item.painted}`;
    } else {
      plain += `  ${item.plain}`;
      painted += `  ${item.painted}`;
    }
  }
  lines.push(painted);
  return `${lines.join("\n")}\n`;
}

/**
 * Every workload's chart, one above the other, titled; with `--compare` each workload has two panels
 * ("as written", "after fpm-graceful fix") on one time scale; the legend closes the output.
 */
export function drawTerminalCharts(drawings: WorkloadDrawing[], options: TerminalOptions): string {
  const paint = painter(options.color);
  // Names come from the inputs: their control characters are shown escaped, never sent to the terminal.
  const text = (s: string) => (options.ascii ? toAscii(escapeControl(s)) : escapeControl(s));
  const parts: string[] = [];
  for (const d of drawings) {
    const until = Math.max(...d.panels.map((p) => lastMoment(p.timeline)));
    parts.push(
      `${paint("bold", truncate(text(d.workload), Math.max(MIN_WIDTH, options.width), options.ascii))}\n`,
    );
    for (const panel of d.panels) {
      if (panel.title) parts.push(`${paint("bold", `  ${text(panel.title)}`)}\n`);
      parts.push(drawTerminal(panel.timeline, { ...options, until }), "\n");
    }
  }
  parts.push(drawTerminalLegend(options));
  return neutralizeWorkflowCommands(parts.join(""));
}

interface Cell {
  ch: string;
  color: TerminalColor | undefined;
}

class Grid {
  readonly cells: Cell[];
  constructor(readonly width: number) {
    this.cells = Array.from({ length: width }, () => ({ ch: " ", color: undefined }));
  }
  put(col: number, ch: string, color?: TerminalColor): void {
    if (col >= 0 && col < this.width) this.cells[col] = { ch, color };
  }
  putIfBlank(col: number, ch: string, color?: TerminalColor): void {
    if (this.cells[col]?.ch === " ") this.put(col, ch, color);
  }
  text(col: number, s: string, color?: TerminalColor): void {
    let i = 0;
    for (const ch of s) this.put(col + i++, ch, color);
  }
  render(paint: Painter): string {
    let end = this.cells.length;
    while (end > 0 && this.cells[end - 1]?.ch === " ") end--;
    let out = "";
    let run = "";
    let color: TerminalColor | undefined;
    for (const cell of this.cells.slice(0, end)) {
      if (cell.color !== color) {
        out += color ? paint(color, run) : run;
        run = "";
        color = cell.color;
      }
      run += cell.ch;
    }
    return out + (color ? paint(color, run) : run);
  }
}

type Painter = (color: TerminalColor, s: string) => string;

function painter(enabled: boolean): Painter {
  const c = pc.createColors(enabled);
  return (color, s) => (s === "" ? s : c[color](s));
}

/** The mark drawn where several share a column; their labels keep the timeline's order. */
export function topMark(marks: Mark[]): Mark | undefined {
  return [...marks].sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind))[0];
}

function groupMarks(
  row: ChartRow,
  x: (at: number) => number,
): { col: number; marks: Mark[]; top: Mark | undefined }[] {
  const byCol = new Map<number, Mark[]>();
  for (const m of row.marks) byCol.set(x(m.at), [...(byCol.get(x(m.at)) ?? []), m]);
  return [...byCol.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([col, marks]) => ({ col, marks, top: topMark(marks) }));
}

/**
 * Labels under a row, each pointing at its column with an arrow: to the right of the arrow when it fits,
 * else to its left; a label that would overlap another goes one line further down.
 */
function placeLabels(
  items: { col: number; text: string; color: TerminalColor }[],
  width: number,
  text: (s: string) => string,
  arrow: string,
): Grid[] {
  const lanes: { grid: Grid; taken: [number, number][] }[] = [];
  for (const item of items) {
    const label = truncate(text(item.text), width - 2, arrow === "^");
    const right = `${arrow} ${label}`;
    const left = `${label} ${arrow}`;
    const start = item.col + right.length <= width ? item.col : Math.max(0, item.col - left.length + 1);
    const s = start === item.col ? right : left;
    const span: [number, number] = [start, start + s.length];
    let lane = lanes.find((l) => l.taken.every(([a, b]) => span[1] < a || span[0] > b));
    if (!lane) {
      lane = { grid: new Grid(width), taken: [] };
      lanes.push(lane);
    }
    lane.taken.push(span);
    lane.grid.text(start, s, item.color);
  }
  return lanes.map((l) => l.grid);
}

function wrap(s: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.flatMap((l) => (l.length <= width ? [l] : (l.match(new RegExp(`.{1,${width}}`, "gu")) ?? [])));
}

function truncate(s: string, max: number, ascii = false): string {
  const chars = [...s];
  const ellipsis = ascii ? "..." : "…";
  return chars.length <= max
    ? s
    : `${chars.slice(0, Math.max(0, max - ellipsis.length)).join("")}${ellipsis}`;
}

function fmtS(seconds: number): string {
  return `${Number(seconds.toFixed(1))}s`;
}

const ASCII: Record<string, string> = {
  "–": "-",
  "—": "-",
  "·": "-",
  "…": "...",
  "≥": ">=",
  "≤": "<=",
  "→": "->",
  "’": "'",
};

/** Text for `--ascii`: the few typographic characters the model's messages use, spelled in ASCII. */
export function toAscii(s: string): string {
  return s.replace(/[^\x20-\x7e\n]/g, (ch) => ASCII[ch] ?? "?");
}
