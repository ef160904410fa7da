import assert from "node:assert/strict";
import { test } from "node:test";
import { pairTimelines } from "../../src/draw/compare.js";
import { drawSvg } from "../../src/draw/svg.js";
import { drawTerminal, drawTerminalCharts } from "../../src/draw/terminal.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { checkPaths } from "../../src/index.js";
import type { Timeline } from "../../src/timeline/types.js";

const ESC = "\u001b[";

async function timelineOf(path: string, workload: string): Promise<Timeline> {
  const { result } = await checkPaths([path]);
  const found = result.workloads.find((w) => w.id === workload);
  assert.ok(found, `${workload} in ${path}`);
  return found.timeline;
}

/** The column of the time `at` on the chart's axis, read from the tick labels line. */
function columnOf(chart: string, at: number): number {
  const ticks = chart.split("\n").find((l) => l.startsWith("seconds"));
  assert.ok(ticks, "a line of tick labels");
  const col = ticks.search(new RegExp(`(?<=\\s)${at}s`));
  assert.ok(col > 0, `a tick at ${at}s`);
  return col;
}

test("terminal: the copied recipe kills php-fpm's in-flight requests at 10 s, in red on the failures row", async () => {
  const t = await timelineOf("examples/seed", "Deployment/shop/app-fpm");
  const chart = drawTerminal(t, { width: 100, color: false });
  const lines = chart.split("\n");
  const failures = lines.find((l) => l.startsWith("failures"));
  assert.ok(failures, chart);
  assert.equal(failures.indexOf("✖"), columnOf(chart, 10), "the kill mark sits under the 10s tick");
  assert.match(chart, /↑ in flight killed/);
  assert.match(chart, /✖ 10s SIGQUIT at 10s with process_control_timeout 0/);
  const traffic = lines.find((l) => l.startsWith("traffic"));
  assert.ok(traffic, "a row for endpoint propagation");
  assert.equal(traffic.lastIndexOf("━") + 1, columnOf(chart, 5), "traffic arrives from 0 until 5s");
  assert.match(traffic, /new connections until 5s/);
  const fpm = lines.find((l) => l.startsWith("php-fpm"));
  assert.ok(fpm?.includes("░"), "the preStop segment");
  assert.match(chart, /SIGQUIT preStop kill fails/, "the kill that dash rejects is drawn as not delivered");
  assert.match(chart, /SIGQUIT \(stop signal\)/);
  assert.match(chart, /grace ends 30s/);
  const colored = drawTerminal(t, { width: 100, color: true });
  assert.ok(colored.includes(`${ESC}31m✖`), "the failure mark is red");
});

test("terminal: a setup that fails nothing says so, and draws the drain and the exit", async () => {
  const t = await timelineOf("examples/recommended", "Deployment/shop/app");
  const chart = drawTerminal(t, { width: 100, color: false });
  assert.match(chart, /^failures +none predicted/m);
  assert.ok(chart.includes("▒"), "php-fpm's graceful finish");
  assert.match(chart, /↑ exit/);
  assert.equal(/[█▓✖●]/.test(chart), false, "no failure glyph");
});

test("terminal: every line fits the width, from narrow to wide", async () => {
  const { result } = await checkPaths(["examples/seed", "examples/recommended"]);
  const drawings = result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
  for (const width of [40, 60, 80, 100, 140]) {
    for (const ascii of [false, true]) {
      const out = drawTerminalCharts(drawings, { width, color: false, ascii });
      for (const line of out.split("\n")) {
        assert.ok(
          [...line].length <= width,
          `width ${width}${ascii ? " ascii" : ""}: ${JSON.stringify(line)}`,
        );
      }
    }
  }
  const colored = drawTerminalCharts(drawings, { width: 60, color: true });
  for (const line of colored.split("\n")) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed
    const visible = line.replace(/\u001b\[[0-9;]*m/g, "");
    assert.ok([...visible].length <= 60, JSON.stringify(visible));
  }
});

test("terminal: --ascii draws with ASCII characters only, and no colour unless asked", async () => {
  const { result } = await checkPaths(["examples/seed", "examples/recommended"]);
  const drawings = result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
  const out = drawTerminalCharts(drawings, { width: 90, color: false, ascii: true });
  const stray = [...out].filter((ch) => ch !== "\n" && (ch < " " || ch > "~"));
  assert.deepEqual([...new Set(stray)], [], "only printable ASCII");
  assert.match(out, /^failures .*X/m, "the in-flight kill as X");
  assert.equal(out.includes(ESC), false);
});

test("terminal: --compare draws each workload as written and after the fixes, on one time scale", async () => {
  const { result, files, checkOptions } = await checkPaths(["examples/seed"]);
  const drawings = pairTimelines(result, fixSources(files, checkOptions).after);
  const out = drawTerminalCharts(drawings, { width: 100, color: false });
  const fpm = out.slice(0, out.indexOf("Deployment/shop/app-nginx"));
  const before = fpm.indexOf("  as written\n");
  const after = fpm.indexOf("  after fpm-graceful fix\n");
  assert.ok(before > 0 && after > before, fpm);
  assert.match(fpm.slice(before, after), /failure predicted/);
  assert.match(fpm.slice(after), /^failures +none predicted/m);
  const axes = fpm.split("\n").filter((l) => l.startsWith("seconds"));
  assert.equal(axes.length, 2);
  assert.equal(axes[0], axes[1], "both charts share the axis");
});

test("terminal and SVG: the summary names the front the prediction assumes (l7 by default, l4 when asked)", async () => {
  const l7 = await timelineOf("examples/recommended", "Deployment/shop/app");
  assert.match(drawTerminal(l7, { width: 100, color: false }), /longest request \S+, front l7 · /);
  const { result } = await checkPaths(["examples/recommended"], { front: "l4" });
  const l4 = result.workloads.find((w) => w.id === "Deployment/shop/app")?.timeline;
  assert.ok(l4);
  assert.match(drawTerminal(l4, { width: 100, color: false }), /front l4 · /);
  assert.match(drawSvg([{ workload: l4.workload, panels: [{ timeline: l4 }] }]), /front l4 · /);
});
