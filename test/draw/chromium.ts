import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { PNG } from "pngjs";

/** The headless browser that renders the SVG as a user's browser would: Debian's `chromium`. */
export async function findChromium(): Promise<string | undefined> {
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const path = join(dir, name);
      try {
        await access(path, constants.X_OK);
        return path;
      } catch {}
    }
  }
  return undefined;
}

/**
 * Renders a file (an SVG) with headless Chromium into a PNG of `width`×`height` and decodes it. The
 * browser runs in its own process group, and the whole group is killed if it is not done in time.
 */
export async function screenshot(
  chromium: string,
  file: string,
  size: { width: number; height: number },
  timeoutMs = 30_000,
): Promise<PNG> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-chromium-"));
  const png = join(dir, "shot.png");
  try {
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${join(dir, "profile")}`,
      `--screenshot=${png}`,
      `--window-size=${size.width},${size.height}`,
      `file://${file}`,
    ];
    const child = spawn(chromium, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const status = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(child.pid);
        reject(new Error(`chromium did not finish within ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    // The browser's helper processes (zygote, GPU, renderer) may outlive the main one.
    killGroup(child.pid);
    if (status !== 0) throw new Error(`chromium exited with ${status}\n${stderr}`);
    return PNG.sync.read(await readFile(png));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {}
}

/** Pixels in a box that are the failure red (#dc2626 and its anti-aliased edges), not pink or purple. */
export function redPixels(png: PNG, box: { x: number; y: number; width: number; height: number }): number {
  let count = 0;
  const x1 = Math.min(png.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(png.height, Math.ceil(box.y + box.height));
  for (let y = Math.max(0, Math.floor(box.y)); y < y1; y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < x1; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i] ?? 0, png.data[i + 1] ?? 0, png.data[i + 2] ?? 0];
      if (r > 180 && g < 90 && b < 90) count++;
    }
  }
  return count;
}
