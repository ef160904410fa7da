import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The compiled CLI, as `npm install -g` would run it (tests run from dist/test/). */
export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `fpm-graceful ARGS` in a child process from the repository root, with standard input closed
 * unless given, no colour forced, and a time limit (a hang fails the test instead of the suite).
 */
export function runCli(
  args: string[],
  options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliRun {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FPM_GRACEFUL_DEBUG;
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  Object.assign(env, options.env);
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: options.timeoutMs ?? 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: child.status,
    signal: child.signal,
    stdout: child.stdout,
    stderr: child.stderr,
    ms: performance.now() - started,
  };
}

/** A stack trace leaked to the user: `    at fn (file:line:col)` lines. */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
