/**
 * A container's main process as PID 1 of its own PID namespace, as a container runtime starts it:
 * `unshare --pid --fork --mount-proc --kill-child`. Signals are sent from the host (the parent namespace),
 * as containerd does, so the kernel's PID 1 rule applies for real: a signal PID 1 has no handler for is
 * dropped (SIGKILL excepted). `setpriv --pdeathsig SIGKILL` makes `unshare` die with the tool even on
 * SIGKILL, and `--kill-child` then takes the whole namespace down.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
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
  /**
   * What the kernel does with `signal` sent to PID 1 from the host right now: `exited` (gone, or a zombie
   * not yet reaped), `dropped` (PID 1 has no handler: the kernel discards it, SIGKILL excepted), `delivered`.
   */
  fate(signal: NodeJS.Signals): SignalFate;
}

export type SignalFate = "delivered" | "dropped" | "exited";

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
    fate: (signal) => (exitStatus !== undefined ? "exited" : signalFate(pid1, signal)),
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

/**
 * From `/proc/<pid>/status`: a signal sent to a PID namespace's init from an ancestor namespace is delivered
 * only if init catches it (`SigCgt`), SIGKILL and SIGSTOP excepted (pid_namespaces(7); kernel
 * `sig_task_ignored` with `SIGNAL_UNKILLABLE`). A zombie (`State: Z`) has exited and is not yet reaped, and
 * a PID 1 with `PF_EXITING` in `/proc/<pid>/stat`'s flags is exiting (it is killing the rest of its
 * namespace first, the hook that killed it among them): a signal sent now finds nothing to stop.
 */
export function signalFate(pid: number, signal: NodeJS.Signals): SignalFate {
  let status: string;
  let stat: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return "exited";
  }
  const PF_EXITING = 0x4;
  const flags = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[6]);
  if (Number.isFinite(flags) && (flags & PF_EXITING) !== 0) return "exited";
  if (/^State:\s+[ZX]/m.test(status)) return "exited";
  if (signal === "SIGKILL" || signal === "SIGSTOP") return "delivered";
  const number = osConstants.signals[signal];
  const caught = /^SigCgt:\s+([0-9a-f]+)/m.exec(status)?.[1];
  if (number === undefined || caught === undefined) return "delivered";
  return (BigInt(`0x${caught}`) >> BigInt(number - 1)) & 1n ? "delivered" : "dropped";
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
 * What an exec hook or probe from a manifest runs as (#16): the unprivileged user `nobody` with no
 * supplementary groups, no way to gain privileges (`no_new_privs`), and of root's capabilities only
 * CAP_KILL, so that `kill -QUIT 1` still reaches the container's PID 1 (which runs as root here, as in most
 * images) while the host's files are out of reach of its writes. Its mount namespace is the container's
 * private one; its network is the host's (the pods' loopback addresses must stay reachable): see
 * docs/REHEARSE.md, "What it runs".
 */
export const HOOK_SANDBOX = [
  "setpriv",
  "--reuid=65534",
  "--regid=65534",
  "--clear-groups",
  "--inh-caps=-all,+kill",
  "--ambient-caps=+kill",
  "--bounding-set=-all,+kill",
  "--no-new-privs",
  "--",
];

/**
 * Run `argv` inside the namespace of `target` (`nsenter --pid --mount`), as the kubelet runs an exec hook or
 * probe inside a container: `kill ... 1` there reaches the container's PID 1. It runs sandboxed
 * (`HOOK_SANDBOX`). The process dies with the namespace when PID 1 exits, as in a container.
 */
export function execInNamespace(
  target: NamespaceProcess,
  argv: string[],
  registry: ProcessRegistry,
  env: Record<string, string> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
): Promise<ExecResult> {
  const startMs = performance.now();
  const child = spawn(
    "nsenter",
    ["--target", String(target.pid1), "--pid", "--mount", "--", ...HOOK_SANDBOX, ...argv],
    {
      detached: true,
      cwd: "/",
      stdio: ["ignore", "pipe", "pipe"],
      env,
    },
  );
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
