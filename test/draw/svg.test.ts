import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { drawSvg } from "../../src/draw/svg.js";
import type { WorkloadDrawing } from "../../src/draw/terminal.js";
import { checkPaths } from "../../src/index.js";
import type { Timeline } from "../../src/timeline/types.js";
import { findChromium, redPixels, screenshot } from "./chromium.js";

async function drawingsOf(path: string): Promise<WorkloadDrawing[]> {
  const { result } = await checkPaths([path]);
  return result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Element = Record<string, unknown>;
const list = (value: unknown): Element[] =>
  (Array.isArray(value) ? value : value ? [value] : []) as Element[];

/** The charts of an SVG, each with its time scale and the band of its failures row, read with an XML parser. */
function chartsOf(
  svg: string,
): { workload: string; x0: number; x1: number; end: number; failures: Box; bar: Box }[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg) as {
    svg: Element;
  };
  return list(doc.svg.g)
    .filter((g) => g.class === "chart")
    .map((g) => {
      const band = list(g.rect).find((r) => r.class === "row row-failures");
      assert.ok(band, "a failures row");
      return {
        workload: String(g["data-workload"]),
        x0: Number(g["data-x0"]),
        x1: Number(g["data-x1"]),
        end: Number(g["data-end"]),
        failures: {
          x: Number(band.x),
          y: Number(band.y),
          width: Number(band.width),
          height: Number(band.height),
        },
        bar: {
          x: Number(band.x),
          y: Number(band["data-bar-y"]),
          width: Number(band.width),
          height: Number(band["data-bar-height"]),
        },
      };
    });
}

test("svg: well-formed XML with a chart per workload, axis ticks, rows, marks and a legend", async () => {
  const svg = drawSvg(await drawingsOf("examples/seed"));
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1100" height="\d+"/);
  const charts = chartsOf(svg);
  assert.deepEqual(
    charts.map((c) => c.workload),
    ["Deployment/shop/app-fpm", "Deployment/shop/app-nginx"],
  );
  for (const cls of [
    "row-traffic",
    "row-failures",
    "segment-traffic",
    "segment-prestop",
    "segment-refused",
  ]) {
    assert.ok(svg.includes(`class="row ${cls}"`) || svg.includes(`class="segment ${cls}"`), cls);
  }
  assert.ok(svg.includes('class="mark mark-killed"'), "the in-flight kill");
  assert.ok(svg.includes('class="mark mark-dropped"'), "the preStop kill dash rejects");
  assert.ok(svg.includes('class="guide guide-grace"') && svg.includes('class="guide guide-propagation"'));
  for (const tick of ["0s", "10s", "20s", "30s"]) assert.ok(svg.includes(`>${tick}</text>`), tick);
  assert.ok(svg.includes('<g class="legend">'));
  assert.ok(svg.includes("SIGQUIT at 10s with process_control_timeout 0"));
});

test("svg: text is escaped, whatever a workload or container is called", () => {
  const timeline: Timeline = {
    workload: `Deployment/<ns>/"a&b'`,
    propagationSeconds: 5,
    gracePeriodSeconds: 30,
    longestRequestSeconds: 30,
    containers: [],
    events: [],
    failureWindows: [
      {
        container: "x",
        kind: "refused",
        cause: "closed-before-propagation",
        from: 0,
        to: 5,
        explanation: "<script>&</script>",
      },
    ],
    podExitSeconds: 0,
    assumptions: ["]]> & <!--"],
  };
  const svg = drawSvg([{ workload: timeline.workload, panels: [{ title: "<b>", timeline }] }]);
  assert.equal(XMLValidator.validate(svg), true);
  assert.equal(svg.includes("<script>"), false);
  assert.ok(svg.includes("Deployment/&lt;ns&gt;/&quot;a&amp;b&apos;"));
});

test("svg: rendered by headless Chromium, the failure row is red at 10 s for the recipe and clean for the recommended setup", async (t) => {
  const chromium = await findChromium();
  if (!chromium) {
    t.skip("chromium is not installed (apt-get install -y chromium): the SVG was not looked at as an image");
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-svg-"));
  try {
    const seedSvg = drawSvg(await drawingsOf("examples/seed"));
    const seedFile = join(dir, "seed.svg");
    await writeFile(seedFile, seedSvg);
    const seed = await screenshot(chromium, seedFile, { width: 1200, height: 800 });
    const [fpm, nginx] = chartsOf(seedSvg);
    assert.ok(fpm && nginx);
    // The failures row's bar, between two moments: its labels (red too) hang below it.
    const plot = (c: typeof fpm, from: number, to: number): Box => ({
      x: c.x0 + (from / c.end) * (c.x1 - c.x0),
      y: c.bar.y - 2,
      width: ((to - from) / c.end) * (c.x1 - c.x0),
      height: c.bar.height + 4,
    });
    assert.ok(fpm.failures.y + fpm.failures.height < seed.height, "the failures row is in the picture");
    assert.ok(
      redPixels(seed, plot(fpm, 9.5, 10.5)) > 30,
      "a red mark where php-fpm kills in-flight requests at 10s",
    );
    assert.equal(redPixels(seed, plot(fpm, 0, 9)), 0, "nothing fails before 10s");
    assert.equal(redPixels(seed, plot(fpm, 11, fpm.end)), 0, "nor after");
    assert.ok(redPixels(seed, plot(nginx, 1, 4)) > 200, "nginx refuses new connections from 0 to 5s");

    const recommendedSvg = drawSvg(await drawingsOf("examples/recommended"));
    const recommendedFile = join(dir, "recommended.svg");
    await writeFile(recommendedFile, recommendedSvg);
    const recommended = await screenshot(chromium, recommendedFile, { width: 1200, height: 800 });
    const [app] = chartsOf(recommendedSvg);
    assert.ok(app);
    assert.ok(
      redPixels(recommended, { x: 0, y: 0, width: 1200, height: 800 }) > 0,
      "the legend's red is drawn",
    );
    const row = { ...app.failures, x: app.x0, width: app.x1 - app.x0 };
    assert.equal(redPixels(recommended, row), 0, "no red anywhere in the failures row's plot");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
