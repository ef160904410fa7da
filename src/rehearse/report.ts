/**
 * Renderers of a rehearsal's result, pure functions `(result) => string`: a text table per strategy, the
 * documented JSON (`strategies[]` with `name`, `requests`, `failed`, `failedByKind`, `terminationSeconds`),
 * and a self-contained HTML page with an inline SVG timeline per strategy.
 */
import { xmlChars } from "../escape.js";
import { FAILURE_KINDS, type FailureKind } from "./classify.js";
import type { RehearsalResult, StrategyResult } from "./result.js";

export function renderTable(result: RehearsalResult): string {
  const s = result.scenario;
  const mix = s.mix.map((m) => `${Math.round(m.share * 100)}%:${m.ms}ms`).join(",");
  const lines = [
    `rehearsal: ${s.topology} topology, ${s.replicas} replicas, ${s.restarts} restart(s), ${s.rps} rps (${mix}), propagation ${s.propagationSeconds}s, jitter ${s.jitterSeconds}s, shell ${s.shell === "image" ? "per image (from the model)" : s.shell}, front ${s.front} (${s.front === "l7" ? "ingress: nginx as ingress-nginx configures it" : "kube-proxy Service"})`,
    "",
  ];
  const kinds = FAILURE_KINDS.filter((k) => result.strategies.some((st) => st.failedByKind[k] > 0));
  const header = [
    "strategy",
    "requests",
    "succeeded",
    "failed",
    ...kinds,
    "p50 ms",
    "p99 ms",
    "stall ms",
    "termination s",
  ];
  const rows = result.strategies.map((st) => [
    st.name,
    String(st.requests),
    String(st.succeeded),
    String(st.failed),
    ...kinds.map((k) => String(st.failedByKind[k])),
    String(st.latencyMs.p50),
    String(st.latencyMs.p99),
    `${st.stall.maxLatenessMs}${st.stall.valid ? "" : " INVALID"}`,
    st.terminationSeconds.map((t) => `${t.seconds.toFixed(1)}${t.killed ? "!" : ""}`).join(" "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join("  ");
  lines.push(fmt(header), ...rows.map(fmt), "");
  for (const st of result.strategies) {
    lines.push(`${st.name}: ${st.description}`);
    for (const note of st.notes) lines.push(`  - ${note}`);
  }
  if (result.strategies.some((st) => st.terminationSeconds.some((t) => t.killed))) {
    lines.push("", "! = SIGKILLed at the end of the grace period");
  }
  for (const st of result.strategies.filter((s) => !s.stall.valid)) {
    const worst = Math.max(...st.stall.stalls.map((s) => s.ms));
    lines.push(
      "",
      `INVALID ${st.name}: the host stalled ${worst} ms (${st.stall.stalls.length} stall(s) over the ${st.stall.boundMs} ms bound, first at ${st.stall.stalls[0]?.t.toFixed(1)}s): timers, signals and load slipped, so its counts are not a measurement of the scenario; rerun on a quieter machine`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The documented JSON shape. */
export function toJson(result: RehearsalResult): object {
  return {
    scenario: result.scenario,
    valid: result.valid,
    strategies: result.strategies.map((st) => ({
      name: st.name,
      description: st.description,
      topology: st.topology,
      requests: st.requests,
      succeeded: st.succeeded,
      failed: st.failed,
      failedByKind: st.failedByKind,
      latencyMs: st.latencyMs,
      terminationSeconds: st.terminationSeconds,
      stall: st.stall,
      endpoints: st.endpoints,
      notes: st.notes,
      events: st.events,
    })),
  };
}

export function renderJson(result: RehearsalResult): string {
  return `${JSON.stringify(toJson(result), null, 2)}\n`;
}

const COLORS: Record<"ok" | FailureKind, string> = {
  ok: "#3a9d5d",
  "502-reset": "#d62728",
  "502-refused": "#ff7f0e",
  "502-backlog": "#9467bd",
  "504": "#8c564b",
  "http-error": "#e377c2",
  refused: "#bcbd22",
  reset: "#17becf",
  timeout: "#7f7f7f",
};

export function renderHtml(result: RehearsalResult): string {
  const sections = result.strategies.map(
    (st) => `<section>
<h2>${esc(st.name)}: ${st.failed} of ${st.requests} requests failed</h2>
<p>${esc(st.description)}</p>
<ul>${st.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
<p>${
      FAILURE_KINDS.filter((k) => st.failedByKind[k] > 0)
        .map(
          (k) => `<span class="key" style="background:${COLORS[k]}"></span>${esc(k)}: ${st.failedByKind[k]}`,
        )
        .join(" &nbsp; ") || "no failures"
    }</p>
${timelineSvg(st)}
</section>`,
  );
  const legend = Object.entries(COLORS)
    .map(([k, c]) => `<span class="key" style="background:${c}"></span>${esc(k)}`)
    .join(" &nbsp; ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fpm-graceful rehearsal</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
.key{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
svg{border:1px solid #ddd;background:#fff}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}
</style></head><body>
<h1>fpm-graceful rehearsal</h1>
<pre>${esc(renderTable(result))}</pre>
<p>Requests: ${legend}. Pod bands: <span class="key" style="background:#cfd8e3"></span>running
<span class="key" style="background:#f2c94c"></span>preStop <span class="key" style="background:#6fa8dc"></span>after stop signal (drain)
<span class="key" style="background:#000"></span>signal <span class="key" style="background:#d62728"></span>SIGKILL, dashed: endpoint removed.</p>
${sections.join("\n")}
</body></html>
`;
}

function timelineSvg(st: StrategyResult): string {
  const width = 1100;
  const left = 130;
  const plot = width - left - 20;
  const end = Math.max(1, ...st.events.map((e) => e.t), ...st.requestLog.map((r) => r.end ?? r.start));
  const x = (t: number) => left + (Math.max(0, t) / end) * plot;
  const pods = [
    ...new Set(
      st.events.filter((e) => e.kind === "created" && e.detail?.startsWith("127.")).map((e) => e.pod),
    ),
  ];
  const laneHeight = 18;
  const parts: string[] = [];
  pods.forEach((pod, i) => {
    const y = 20 + i * laneHeight;
    const mine = st.events.filter((e) => e.pod === pod);
    const at = (kind: string) => mine.find((e) => e.kind === kind)?.t;
    const created = at("created") ?? 0;
    const exits = mine.filter((e) => e.kind === "exit").map((e) => e.t);
    const exited = exits.length > 0 ? Math.max(...exits) : end;
    parts.push(`<text x="4" y="${y + 12}" font-size="11">${esc(pod)}</text>`);
    parts.push(
      rect(
        x(created),
        y,
        x(exited) - x(created),
        laneHeight - 4,
        "#cfd8e3",
        `${pod}: ${created.toFixed(1)}–${exited.toFixed(1)}s`,
      ),
    );
    for (const start of mine.filter((e) => e.kind === "prestop-start")) {
      const stop = mine.find(
        (e) => (e.kind === "prestop-end" || e.kind === "prestop-cut") && e.container === start.container,
      );
      parts.push(
        rect(
          x(start.t),
          y + 2,
          x(stop?.t ?? exited) - x(start.t),
          laneHeight - 8,
          "#f2c94c",
          `${start.container} preStop: ${start.detail ?? ""} ${stop?.detail ?? ""}`,
        ),
      );
    }
    for (const signal of mine.filter((e) => e.kind === "signal" || e.kind === "signal-dropped")) {
      const exit = mine.find((e) => e.kind === "exit" && e.container === signal.container)?.t ?? exited;
      parts.push(
        rect(
          x(signal.t),
          y + 2,
          x(exit) - x(signal.t),
          laneHeight - 8,
          "#6fa8dc",
          `${signal.container} ${signal.detail} at ${signal.t.toFixed(2)}s, exit ${exit.toFixed(2)}s`,
        ),
      );
      parts.push(
        line(
          x(signal.t),
          y,
          x(signal.t),
          y + laneHeight - 4,
          "#000",
          `${signal.container} ${signal.kind} ${signal.detail}`,
        ),
      );
    }
    for (const kill of mine.filter((e) => e.kind === "sigkill")) {
      parts.push(line(x(kill.t), y, x(kill.t), y + laneHeight - 4, "#d62728", `${kill.container} SIGKILL`));
    }
    const removed = at("endpoint-removed");
    if (removed !== undefined) {
      parts.push(
        `<line x1="${x(removed)}" y1="${y}" x2="${x(removed)}" y2="${y + laneHeight - 4}" stroke="#333" stroke-dasharray="2,2"><title>endpoint removed ${removed.toFixed(2)}s</title></line>`,
      );
    }
  });
  const requestTop = 30 + pods.length * laneHeight;
  const rows = Math.min(120, Math.max(20, st.requestLog.length));
  const rowHeight = 2;
  st.requestLog.forEach((r, i) => {
    const y = requestTop + (i % rows) * rowHeight;
    const failed = r.outcome !== "ok";
    parts.push(
      `<line x1="${x(r.start)}" y1="${y}" x2="${Math.max(x(r.end ?? end), x(r.start) + 1.5)}" y2="${y}" stroke="${COLORS[r.outcome]}" stroke-width="${failed ? 2 : 1}"><title>${esc(`${r.method} ${r.ms}ms ${r.mode} ${r.outcome} ${r.status ?? r.error ?? ""} ${r.servedBy ?? ""}`)}</title></line>`,
    );
  });
  const height = requestTop + rows * rowHeight + 30;
  const ticks: string[] = [];
  const step = end > 60 ? 10 : end > 20 ? 5 : 1;
  for (let t = 0; t <= end; t += step) {
    ticks.push(
      `<line x1="${x(t)}" y1="10" x2="${x(t)}" y2="${height - 20}" stroke="#eee"/><text x="${x(t)}" y="${height - 6}" font-size="10" text-anchor="middle">${t}s</text>`,
    );
  }
  parts.unshift(...ticks, `<text x="4" y="${requestTop + 10}" font-size="11">requests</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${esc(st.name)}">${parts.join("")}</svg>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string, title: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, w).toFixed(1)}" height="${h}" fill="${fill}"><title>${esc(title)}</title></rect>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, title: string): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1}" x2="${x2.toFixed(1)}" y2="${y2}" stroke="${stroke}" stroke-width="2"><title>${esc(title)}</title></line>`;
}

/** HTML text and attribute values for any name a manifest gives: XML-invalid characters replaced first. */
function esc(text: string): string {
  return xmlChars(text).replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c,
  );
}
