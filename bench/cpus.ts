/**
 * Keeps the load generator off the server's CPU, as a benchmark across two machines would. On this 2-core
 * machine, with both processes free to move, the kernel (and V8's helper threads) put them on the same core
 * often enough to double the webhook's p99; pinned, the server has one core and the generator the other.
 * Needs `taskset` (util-linux) and two CPUs; without them the benchmark runs unpinned and says so.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

export interface Placement {
  /** Prefix for the server's command line (`taskset -c N`), empty when unpinned. */
  serverPrefix: string[];
  /** `server CPU 1, generator CPU 0`, or why it is unpinned. */
  description: string;
  /** Gives this process every CPU again. */
  restore(): void;
}

/**
 * Pins this process (every thread of it: `-a`) to all CPUs but the last, and gives the last to the server
 * started with `serverPrefix`.
 *
 * @example
 *   const placement = pinLoadGenerator();
 *   try { spawn(placement.serverPrefix[0] ?? process.execPath, …) } finally { placement.restore(); }
 */
export function pinLoadGenerator(): Placement {
  const cpus = availableParallelism();
  const unpinned = (why: string): Placement => ({
    serverPrefix: [],
    description: `unpinned (${why})`,
    restore: () => {},
  });
  if (process.platform !== "linux") return unpinned("not Linux");
  if (cpus < 2) return unpinned("one CPU");
  const all = `0-${cpus - 1}`;
  const generator = cpus === 2 ? "0" : `0-${cpus - 2}`;
  const server = String(cpus - 1);
  try {
    execFileSync("taskset", ["-a", "-p", "-c", generator, String(process.pid)], { stdio: "ignore" });
  } catch {
    return unpinned("taskset from util-linux not available");
  }
  return {
    serverPrefix: ["taskset", "-c", server],
    description: `server on CPU ${server}, load generator on CPU ${generator}`,
    restore: () => {
      try {
        execFileSync("taskset", ["-a", "-p", "-c", all, String(process.pid)], { stdio: "ignore" });
      } catch {
        // The process keeps its narrower CPU set; it ends with the benchmark run.
      }
    },
  };
}
