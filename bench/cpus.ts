/**
 * Keeps the load generator off the server's CPU, as a benchmark across two machines would. On this 2-core
 * machine, with both processes free to move, the kernel (and V8's helper threads) put them on the same core
 * often enough to double the webhook's p99; pinned, the server has one core and the generator the other.
 * Needs `taskset` (util-linux) and two CPUs; without them the benchmark runs unpinned and says so.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Placement {
  /** Prefix for the server's command line (`taskset -c N`), empty when unpinned. */
  serverPrefix: string[];
  /** `server CPU 1, generator CPU 0`, or why it is unpinned. */
  description: string;
  /** Gives this process every CPU again. */
  restore(): void;
}

/**
 * Pins this process (every thread of it: `-a`) to all its allowed CPUs but the last, and gives the last to
 * the server started with `serverPrefix`.
 *
 * @example
 *   const placement = pinLoadGenerator();
 *   try { spawn(placement.serverPrefix[0] ?? process.execPath, …) } finally { placement.restore(); }
 */
export function pinLoadGenerator(): Placement {
  const unpinned = (why: string): Placement => ({
    serverPrefix: [],
    description: `unpinned (${why})`,
    restore: () => {},
  });
  if (process.platform !== "linux") return unpinned("not Linux");
  // The CPUs this process may use (a container's cpuset, an outer taskset), not 0..n-1.
  const allowed = allowedCpus();
  if (!allowed) return unpinned("no Cpus_allowed_list in /proc/self/status");
  if (allowed.cpus.length < 2) return unpinned("one CPU");
  const server = String(allowed.cpus.at(-1));
  const generator = allowed.cpus.slice(0, -1).join(",");
  try {
    execFileSync("taskset", ["-a", "-p", "-c", generator, String(process.pid)], { stdio: "ignore" });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return unpinned(missing ? "taskset from util-linux not installed" : "taskset refused");
  }
  return {
    serverPrefix: ["taskset", "-c", server],
    description: `server on CPU ${server}, load generator on CPU ${generator}`,
    restore: () => {
      try {
        execFileSync("taskset", ["-a", "-p", "-c", allowed.list, String(process.pid)], { stdio: "ignore" });
      } catch {
        // The process keeps its narrower CPU set; it ends with the benchmark run.
      }
    },
  };
}

/** `Cpus_allowed_list` (`0-1`, `2,4-5`) as written and as CPU numbers, or undefined when unreadable. */
function allowedCpus(): { list: string; cpus: number[] } | undefined {
  let status: string;
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    return undefined;
  }
  const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  if (!list) return undefined;
  const cpus: number[] = [];
  for (const part of list.split(",")) {
    const [from, to = from] = part.split("-").map(Number) as [number, number?];
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus.every(Number.isInteger) ? { list, cpus } : undefined;
}
