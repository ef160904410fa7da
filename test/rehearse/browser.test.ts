import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { inflateSync } from "node:zlib";
import { renderHtml } from "../../src/rehearse/report.js";
import { rehearse } from "../../src/rehearse/run.js";
import { makeContext } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";

/** RGB(A) pixels of a non-interlaced 8-bit PNG, filters undone. */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  pixel: (x: number, y: number) => number[];
} {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const channels = png[25] === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString("ascii", offset + 4, offset + 8) === "IDAT")
      idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0;
      const a = i >= channels ? (out[y * stride + i - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] ?? 0) : 0;
      const c = y > 0 && i >= channels ? (out[(y - 1) * stride + i - channels] ?? 0) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter ?? 0] ?? 0;
      out[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => [...out.subarray(y * stride + x * channels, y * stride + x * channels + 3)],
  };
}

test("the HTML report of a real naive rehearsal renders in headless Chromium with red 502-reset requests and pod bands", {
  skip: existsSync(CHROMIUM) ? false : "chromium is not installed (apt-get install chromium)",
}, async () => {
  const result = await rehearse({
    strategies: ["naive"],
    propagationSeconds: 1,
    replicas: 1,
    restarts: 1,
    rps: 10,
    mix: [
      { share: 0.7, ms: 50 },
      { share: 0.3, ms: 2000 },
    ],
    leadSeconds: 1.5,
    tailSeconds: 0.5,
    onProgress: () => {},
    handleSignals: false,
  });
  const failed = result.strategies[0]?.failedByKind["502-reset"] ?? 0;
  assert.ok(failed > 0);
  const ctx = makeContext();
  try {
    const dir = ctx.registry.tempDir("browser");
    writeFileSync(join(dir, "report.html"), renderHtml(result));
    const shot = join(dir, "report.png");
    const r = spawnSync(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1200,900",
        `--screenshot=${shot}`,
        `file://${dir}/report.html`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.ok(existsSync(shot), r.stderr);
    const png = decodePng(readFileSync(shot));
    assert.equal(png.width, 1200);
    const counts = new Map<string, number>();
    for (let y = 0; y < png.height; y += 1) {
      for (let x = 0; x < png.width; x += 1) {
        const key = png.pixel(x, y).join(",");
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    // 502-reset requests are drawn in #d62728, pod bands in #cfd8e3.
    assert.ok((counts.get("214,39,40") ?? 0) > 20, "no red 502-reset request drawn");
    assert.ok((counts.get("207,216,227") ?? 0) > 1000, "no pod band drawn");
  } finally {
    await ctx.registry.cleanup();
  }
});
