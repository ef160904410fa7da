import { caseNames, corpusFigures, runCase, scoreCase } from "../test/corpus/corpus.js";
import type { Benchmark, BenchmarkContext, BenchmarkResult, Figure, Measured } from "./types.js";

/**
 * Truth on deployments modelled on public ones (test/corpus/cases): precision and recall of `check`'s
 * error and warning findings against each case's spec, and the containers given a wrong role or linked to
 * the wrong Dockerfile. Deterministic: one run is the measurement.
 */
export const realWorldBenchmark: Benchmark = {
  id: "real-world",
  title: "truth of check on the real-world corpus (precision, recall, role and link errors)",
  run: runRealWorld,
};

const once = (value: number): Measured => ({ median: value, min: value, max: value, repeats: 1 });

async function runRealWorld(context: BenchmarkContext): Promise<BenchmarkResult> {
  const names = caseNames();
  const scores = [];
  for (const name of names) scores.push(scoreCase(name, await runCase(name)));
  const f = corpusFigures(scores);
  for (const s of scores) {
    for (const wrong of [...s.falsePositives, ...s.misses, ...s.roleErrors, ...s.linkErrors])
      context.log(`${s.name}: ${wrong}`);
  }
  const figures: Figure[] = [
    {
      id: "real-world.precision",
      label: "precision of error + warning findings",
      unit: "%",
      value: once(f.precision),
      goal: { min: 0.95 },
      note: `${f.truePositives} true, ${f.falsePositives} false`,
    },
    {
      id: "real-world.recall",
      label: "recall of error + warning findings",
      unit: "%",
      value: once(f.recall),
      goal: { min: 0.9 },
      note: `${f.misses} missed`,
    },
    {
      id: "real-world.role-errors",
      label: "containers given a wrong role",
      unit: "count",
      value: once(f.roleErrors),
      goal: { max: 0 },
    },
    {
      id: "real-world.link-errors",
      label: "containers linked to the wrong Dockerfile",
      unit: "count",
      value: once(f.linkErrors),
      goal: { max: 0 },
    },
  ];
  return { setup: { cases: f.cases }, figures };
}
