/** `node dist/test/corpus/score-cli.js [case…]`: every case's score, for reading what the tool gets wrong. */
import { caseNames, corpusFigures, runCase, scoreCase } from "./corpus.js";

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : caseNames();
const scores = [];
for (const name of names) {
  const score = scoreCase(name, await runCase(name));
  scores.push(score);
  const bad = [
    ...score.roleErrors,
    ...score.linkErrors,
    ...score.problemErrors,
    ...score.falsePositives.map((f) => `FP ${f}`),
    ...score.misses.map((m) => `MISS ${m}`),
  ];
  console.log(`${bad.length === 0 ? "ok  " : "FAIL"} ${name}`);
  for (const b of bad) console.log(`     ${b}`);
}
console.log(JSON.stringify(corpusFigures(scores)));
