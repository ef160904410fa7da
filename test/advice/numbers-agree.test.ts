/**
 * One source of advice: for every finding with an autofix, the preStop delay, grace period and
 * process_control_timeout its text names are the ones its edits write. Over the real-world corpus and
 * generated manifests, for several propagation budgets and longest requests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { recommend } from "../../src/advice/values.js";
import { checkSources } from "../../src/engine/check.js";
import type { Fix } from "../../src/fix/types.js";
import { checkPaths } from "../../src/index.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import type { Finding } from "../../src/rules/types.js";
import { CASES_DIR, caseNames } from "../corpus/corpus.js";
import { appArb, commentPlanArb, manifestText } from "../property/manifests.js";
import { holds } from "../property/support.js";

type Quantity = "preStop" | "grace" | "pct";

/** The numbers of each quantity a text names, in the spellings the rules' templates use. */
function namedNumbers(text: string): Record<Quantity, number[]> {
  const all = (re: RegExp) => [...text.matchAll(re)].map((m) => Number(m[1]));
  return {
    preStop: [...all(/sleep: \{seconds: (\d+)\}/g), ...all(/\[sleep, "(\d+)"\]/g)],
    grace: all(/terminationGracePeriodSeconds: (\d+)/g),
    pct: all(/process_control_timeout = (\d+)s/g),
  };
}

/** The numbers of each quantity a fix's edits write. */
function writtenNumbers(fix: Fix): Record<Quantity, number[]> {
  const out: Record<Quantity, number[]> = { preStop: [], grace: [], pct: [] };
  const scan = (value: unknown): void => {
    if (typeof value === "string") out.pct.push(...namedNumbers(value).pct);
    else if (Array.isArray(value)) value.forEach(scan);
    else if (value && typeof value === "object") Object.values(value).forEach(scan);
  };
  for (const edit of fix.edits) {
    if (edit.kind === "manifest") {
      const last = edit.path.at(-1);
      const value = edit.value as { sleep?: { seconds: number }; exec?: { command: string[] } } | number;
      if (last === "terminationGracePeriodSeconds" && typeof value === "number") out.grace.push(value);
      if (last === "preStop" && typeof value === "object") {
        if (value.sleep) out.preStop.push(value.sleep.seconds);
        const command = value.exec?.command ?? [];
        const sleep = command.join(" ").match(/(?:^|\s)sleep (\d+)/);
        if (sleep) out.preStop.push(Number(sleep[1]));
      }
      scan(edit.value);
    } else if (edit.kind === "text") {
      out.pct.push(...namedNumbers(edit.insertLines.join("\n").replace(/\\n/g, "\n")).pct);
    } else {
      scan(edit.value);
    }
  }
  return out;
}

/**
 * The disagreements of one finding: a number its advice (the fix text and the fix's description) names
 * that no edit of its fix writes. The message describes what is there now (`process_control_timeout = 5s
 * is written to php.ini`), so it is not advice.
 */
function disagreements(finding: Finding): string[] {
  if (!finding.autofix) return [];
  const named = namedNumbers(`${finding.fix}\n${finding.autofix.description}`);
  const written = writtenNumbers(finding.autofix);
  const out: string[] = [];
  for (const quantity of ["preStop", "grace", "pct"] as const) {
    if (written[quantity].length === 0) continue;
    for (const n of named[quantity]) {
      if (!written[quantity].includes(n))
        out.push(
          `${finding.rule} ${finding.workload}: names ${quantity} ${n}, writes ${written[quantity].join(",")}`,
        );
    }
  }
  return out;
}

test("numbers agree: every corpus finding with a fix names the values its edits write", async () => {
  let checked = 0;
  const wrong: string[] = [];
  for (const name of caseNames()) {
    for (const propagation of [2, 5, 12]) {
      const { result } = await checkPaths([`${CASES_DIR}/${name}`], { propagation });
      for (const finding of result.findings.filter((f) => f.autofix)) {
        checked++;
        wrong.push(...disagreements(finding));
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked > 100, `${checked} findings with a fix: the test must have teeth`);
});

test("property: on generated manifests every finding with a fix names the values its edits write", () =>
  holds(
    "numbers agree on generated manifests",
    fc.property(
      fc.array(appArb, { minLength: 1, maxLength: 2 }),
      commentPlanArb,
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 1, max: 120 }),
      fc.constantFrom("1.28", "1.30", "1.33"),
      (apps, plan, propagationSeconds, maxRequestSeconds, kubeVersion) => {
        const { text } = manifestText(apps, plan);
        const result = checkSources([{ path: "app.yaml", kind: "kubernetes", text }], {
          assumptions: { ...DEFAULT_ASSUMPTIONS, propagationSeconds, maxRequestSeconds, kubeVersion },
        });
        assert.deepEqual(result.findings.flatMap(disagreements), []);
      },
    ),
    150,
  ));

test("the disagreement check can fail: a text naming another number than the edit is caught", () => {
  const finding = {
    rule: "prestop-delay-missing",
    workload: "Deployment/default/app",
    message: "",
    fix: "Add `lifecycle: {preStop: {sleep: {seconds: 6}}}`",
    autofix: {
      description: "x",
      edits: [
        {
          kind: "manifest",
          file: "a",
          documentIndex: 0,
          path: ["preStop"],
          op: "set",
          value: { sleep: { seconds: 7 } },
        },
      ],
    },
  } as unknown as Finding;
  assert.deepEqual(disagreements(finding), [
    "prestop-delay-missing Deployment/default/app: names preStop 6, writes 7",
  ]);
});

test("recommend: one formula for the preStop delay, process_control_timeout and grace period", () => {
  const separate = recommend({
    propagationSeconds: 5,
    longestRequestSeconds: 30,
    kubeVersion: "1.33",
    fpmIsSidecar: false,
  });
  assert.deepEqual(separate, {
    preStopSeconds: 7,
    processControlTimeoutSeconds: 35,
    gracePeriodSeconds: 47,
    nativeSleep: true,
  });
  const sidecar = recommend({
    propagationSeconds: 5,
    longestRequestSeconds: 30,
    kubeVersion: "1.28",
    fpmIsSidecar: true,
  });
  assert.equal(sidecar.gracePeriodSeconds, 7 + 30 + 35 + 5, "nginx's drain comes before the sidecar's");
  assert.equal(sidecar.nativeSleep, false, "native preStop.sleep is on by default from 1.30");
  const kept = recommend({
    propagationSeconds: 5,
    longestRequestSeconds: 30,
    kubeVersion: "1.33",
    fpmIsSidecar: false,
    existingPreStopSeconds: 15,
    existingProcessControlTimeoutSeconds: 60,
    existingGracePeriodSeconds: 120,
  });
  assert.deepEqual(
    kept,
    { preStopSeconds: 15, processControlTimeoutSeconds: 60, gracePeriodSeconds: 120, nativeSleep: true },
    "nothing safe is lowered",
  );
});
