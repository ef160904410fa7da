/**
 * A container's main process as PID 1 of its own PID namespace, as a container runtime starts it:
 * `unshare --pid --fork --mount-proc --kill-child`. Signals are sent from the host (the parent namespace),
 * as containerd does, so the kernel's PID 1 rule applies for real: a signal PID 1 has no handler for is
 * dropped (SIGKILL excepted). `setpriv --pdeathsig SIGKILL` makes `unshare` die with the tool even on
 * SIGKILL, and `--kill-child` then takes the whole namespace down.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { ProcessRegistry } from "./registry.js";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `performance.now()` when the namespace's PID 1 was reaped. */
  atMs: number;
}

export interface NamespaceProcess {
  /** Host PID of `unshare` (leader of the process group). */
  readonly unsharePid: number;
  /** Host PID of the namespace's PID 1 (the container's main process). */
  readonly pid1: number;
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** Send a signal to PID 1 from the host. False when PID 1 is already gone. */
  signal(signal: NodeJS.Signals): boolean;
}

export interface StartOptions {
  argv: string[];
  env: Record<string, string>;
  /** stdout and stderr of the process go here. */
  logFile: string;
  cwd?: string;
  registry: ProcessRegistry;
}

export class NamespaceError extends Error {
  constructor(
    message: string,
    readonly code: "spawn-failed" | "no-pid1" | "exited-early",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Start `argv` as PID 1 of a new PID (and mount, for /proc) namespace. Resolves once PID 1 exists. */
export async function startInPidNamespace(options: StartOptions): Promise<NamespaceProcess> {
  const log = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(
      "setpriv",
      [
        "--pdeathsig",
        "SIGKILL",
        "--",
        "unshare",
        "--pid",
        "--fork",
        "--mount-proc",
        "--kill-child",
        "--",
        ...options.argv,
      ],
      { detached: true, stdio: ["ignore", log, log], env: options.env, cwd: options.cwd },
    );
  } finally {
    closeSync(log);
  }
  options.registry.track(child);
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      exitStatus = { code, signal, atMs: performance.now() };
      resolve(exitStatus);
    });
    child.once("error", () => {
      exitStatus = { code: 127, signal: null, atMs: performance.now() };
      resolve(exitStatus);
    });
  });
  const unsharePid = child.pid;
  if (unsharePid === undefined) throw new NamespaceError(`cannot start ${options.argv[0]}`, "spawn-failed");
  const pid1 = await findChild(unsharePid, () => exitStatus !== undefined);
  if (pid1 === undefined) {
    const status = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 100))]);
    throw new NamespaceError(
      `${options.argv.join(" ")} did not start in its PID namespace (${status ? `exit ${status.code ?? status.signal}` : "no PID 1"}); see ${options.logFile}`,
      status ? "exited-early" : "no-pid1",
    );
  }
  options.registry.trackPid(pid1);
  void exited.then(() => options.registry.untrackPid(pid1));
  return {
    unsharePid,
    pid1,
    exited,
    hasExited: () => exitStatus !== undefined,
    signal(signal) {
      if (exitStatus !== undefined) return false;
      try {
        process.kill(pid1, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Poll `/proc/<pid>/task/<pid>/children` for unshare's forked child: the namespace's PID 1 (bounded: 3 s). */
async function findChild(pid: number, gone: () => boolean): Promise<number | undefined> {
  const deadline = performance.now() + 3000;
  while (performance.now() < deadline && !gone()) {
    try {
      const first = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0];
      if (first) return Number(first);
    } catch {
      // not there yet, or gone
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  startMs: number;
  endMs: number;
}

/**
 * Run `argv` inside the namespace of `target` (`nsenter --pid --mount`), as the kubelet runs an exec hook or
 * probe inside a container: `kill ... 1` there reaches the container's PID 1. The process dies with the
 * namespace when PID 1 exits, as in a container.
 */
export function execInNamespace(
  target: NamespaceProcess,
  argv: string[],
  registry: ProcessRegistry,
  env: Record<string, string> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
): Promise<ExecResult> {
  const startMs = performance.now();
  const child = spawn("nsenter", ["--target", String(target.pid1), "--pid", "--mount", "--", ...argv], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  registry.track(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    if (stdout.length < 8192) stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.once("error", (error) =>
      resolve({ code: 127, signal: null, stdout, stderr: String(error), startMs, endMs: performance.now() }),
    );
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, startMs, endMs: performance.now() }),
    );
  });
}
