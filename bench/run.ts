/**
 * `npm run bench`: runs every benchmark of the registry (or those named: `node dist/bench/run.js check`),
 * then writes bench/results.json and the generated tables of docs/PERFORMANCE.md. Benchmarks not run keep
 * their previous figures.
 *
 * @example
 *   BENCH_ROUNDS=3 node dist/bench/run.js check
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./machine.js";
import { BENCHMARKS } from "./registry.js";
import { type Results, renderTables, spliceTables } from "./report.js";

// dist/bench/run.js → the repository root.
const rootDir = resolve(fileURLToPath(import.meta.url), "../../..");
const resultsPath = join(rootDir, "bench/results.json");
const pagePath = join(rootDir, "docs/PERFORMANCE.md");

const PAGE_HEADER = `# Performance

Figures measured by \`npm run bench\` (see [bench/README.md](../bench/README.md) for how to run it and read
them). This machine is shared and noisy: each figure is the median over repeats with its spread, and a ratio
to a baseline measured in the same run is the figure to trust, not an absolute time.
`;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((id) => !BENCHMARKS.some((b) => b.id === id));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.id).join(", ")}`,
    );
    process.exit(2);
  }
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`BENCH_ROUNDS must be a positive integer, got ${process.env.BENCH_ROUNDS}`);
    process.exit(2);
  }
  const previous = await readPrevious();
  const results: Results = { machine: describeMachine(), benchmarks: [] };
  for (const benchmark of BENCHMARKS) {
    if (wanted.length > 0 && !wanted.includes(benchmark.id)) {
      const kept = previous?.benchmarks.find((b) => b.id === benchmark.id);
      if (kept) results.benchmarks.push(kept);
      continue;
    }
    const scratchDir = await mkdtemp(join(tmpdir(), `fpm-graceful-bench-${benchmark.id}-`));
    const log = (message: string) => console.log(`[${benchmark.id}] ${message}`);
    const started = performance.now();
    try {
      log(benchmark.title);
      const result = await benchmark.run({ scratchDir, rootDir, rounds, log });
      const seconds = (performance.now() - started) / 1000;
      results.benchmarks.push({ id: benchmark.id, title: benchmark.title, seconds, ...result });
      for (const figure of result.figures)
        log(`${figure.id}: ${figure.value.median.toFixed(3)} ${figure.unit}`);
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  }
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  const page = await readFile(pagePath, "utf8").catch(() => PAGE_HEADER);
  await writeFile(pagePath, spliceTables(page, renderTables(results)));
  console.log(`wrote ${resultsPath} and ${pagePath}`);
}

async function readPrevious(): Promise<Results | undefined> {
  try {
    return JSON.parse(await readFile(resultsPath, "utf8")) as Results;
  } catch {
    return undefined;
  }
}

await main();
