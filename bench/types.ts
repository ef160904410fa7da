/**
 * What a benchmark is and what it reports. A benchmark is one module under `bench/` exporting a
 * `Benchmark`; `registry.ts` lists them; `run.ts` runs them and writes `results.json` and the table in
 * `docs/PERFORMANCE.md`. This machine is shared and noisy, so a figure is a median with its spread over
 * repeats, and a ratio to a baseline measured in the same run says more than an absolute time.
 *
 * @example
 *   export const webhookBenchmark: Benchmark = {
 *     id: "webhook",
 *     title: "webhook reviews under autocannon",
 *     run: async (context) => ({ setup: { connections: 10 }, figures: [ … ] }),
 *   };
 */

/** A measured quantity over repeats: the median and the range it moved in. */
export interface Measured {
  median: number;
  min: number;
  max: number;
  /** How many repeats the median and range are taken over. */
  repeats: number;
}

export interface Figure {
  /** Stable id, `<benchmark>.<figure>`, for tools comparing results over time. */
  id: string;
  label: string;
  unit: string;
  value: Measured;
  /** What the figure is compared with, measured in the same run. */
  baseline?: { label: string; value: Measured };
  /** The target from the issue that asked for this figure (`max: 1.5` for "at most 1.5×"). */
  goal?: { max?: number; min?: number };
  note?: string;
}

export interface BenchmarkResult {
  /** What was measured on: corpus size, iterations, flags. */
  setup: Record<string, string | number>;
  figures: Figure[];
}

export interface BenchmarkContext {
  /** A scratch directory of this run, removed afterwards. */
  scratchDir: string;
  /** The repository root (for `dist/` and examples). */
  rootDir: string;
  /** How many interleaved rounds to repeat (env `BENCH_ROUNDS`). */
  rounds: number;
  log(message: string): void;
}

export interface Benchmark {
  id: string;
  title: string;
  run(context: BenchmarkContext): Promise<BenchmarkResult>;
}
