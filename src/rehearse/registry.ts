/**
 * Everything a rehearsal starts is registered here, so that it can all be stopped and removed on success,
 * failure, Ctrl-C or SIGTERM of the tool: process groups (each namespace's `unshare` leads one), the host
 * PIDs of namespace PID 1s, and temp directories.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class ProcessRegistry {
  private readonly children = new Set<ChildProcess>();
  private readonly pids = new Set<number>();
  private readonly dirs = new Set<string>();
  private uninstall: (() => void) | undefined;

  /** A child spawned with `detached: true`: it leads its own process group, killed as a whole. */
  track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once("exit", () => {
      // The group may outlive its leader (e.g. php-fpm workers): kill it before forgetting it.
      if (child.pid !== undefined) killQuietly(-child.pid, "SIGKILL");
      this.children.delete(child);
    });
    return child;
  }

  /** A host PID to SIGKILL at cleanup (a namespace's PID 1: forcibly delivered from the parent namespace). */
  trackPid(pid: number): void {
    this.pids.add(pid);
  }

  untrackPid(pid: number): void {
    this.pids.delete(pid);
  }

  /** A fresh temp directory, removed at cleanup. It names its owner, so a later run can tell it is stale. */
  tempDir(prefix: string): string {
    if (this.dirs.size === 0) removeStaleTempDirs();
    // A prefix may come from a manifest (a strategy named after a workload): never a path of its own.
    const safe = prefix
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^\.+/, "_")
      .slice(0, 60);
    const dir = mkdtempSync(join(tmpdir(), `fpm-graceful-${safe}-`));
    writeFileSync(join(dir, OWNER_FILE), String(process.pid));
    this.dirs.add(dir);
    return dir;
  }

  get liveProcessCount(): number {
    return this.children.size;
  }

  /** SIGKILL every tracked PID and process group, synchronously (safe in an `exit` handler). */
  killAll(): void {
    for (const pid of this.pids) killQuietly(pid, "SIGKILL");
    for (const child of this.children) {
      if (child.pid !== undefined) {
        killQuietly(-child.pid, "SIGKILL");
        killQuietly(child.pid, "SIGKILL");
      }
    }
  }

  /** Kill everything, wait (bounded) for the processes to be reaped, remove the temp directories. */
  async cleanup(timeoutMs = 5000): Promise<void> {
    this.killAll();
    const deadline = Date.now() + timeoutMs;
    while (this.children.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      this.killAll();
    }
    this.pids.clear();
    this.removeDirs();
  }

  private removeDirs(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }

  /**
   * While installed, SIGINT and SIGTERM of the tool kill everything and exit (130 / 143), and a plain
   * process exit kills everything synchronously. Returns the uninstaller.
   */
  installExitHandlers(): () => void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.killAll();
      this.removeDirs();
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    const onExit = () => {
      this.killAll();
      this.removeDirs();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("exit", onExit);
    this.uninstall = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("exit", onExit);
    };
    return this.uninstall;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

const OWNER_FILE = ".fpm-graceful-owner";

/**
 * A rehearsal killed with SIGKILL cannot remove its temp directories (its processes die with it, through
 * `--pdeathsig` and `--kill-child`): the next rehearsal removes those whose owner process is gone.
 */
export function removeStaleTempDirs(root = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith("fpm-graceful-"));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(root, name);
    const ownerFile = join(dir, OWNER_FILE);
    if (!existsSync(ownerFile)) continue;
    const owner = Number(readFileSync(ownerFile, "utf8"));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
