import { adversarialBenchmark } from "./adversarial.js";
import { checkBenchmark } from "./check.js";
import { fixBenchmark } from "./fix.js";
import { interruptBenchmark } from "./interrupt.js";
import { realWorldBenchmark } from "./real-world.js";
import { rehearseBenchmark } from "./rehearse.js";
import { soakBenchmark } from "./soak.js";
import type { Benchmark } from "./types.js";
import { webhookBenchmark } from "./webhook.js";

/** Every benchmark `npm run bench` runs, in order. Add one: a module under bench/ and a line here. */
export const BENCHMARKS: readonly Benchmark[] = [
  realWorldBenchmark,
  checkBenchmark,
  fixBenchmark,
  webhookBenchmark,
  soakBenchmark,
  adversarialBenchmark,
  rehearseBenchmark,
  interruptBenchmark,
];
