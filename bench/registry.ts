import { checkBenchmark } from "./check.js";
import type { Benchmark } from "./types.js";

/** Every benchmark `npm run bench` runs, in order. Add one: a module under bench/ and a line here. */
export const BENCHMARKS: readonly Benchmark[] = [checkBenchmark];
