import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { ReviewConfig, ReviewMode, ReviewOutcome } from "./review.js";
import type { WorkerTask } from "./review-worker.js";

/**
 * CPUs this process may use: the cgroup's CPU quota (`cpu.max` in cgroup v2, `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us` in v1: a pod's `limits.cpu`), rounded up, and never more than
 * `os.availableParallelism()` (the CPU set). `read` is the file reader, for tests.
 *
 * @example
 *   cpuLimit(); // 2 in a pod with limits.cpu: "1500m" on a 16-core node
 */
export function cpuLimit(read: (path: string) => string = (path) => readFileSync(path, "utf8")): number {
  const cpus = availableParallelism();
  const quota = (): number | undefined => {
    try {
      const [max, period] = read("/sys/fs/cgroup/cpu.max").trim().split(/\s+/);
      if (max === "max") return undefined;
      return Number(max) / Number(period);
    } catch {}
    try {
      const max = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").trim());
      const period = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us").trim());
      return max > 0 ? max / period : undefined;
    } catch {
      return undefined;
    }
  };
  const limit = quota();
  return limit !== undefined && Number.isFinite(limit) && limit > 0 ? Math.min(cpus, Math.ceil(limit)) : cpus;
}

/**
 * Worker threads for `cpus` CPUs: one CPU stays with the event loop (probes, small reviews, TLS), the rest
 * review large objects; at least one worker.
 */
export function workerThreadsFor(cpus: number): number {
  return Math.max(1, cpus - 1);
}

/** Why a review in the pool did not produce an answer: the failure policy answers instead. */
export class PoolFailure extends Error {
  constructor(
    readonly failure: "timeout" | "busy" | "error",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PoolOptions {
  /** The review's configuration without the cache (each worker has its own copy). */
  config: Omit<ReviewConfig, "cache">;
  threads: number;
  /** Reviews waiting for a worker at most; beyond, `busy`. */
  maxQueued: number;
  /** A review (queue wait included) still running after this is stopped: its worker is terminated. */
  timeoutMs: number;
}

/**
 * Large reviews run here, off the event loop (piscina over `node:worker_threads`). A worker that overruns
 * `timeoutMs` is terminated (piscina aborts a running task by stopping its thread) and a new one started;
 * the caller answers per the failure policy. Workers run at a lower priority (nice +10), so that where
 * they share a CPU with the event loop, probes and small reviews go first.
 *
 * @example
 *   const pool = new ReviewPool({ config, threads: 1, maxQueued: 16, timeoutMs: 2000 });
 *   const outcome = await pool.review(bodyText, "validate"); // throws PoolFailure
 */
export class ReviewPool {
  private readonly piscina: Piscina<WorkerTask, ReviewOutcome>;
  constructor(private readonly options: PoolOptions) {
    this.piscina = new Piscina({
      filename: new URL("./review-worker.js", import.meta.url).href,
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueued,
      idleTimeout: 60_000,
      niceIncrement: 10,
      workerData: { config: options.config },
      // A worker's heap is bounded too: an object that needs more fails its review, not the process.
      resourceLimits: { maxOldGenerationSizeMb: 192 },
    });
    // A worker that dies outside a task (out of memory) is replaced; its task already failed.
    this.piscina.on("error", () => {});
  }

  get threads(): number {
    return this.options.threads;
  }

  async review(text: string, mode: ReviewMode): Promise<ReviewOutcome> {
    const seconds = this.options.timeoutMs / 1000;
    try {
      return await this.piscina.run(
        { text, mode, bytes: Buffer.byteLength(text) },
        { signal: AbortSignal.timeout(this.options.timeoutMs) },
      );
    } catch (error) {
      const e = error as Error;
      if (e.name === "AbortError")
        throw new PoolFailure("timeout", `the review took longer than ${seconds} s (--review-timeout)`, {
          cause: error,
        });
      if (e.message === "Task queue is at limit")
        throw new PoolFailure(
          "busy",
          `${this.options.maxQueued} large reviews are already waiting for a worker`,
          { cause: error },
        );
      throw new PoolFailure("error", `the review failed: ${e.message}`, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.piscina.destroy();
  }
}
