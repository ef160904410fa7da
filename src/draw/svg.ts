import { xmlChars } from "../escape.js";
import { type Chart, type ChartRow, chartOf, lastMoment, type Mark } from "./layout.js";
import { LEGEND_ORDER, type MarkKind, STYLE } from "./style.js";
import { topMark, type WorkloadDrawing } from "./terminal.js";

const WIDTH = 1100;
const PLOT_X0 = 180;
const PLOT_X1 = WIDTH - 40;
const BAR = 16;
const LANE = 15;
const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
/** Average advance of a character at 11px in the fonts above, a little generous so labels never touch. */
const CHAR_PX = 6.6;

/**
 * Every workload's timeline as one self-contained SVG, charts stacked: the same rows, glyphs and colours
 * as the terminal chart (see `style.ts`), with the failures spelled out under each chart and a legend at
 * the bottom. Each chart is a `<g class="chart">` whose `data-x0`, `data-x1` and `data-end` give its time
 * scale, and each row's band is a `<rect class="row row-<kind>">` (its bar at `data-bar-y`), so tests can find them in the picture.
 *
 * @example
 *   await writeFileAtomic("timeline.svg", drawSvg([{ workload: t.workload, panels: [{ timeline: t }] }]));
 */
export function drawSvg(drawings: WorkloadDrawing[]): string {
  const body: string[] = [];
  let y = 16;
  for (const d of drawings) {
    const until = Math.max(...d.panels.map((p) => lastMoment(p.timeline)));
    y += 20;
    body.push(text(16, y, d.workload, { size: 17, weight: "bold", fill: "#0f172a" }));
    y += 8;
    for (const panel of d.panels) {
      const chart = chartOf(panel.timeline, { maxTicks: 12, until });
      const drawn = drawChart(chart, y, panel.title);
      body.push(drawn.svg);
      y = drawn.bottom + 14;
    }
    y += 10;
  }
  const legend = drawLegend(y);
  body.push(legend.svg);
  const height = Math.ceil(legend.bottom + 16);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    "<title>fpm-graceful timeline</title>",
    "<defs>",
    `<pattern id="backlog" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fecaca"/><rect width="3" height="6" fill="${STYLE.backlog.svg}"/></pattern>`,
    "</defs>",
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

function drawChart(chart: Chart, top: number, title: string | undefined): { svg: string; bottom: number } {
  const out: string[] = [];
  const x = (at: number) => PLOT_X0 + (Math.min(at, chart.end) / chart.end) * (PLOT_X1 - PLOT_X0);
  let y = top;
  if (title) {
    y += 18;
    out.push(text(16, y, title, { size: 14, weight: "bold", fill: "#1e293b" }));
    out.push(text(16 + title.length * 8.4 + 14, y, chart.summary, { size: 12, fill: "#475569" }));
  } else {
    y += 16;
    out.push(text(16, y, chart.summary, { size: 12, fill: "#475569" }));
  }
  // Guide labels above the axis, in lanes so that 5 s and the grace deadline never overlap.
  const guideLanes = lanes(
    chart.guides.map((g) => ({ x: x(g.at), text: `${g.label} ${seconds(g.at)}`, kind: g.kind })),
  );
  y += 6;
  for (const [i, lane] of guideLanes.entries()) {
    for (const item of lane)
      out.push(
        text(item.left, y + 12 + i * LANE, item.text, {
          size: 11,
          fill: STYLE[item.kind].svg,
          weight: "bold",
        }),
      );
  }
  y += guideLanes.length * LANE + 6;
  const axisY = y + 16;
  for (const tick of chart.ticks) {
    out.push(text(x(tick), y + 11, seconds(tick), { size: 11, fill: "#475569", anchor: "middle" }));
    out.push(line(x(tick), axisY - 4, x(tick), axisY, "#64748b", 1));
  }
  out.push(line(PLOT_X0, axisY, PLOT_X1, axisY, "#64748b", 1));
  out.push(text(16, y + 11, "seconds since deletion", { size: 11, fill: "#64748b" }));
  y = axisY + 6;
  const rowsTop = y;
  const rows: string[] = [];
  const bands: string[] = [];
  chart.rows.forEach((row, index) => {
    const drawn = drawRow(row, y, x, index);
    bands.push(drawn.band);
    rows.push(drawn.svg);
    y = drawn.bottom;
  });
  const rowsBottom = y;
  // Tick grid and guides under the rows, so the bars and marks stay on top.
  const grid: string[] = [];
  for (const tick of chart.ticks) grid.push(line(x(tick), rowsTop, x(tick), rowsBottom, "#e2e8f0", 1));
  for (const g of chart.guides) {
    if (g.at > chart.end) continue;
    grid.push(
      `<line class="guide guide-${g.kind}" x1="${n(x(g.at))}" y1="${n(rowsTop - 22)}" x2="${n(x(g.at))}" y2="${n(rowsBottom)}" stroke="${STYLE[g.kind].svg}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
    );
  }
  out.push(...bands, ...grid, ...rows);
  y += 6;
  for (const f of chart.failures) {
    const head = `${f.when}`;
    const lines = wrap(f.text, 150);
    if (f.kind === "refused" || f.kind === "backlog") {
      const fill = f.kind === "backlog" ? "url(#backlog)" : STYLE.refused.svg;
      out.push(`<rect x="16" y="${n(y + 4)}" width="12" height="10" rx="1" fill="${fill}"/>`);
    } else drawMarkGlyph(out, f.kind as MarkKind, 22, y + 9, true);
    lines.forEach((l, i) => {
      if (i === 0) out.push(text(36, y + 13, head, { size: 12, weight: "bold", fill: STYLE.killed.svg }));
      out.push(text(36 + head.length * 7.5 + 10, y + 13, l, { size: 12, fill: "#1e293b" }));
      y += 16;
    });
  }
  for (const a of chart.assumptions) {
    for (const l of wrap(`assumed: ${a}`, 170)) {
      out.push(text(16, y + 12, l, { size: 11, fill: "#64748b" }));
      y += 14;
    }
  }
  return {
    svg: [
      `<g class="chart" data-workload="${esc(chart.workload)}"${title ? ` data-title="${esc(title)}"` : ""} data-x0="${PLOT_X0}" data-x1="${PLOT_X1}" data-end="${chart.end}" data-top="${n(top)}" data-bottom="${n(y)}">`,
      ...out,
      "</g>",
    ].join("\n"),
    bottom: y,
  };
}

function drawRow(
  row: ChartRow,
  top: number,
  x: (at: number) => number,
  index: number,
): { band: string; svg: string; bottom: number } {
  const out: string[] = [];
  const groups = new Map<number, Mark[]>();
  for (const m of row.marks) {
    const key = Math.round(x(m.at));
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const labelFill = row.kind === "failures" ? STYLE.killed.svg : "#334155";
  const items = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([px, marks]) => {
      const joined = marks.map((m) => m.label).join(", ");
      return px + joined.length * CHAR_PX < PLOT_X1 + 30 || marks.length === 1
        ? [{ x: px, text: joined, kind: "label" as const }]
        : marks.map((m) => ({ x: px, text: m.label, kind: "label" as const }));
    });
  const labelLanes = row.kind === "traffic" ? [] : lanes(items);
  const height = 10 + BAR + 4 + labelLanes.length * LANE + 4;
  const barY = top + 8;
  const band = `<rect class="row row-${row.kind}" x="8" y="${n(top)}" width="${WIDTH - 16}" height="${n(height)}" data-bar-y="${n(top + 8)}" data-bar-height="${BAR}" fill="${index % 2 === 0 ? "#f1f5f9" : "#ffffff"}"/>`;
  out.push(
    text(16, barY + 12.5, row.label, {
      size: 13,
      weight: "bold",
      fill: row.kind === "failures" ? STYLE.killed.svg : "#0f172a",
    }),
  );
  for (const s of row.segments) {
    const from = x(s.from);
    const width = Math.max(2, x(s.to) - from);
    const fill = s.kind === "backlog" ? "url(#backlog)" : STYLE[s.kind].svg;
    const h = s.kind === "traffic" || s.kind === "running" ? BAR / 2 : BAR;
    out.push(
      `<rect class="segment segment-${s.kind}" x="${n(from)}" y="${n(barY + (BAR - h) / 2)}" width="${n(width)}" height="${h}" rx="2" fill="${fill}"/>`,
    );
  }
  if (row.kind === "traffic") {
    const end = Math.max(...row.segments.map((s) => x(s.to)));
    const at = row.segments[0]?.to ?? 0;
    out.push(text(end + 8, barY + 12, `new connections until ${seconds(at)}`, { size: 11, fill: "#334155" }));
  }
  // Every kind of mark at one moment is drawn, side by side in the timeline's order (a preStop kill that
  // fails, then the stop signal); an exit at the moment of a signal is said by the label only.
  for (const [px, marks] of groups) {
    const top = topMark(marks);
    const kinds = [...new Set(marks.map((m) => m.kind))].filter(
      (k): k is MarkKind => k !== "span" && (k !== "exit" || top?.kind === "exit"),
    );
    kinds.forEach((kind, i) => {
      drawMarkGlyph(out, kind, px + (i - (kinds.length - 1) / 2) * 14, barY + BAR / 2, false);
    });
  }
  if (row.empty) {
    out.push(text(PLOT_X0 + 4, barY + 12.5, row.empty, { size: 12, weight: "bold", fill: STYLE.drain.svg }));
  }
  for (const [i, lane] of labelLanes.entries()) {
    for (const item of lane) {
      const ly = barY + BAR + 4 + i * LANE;
      out.push(line(item.x, barY + BAR + 1, item.x, ly + 5, "#94a3b8", 1));
      out.push(
        text(item.anchor === "start" ? item.x + 3 : item.x - 3, ly + 10, item.text, {
          size: 11,
          fill: labelFill,
          anchor: item.anchor,
        }),
      );
    }
  }
  return { band, svg: out.join("\n"), bottom: top + height };
}

function drawMarkGlyph(out: string[], kind: MarkKind, cx: number, cy: number, small: boolean): void {
  const r = small ? 5 : 7;
  const fill = STYLE[kind].svg;
  const cls = `class="mark mark-${kind}"`;
  if (kind === "signal") {
    out.push(
      `<polygon ${cls} points="${n(cx)},${n(cy - r)} ${n(cx + r)},${n(cy)} ${n(cx)},${n(cy + r)} ${n(cx - r)},${n(cy)}" fill="${fill}" stroke="#ffffff" stroke-width="1"/>`,
    );
  } else if (kind === "dropped" || kind === "killed") {
    const w = kind === "killed" ? 4 : 3;
    const d = r - 1;
    out.push(
      `<g ${cls} stroke="${fill}" stroke-width="${w}" stroke-linecap="round"><line x1="${n(cx - d)}" y1="${n(cy - d)}" x2="${n(cx + d)}" y2="${n(cy + d)}"/><line x1="${n(cx - d)}" y1="${n(cy + d)}" x2="${n(cx + d)}" y2="${n(cy - d)}"/></g>`,
    );
  } else if (kind === "sigkill") {
    out.push(
      `<rect ${cls} x="${n(cx - r + 1)}" y="${n(cy - r + 1)}" width="${n(2 * r - 2)}" height="${n(2 * r - 2)}" fill="${fill}"/>`,
    );
  } else if (kind === "exit") {
    out.push(
      `<rect ${cls} x="${n(cx - 1.5)}" y="${n(cy - r - 2)}" width="3" height="${n(2 * r + 4)}" fill="${fill}"/>`,
    );
  } else {
    out.push(
      `<circle ${cls} cx="${n(cx)}" cy="${n(cy)}" r="${n(r - 1)}" fill="${fill}" stroke="#ffffff" stroke-width="1"/>`,
    );
  }
}

function drawLegend(top: number): { svg: string; bottom: number } {
  const out = [text(16, top + 14, "legend", { size: 12, weight: "bold", fill: "#0f172a" })];
  let x = 80;
  let y = top;
  for (const kind of LEGEND_ORDER) {
    const label = STYLE[kind].legend;
    const width = 26 + label.length * 6.4 + 18;
    if (x + width > WIDTH - 16) {
      x = 80;
      y += 20;
    }
    const cy = y + 10;
    if (kind === "propagation" || kind === "grace") {
      out.push(
        `<line x1="${n(x + 8)}" y1="${n(cy - 8)}" x2="${n(x + 8)}" y2="${n(cy + 8)}" stroke="${STYLE[kind].svg}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      );
    } else if (kind in SEGMENT_KINDS) {
      const h = kind === "traffic" || kind === "running" ? 6 : 12;
      const fill = kind === "backlog" ? "url(#backlog)" : STYLE[kind].svg;
      out.push(`<rect x="${x}" y="${n(cy - h / 2)}" width="18" height="${h}" rx="2" fill="${fill}"/>`);
    } else {
      drawMarkGlyph(out, kind as MarkKind, x + 9, cy, false);
    }
    out.push(text(x + 24, cy + 4, label, { size: 11, fill: "#334155" }));
    x += width;
  }
  return { svg: `<g class="legend">\n${out.join("\n")}\n</g>`, bottom: y + 22 };
}

const SEGMENT_KINDS = { traffic: 1, prestop: 1, running: 1, drain: 1, refused: 1, backlog: 1 };

type Placed = { left: number; right: number; x: number; text: string; anchor: "start" | "end" };

/** Labels in lanes: right of their point when they fit before the edge, else left of it; no overlaps. */
function lanes<T extends { x: number; text: string }>(items: T[]): (T & Placed)[][] {
  const result: (T & Placed)[][] = [];
  for (const item of items) {
    const width = item.text.length * CHAR_PX + 6;
    const anchor = item.x + width <= WIDTH - 12 ? "start" : "end";
    const left = anchor === "start" ? item.x : item.x - width;
    const placed = { ...item, left, right: left + width, anchor } as T & Placed;
    let lane = result.find((l) => l.every((p) => placed.right + 8 < p.left || placed.left > p.right + 8));
    if (!lane) {
      lane = [];
      result.push(lane);
    }
    lane.push(placed);
  }
  return result;
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; fill: string; weight?: "bold"; anchor?: "start" | "middle" | "end" },
): string {
  const anchor = style.anchor && style.anchor !== "start" ? ` text-anchor="${style.anchor}"` : "";
  const weight = style.weight ? ` font-weight="${style.weight}"` : "";
  return `<text x="${n(x)}" y="${n(y)}" font-size="${style.size}" fill="${style.fill}"${weight}${anchor}>${esc(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width: number): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

function wrap(s: string, chars: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of s.split(/\s+/)) {
    if (current && current.length + 1 + word.length > chars) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

function seconds(at: number): string {
  return `${Number(at.toFixed(1))}s`;
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * Text and attribute values: only characters XML 1.0 can carry (a name with U+FFFE, a lone surrogate or a
 * control character would make the whole picture unreadable), and the five characters XML gives a meaning.
 */
export function esc(s: string): string {
  return xmlChars(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
