import { Bench } from "tinybench";
import { checkSources } from "../src/engine/check.js";
import { collectEdits } from "../src/engine/fix-loop.js";
import { fixSources } from "../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../src/model/types.js";
import { CORPUS, parseOnly, writeCorpus } from "./check.js";
import { collectGarbage } from "./gc.js";
import { mapMeasured, measured } from "./stats.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure } from "./types.js";

export const fixBenchmark: Benchmark = {
  id: "fix",
  title: "fix vs parsing the same YAML (10,000 documents)",
  run: runFixBenchmark,
};

async function runFixBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const { corpus, files } = await writeCorpus(context);
  context.log(`corpus: ${corpus.documents} documents in ${files.length} files`);

  const options = { assumptions: DEFAULT_ASSUMPTIONS };
  const checked = checkSources(files, options);
  const edits = collectEdits(checked.findings).length;
  const started = performance.now();
  const first = fixSources(files, options);
  context.log(`first fix: ${(performance.now() - started).toFixed(0)} ms, ${edits} edits in pass 1`);
  if (first.failures.length > 0) throw new Error(`fix failed on the corpus: ${first.failures[0]?.message}`);
  const fixableLeft = first.after.findings.filter((f) => f.severity === "error" && f.autofix).length;
  if (parseOnly(files) !== corpus.documents) throw new Error("the parse baseline missed documents");

  const parseMs: number[] = [];
  const checkMs: number[] = [];
  const fixMs: number[] = [];
  const ratios: number[] = [];
  const checkRatios: number[] = [];
  const tasks: [string, () => void][] = [
    ["parse", () => void parseOnly(files)],
    ["check", () => void checkSources(files, options)],
    ["fix", () => void fixSources(files, options)],
  ];
  for (let round = 0; round < context.rounds; round++) {
    const bench = new Bench({ iterations: 1, time: 0, warmup: false, retainSamples: true });
    // Rotate the order: a slow spell of the shared machine should not always land on one task.
    for (let i = 0; i < tasks.length; i++) {
      const [name, task] = tasks[(round + i) % tasks.length] as [string, () => void];
      bench.add(name, task, { beforeEach: collectGarbage });
    }
    await bench.run();
    const samples = (name: string) => {
      const result = bench.getTask(name)?.result;
      if (!result || !("latency" in result)) throw new Error(`task ${name} did not complete`);
      return result.latency.samples ?? [result.latency.p50];
    };
    const [p, c, f] = [measured(samples("parse")), measured(samples("check")), measured(samples("fix"))];
    parseMs.push(p.median);
    checkMs.push(c.median);
    fixMs.push(f.median);
    ratios.push(f.median / p.median);
    checkRatios.push(f.median / c.median);
    context.log(
      `round ${round + 1}/${context.rounds}: parse ${p.median.toFixed(0)} ms, check ${c.median.toFixed(0)} ms, fix ${f.median.toFixed(0)} ms, fix ÷ parse ${(f.median / p.median).toFixed(2)}`,
    );
  }
  const one = { median: 1, min: 1, max: 1, repeats: ratios.length };
  const perSecond = (ms: number) => (corpus.documents * 1000) / ms;
  const figures: Figure[] = [
    {
      id: "fix.ratio",
      label: "fix ÷ parse (library, no I/O)",
      unit: "×",
      value: measured(ratios),
      baseline: { label: "parse", value: one },
      note: "per round: fixSources time ÷ parse time on the same texts, each after a full GC; fix checks the corpus once per pass plus once at the end",
    },
    {
      id: "fix.check-ratio",
      label: "fix ÷ check (library, no I/O)",
      unit: "×",
      value: measured(checkRatios),
      baseline: { label: "check", value: one },
      note: "what applying the edits adds to the checks fix runs anyway",
    },
    {
      id: "fix.time",
      label: "fixSources, whole corpus",
      unit: "ms",
      value: measured(fixMs),
      baseline: { label: "yaml parseAllDocuments + LineCounter", value: measured(parseMs) },
    },
    {
      id: "fix.throughput",
      label: "fixSources throughput",
      unit: "documents/s",
      value: mapMeasured(measured(fixMs), perSecond),
      baseline: { label: "checkSources throughput", value: mapMeasured(measured(checkMs), perSecond) },
    },
  ];
  return {
    setup: {
      documents: corpus.documents,
      files: files.length,
      seed: CORPUS.seed,
      rounds: context.rounds,
      "edits in pass 1": edits,
      "files changed": first.changes.length,
      passes: first.passes,
      "fixable errors left": fixableLeft,
    },
    figures,
  };
}
