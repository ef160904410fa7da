/**
 * `check` against merely parsing the same manifests with the YAML library (issue 2: at most 1.5×), on a
 * generated corpus, in interleaved rounds so that drift on a shared machine hits both alike. The library
 * path (`checkSources` on files read beforehand, `parseAllDocuments` with a `LineCounter` on the same
 * texts) excludes file I/O; the CLI path (a `check --format json` process against a process that reads
 * and parses the files) includes start-up, I/O and rendering.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Bench } from "tinybench";
import { LineCounter, parseAllDocuments } from "yaml";
import { checkSources } from "../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../src/model/types.js";
import { readInputs, type SourceFile } from "../src/sources/files.js";
import { generateCorpus } from "./corpus.js";
import { collectGarbage } from "./gc.js";
import { mapMeasured, measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure, Measured } from "./types.js";

/** The corpus every corpus benchmark uses: the same options give the same files. */
export const CORPUS = { workloads: 3_430, documentsPerFile: 100, seed: 20_240_611 } as const;
const GOAL_RATIO = 1.5;
const ITERATIONS_PER_ROUND = 1;
const CLI_ITERATIONS = 2;

export const checkBenchmark: Benchmark = {
  id: "check",
  title: "check vs parsing the same YAML (10,000 documents)",
  run: runCheckBenchmark,
};

/** The baseline: parses like `parseManifests` does (same options), keeping nothing. */
export function parseOnly(files: readonly SourceFile[]): number {
  let documents = 0;
  for (const file of files) {
    const parsed = parseAllDocuments(file.text, {
      lineCounter: new LineCounter(),
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
    documents += Array.isArray(parsed) ? parsed.length : 0;
  }
  return documents;
}

/** Generates the corpus into the run's scratch directory and reads it back as `check` would. */
export async function writeCorpus(context: BenchmarkContext) {
  const corpus = generateCorpus(CORPUS);
  const dir = join(context.scratchDir, "corpus");
  await mkdir(dir, { recursive: true });
  for (const file of corpus.files) await writeFile(join(dir, file.name), file.text);
  const { files, problems } = await readInputs([dir]);
  if (problems.length > 0 || files.length !== corpus.files.length)
    throw new Error(`corpus read back with ${problems.length} problems, ${files.length} files`);
  return { corpus, files, dir };
}

async function runCheckBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const { corpus, files, dir } = await writeCorpus(context);
  context.log(
    `corpus: ${corpus.documents} documents (${corpus.workloads} workloads) in ${files.length} files, ${(corpus.bytes / 1e6).toFixed(1)} MB`,
  );

  const options = { assumptions: DEFAULT_ASSUMPTIONS };
  const first = checkSources(files, options);
  if (first.problems.length > 0) throw new Error(`the corpus has problems: ${first.problems[0]?.message}`);
  if (parseOnly(files) !== corpus.documents) throw new Error("the parse baseline missed documents");

  const parseMs: number[] = [];
  const checkMs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < context.rounds; round++) {
    const bench = new Bench({
      iterations: ITERATIONS_PER_ROUND,
      time: 0,
      warmup: round === 0,
      warmupIterations: 1,
      retainSamples: true,
    });
    const hooks = { beforeEach: collectGarbage };
    const parse = () => {
      parseOnly(files);
    };
    const check = () => {
      checkSources(files, options);
    };
    // Alternate which task goes first: a slow spell of the machine should not always land on one of them.
    if (round % 2 === 0) bench.add("parse", parse, hooks).add("check", check, hooks);
    else bench.add("check", check, hooks).add("parse", parse, hooks);
    await bench.run();
    const p50 = (name: string) => {
      const result = bench.getTask(name)?.result;
      if (!result || !("latency" in result)) throw new Error(`task ${name} did not complete`);
      return { median: result.latency.p50, samples: result.latency.samples ?? [result.latency.p50] };
    };
    const p = p50("parse");
    const c = p50("check");
    parseMs.push(...p.samples);
    checkMs.push(...c.samples);
    ratios.push(c.median / p.median);
    context.log(
      `round ${round + 1}/${context.rounds}: parse ${p.median.toFixed(0)} ms, check ${c.median.toFixed(0)} ms, ratio ${(c.median / p.median).toFixed(2)}`,
    );
  }
  const parseTime = measured(parseMs);
  const checkTime = measured(checkMs);
  const perSecond = (ms: number) => (corpus.documents * 1000) / ms;
  const figures: Figure[] = [
    {
      id: "check.ratio",
      label: "check ÷ parse (library, no I/O)",
      unit: "×",
      value: measured(ratios),
      baseline: { label: "parse", value: { median: 1, min: 1, max: 1, repeats: ratios.length } },
      goal: { max: GOAL_RATIO },
      note: "per round: check time ÷ parse time, measured back to back after a full GC each",
    },
    {
      id: "check.time",
      label: "checkSources, whole corpus",
      unit: "ms",
      value: checkTime,
      baseline: { label: "yaml parseAllDocuments + LineCounter", value: parseTime },
    },
    {
      id: "check.throughput",
      label: "checkSources throughput",
      unit: "documents/s",
      value: mapMeasured(checkTime, perSecond),
      baseline: { label: "yaml parse throughput", value: mapMeasured(parseTime, perSecond) },
    },
    ...(await cliFigures(context, dir)),
  ];
  return {
    setup: {
      documents: corpus.documents,
      workloads: corpus.workloads,
      files: files.length,
      megabytes: Math.round(corpus.bytes / 1e5) / 10,
      seed: CORPUS.seed,
      rounds: context.rounds,
      findings: first.findings.length,
      kinds: Object.entries(corpus.kinds)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", "),
    },
    figures,
  };
}

const run = promisify(execFile);

/** The CLI path: one process checking the directory against one process parsing it. */
async function cliFigures(context: BenchmarkContext, dir: string): Promise<Figure[]> {
  const cli = join(context.rootDir, "dist/src/cli/main.js");
  const parser = join(context.rootDir, "dist/bench/parse-only.js");
  const output = join(context.scratchDir, "check.json");
  const spawnOptions = { cwd: context.scratchDir, maxBuffer: 64 * 1024 * 1024 };
  const bench = new Bench({ iterations: CLI_ITERATIONS, time: 0, warmup: false, retainSamples: true });
  bench
    .add("parse process", async () => {
      await run(process.execPath, [parser, dir], spawnOptions);
    })
    .add("check process", async () => {
      // Exit 1 means findings at or above error, which this corpus has on purpose.
      await run(process.execPath, [cli, "check", "--format", "json", "-o", output, dir], spawnOptions).catch(
        (error: { code?: number }) => {
          if (error.code !== 1) throw error;
        },
      );
    });
  await bench.run();
  const samples = (name: string) => {
    const result = bench.getTask(name)?.result;
    if (!result || !("latency" in result)) throw new Error(`task ${name} did not complete`);
    return result.latency.samples ?? [result.latency.p50];
  };
  const parseMs = samples("parse process");
  const checkMs = samples("check process");
  context.log(
    `CLI: parse ${measured(parseMs).median.toFixed(0)} ms, check ${measured(checkMs).median.toFixed(0)} ms`,
  );
  return [
    {
      id: "check.cli-ratio",
      label: "`check --format json` process ÷ parse process",
      unit: "×",
      value: ratioOfMedians(measured(checkMs), measured(parseMs)),
      baseline: { label: "parse", value: { median: 1, min: 1, max: 1, repeats: parseMs.length } },
      note: "ratio of medians; range: fastest check ÷ slowest parse to slowest check ÷ fastest parse",
    },
    {
      id: "check.cli-time",
      label: "`check --format json` process, whole corpus",
      note: "includes node start-up, reading the files and writing the JSON report",
      unit: "ms",
      value: measured(checkMs),
      baseline: { label: "node process reading + parsing the files", value: measured(parseMs) },
    },
  ];
}

function ratioOfMedians(value: Measured, baseline: Measured): Measured {
  return {
    median: value.median / baseline.median,
    min: value.min / baseline.max,
    max: value.max / baseline.min,
    repeats: Math.min(value.repeats, baseline.repeats),
  };
}
