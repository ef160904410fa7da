import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { Recorder, sleep } from "../../src/rehearse/events.js";
import type { Pod, RuntimeContext } from "../../src/rehearse/pod.js";
import { ProcessRegistry } from "../../src/rehearse/registry.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const appDir = join(repoRoot, "examples/rehearse-app");

export function makeContext(overrides: Partial<RuntimeContext> = {}): RuntimeContext {
  const registry = new ProcessRegistry();
  return {
    registry,
    recorder: new Recorder(),
    phpFpm: "/usr/sbin/php-fpm8.2",
    nginx: "/usr/sbin/nginx",
    appDir,
    shell: ["sh"],
    probePeriodMs: 200,
    workDir: registry.tempDir("test"),
    ...overrides,
  };
}

export async function waitReady(pod: Pod, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pod.ready) {
    if (Date.now() > deadline) throw new Error(`${pod.name} not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface Outcome {
  status: number | "error";
  error?: string;
  body: string;
  ms: number;
}

/** One request, fresh connection, bounded in time; never throws. */
export async function fetchOnce(
  url: string,
  timeoutMs = 15000,
  method: "GET" | "POST" = "GET",
): Promise<Outcome> {
  const start = Date.now();
  try {
    const res = await request(url, {
      method,
      body: method === "POST" ? "x=1" : undefined,
      reset: true,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await res.body.text();
    return { status: res.statusCode, body, ms: Date.now() - start };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { status: "error", error: e.code ?? e.message ?? String(error), body: "", ms: Date.now() - start };
  }
}
