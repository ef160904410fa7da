import assert from "node:assert/strict";
import { test } from "node:test";
import { wantsColor } from "../../src/cli/check-command.js";
import type { CheckResult, WorkloadResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { ruleDocUrl } from "../../src/report/docs.js";
import { formatText } from "../../src/report/text.js";
import type { Finding } from "../../src/rules/types.js";

const ESC = "\u001b[";

test("text: findings grouped under their workload, one line each: severity, rule, place, message, fix, doc link", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const out = formatText(result, { color: false, timelines: "none" });
  const fpmAt = out.indexOf("Deployment/shop/app-fpm  examples/seed/deployment.yaml:6");
  const nginxAt = out.indexOf("Deployment/shop/app-nginx  examples/seed/deployment.yaml:47");
  assert.ok(fpmAt >= 0 && nginxAt > fpmAt, "one heading a workload, in order");
  const syntax = out
    .split("\n")
    .find((l) =>
      l.startsWith("  error   prestop-kill-syntax examples/seed/deployment.yaml:30:52 [php-fpm]: "),
    );
  assert.ok(syntax, out);
  assert.ok(out.indexOf(syntax) > fpmAt && out.indexOf(syntax) < nginxAt, "under the fpm workload");
  assert.match(syntax, / fix: Write `kill -QUIT 1`/);
  assert.ok(syntax.endsWith(ruleDocUrl("prestop-kill-syntax")), "the rule's page closes the line");
  assert.ok(out.indexOf("prestop-delay-missing examples/seed/deployment.yaml:60:17 [nginx]") > nginxAt);
  assert.match(out, /\n3 errors, 3 warnings, 0 info in 2 workloads\n$/);
  assert.equal(out.includes("timeline:"), false, "no timelines when none are asked for");
});

test("text: timelines by default only for workloads that fail requests; --timeline for every one", async () => {
  const seed = (await checkPaths(["examples/seed"])).result;
  assert.equal(
    formatText(seed, { color: false, timelines: "failing" }).split("predicted failures:").length,
    3,
  );
  const recommended = (await checkPaths(["examples/recommended"])).result;
  assert.equal(recommended.workloads[0]?.timeline.failureWindows.length, 0);
  assert.equal(formatText(recommended, { color: false, timelines: "failing" }).includes("timeline:"), false);
  assert.match(
    formatText(recommended, { color: false, timelines: "all" }),
    /timeline: propagation .*\n[\s\S]*predicted: no failed requests/,
  );
});

/** A workload with no php-fpm or nginx (redis, a Go service): nothing to check, one line for all of them. */
function unserved(id: string, template: WorkloadResult): WorkloadResult {
  return {
    ...template,
    id,
    containers: template.containers.map((c) => ({ ...c, name: "redis", role: "other" as const })),
  };
}

test("text: workloads without php-fpm or nginx are summarised in one line, naming the first five", async () => {
  const { result } = await checkPaths(["examples/recommended"]);
  const template = result.workloads[0] as WorkloadResult;
  const many: CheckResult = {
    ...result,
    workloads: [
      ...result.workloads,
      ...Array.from({ length: 7 }, (_, i) => unserved(`StatefulSet/data/redis-${i}`, template)),
    ],
  };
  const out = formatText(many, { color: false, timelines: "all" });
  const lines = out.split("\n").filter((l) => l.includes("redis-"));
  assert.deepEqual(lines, [
    "7 workloads with no php-fpm or nginx, nothing to check: StatefulSet/data/redis-0, StatefulSet/data/redis-1, StatefulSet/data/redis-2, StatefulSet/data/redis-3, StatefulSet/data/redis-4, and 2 more",
  ]);
});

test("text: workloads whose containers' programs are unknown are not said to have no php-fpm or nginx", async () => {
  const { result } = await checkPaths(["examples/recommended"]);
  const template = result.workloads[0] as WorkloadResult;
  const blank = (id: string): WorkloadResult => ({
    ...unserved(id, template),
    containers: template.containers.map((c) => ({ ...c, name: "app", role: "other" as const, evidence: [] })),
  });
  const out = formatText(
    {
      ...result,
      workloads: [unserved("StatefulSet/data/redis", template), blank("Deployment/shop/magento")],
    },
    { color: false, timelines: "none" },
  );
  const lines = out.split("\n").filter((l) => l.includes("redis") || l.includes("magento"));
  assert.deepEqual(lines, [
    "1 workload with no php-fpm or nginx, nothing to check: StatefulSet/data/redis",
    "1 workload not checked: nothing says what runs in it (no command, an image the table does not know, no Dockerfile linked): Deployment/shop/magento; if one runs php-fpm or nginx, declare it (annotation `fpm-graceful.io/role.<container>: fpm`) or link its Dockerfile",
  ]);
});

test("text: --quiet prints only errors and unreadable inputs, one line each, and nothing when clean", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const quiet = formatText(result, { color: false, timelines: "all", quiet: true });
  const lines = quiet.trimEnd().split("\n");
  assert.equal(lines.length, result.findings.filter((f) => f.severity === "error").length);
  for (const line of lines) assert.match(line, /^error {3}\S+ \S+:\d+:\d+ Deployment\/shop\/app-\w+/);
  const clean = (await checkPaths(["examples/recommended"])).result;
  assert.equal(formatText(clean, { color: false, timelines: "all", quiet: true }), "");
});

test("text: wraps to the given width with a hanging indent; without a width every line stays whole", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const whole = formatText(result, { color: false, timelines: "none" });
  const wrapped = formatText(result, { color: false, timelines: "none", width: 80 });
  assert.ok(
    whole.split("\n").some((l) => l.length > 80),
    "the fixture has long lines",
  );
  for (const line of wrapped.split("\n")) {
    // A URL or path longer than the width stays whole (it must stay clickable); everything else fits.
    if (!/^\s*\S+$/.test(line)) assert.ok(line.length <= 80, line);
  }
  assert.equal(wrapped.replace(/\n {4}/g, " ").replace(/\s+/g, " "), whole.replace(/\s+/g, " "));
});

test("text: suppressed findings are counted in the summary line", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const [first] = result.findings as [Finding];
  const withSuppressed = {
    ...result,
    suppressed: [
      { ...first, suppression: { reason: "legacy pod, retired in Q3", source: "fpm-graceful.io/ignore" } },
    ],
  };
  assert.match(
    formatText(withSuppressed, { color: false, timelines: "none" }),
    /in 2 workloads; 1 suppressed\n$/,
  );
});

test("text: colour only when asked; without it there is no escape sequence", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  assert.equal(formatText(result, { color: false, timelines: "all" }).includes(ESC), false);
  assert.ok(formatText(result, { color: true, timelines: "all" }).includes(ESC));
});

test("text: problems come first, with file:line:column, and the summary counts them", async () => {
  const { result } = await checkPaths(["test/fixtures/bad-input/tabs.yaml"]);
  const out = formatText(result, { color: false, timelines: "all" });
  assert.equal(
    out,
    "problem test/fixtures/bad-input/tabs.yaml:4:1 tab used for indentation: YAML allows only spaces\n\n" +
      "0 errors, 0 warnings, 0 info in 0 workloads; 1 unreadable input\n",
  );
});

test("text: the CLI colours only text on a terminal, without --no-color, -o or NO_COLOR; FORCE_COLOR without one", () => {
  assert.equal(wantsColor("text", {}, true, {}), true);
  assert.equal(wantsColor("text", {}, false, {}), false, "not a TTY");
  assert.equal(wantsColor("text", {}, true, { NO_COLOR: "1" }), false, "NO_COLOR");
  assert.equal(wantsColor("text", { color: false }, true, {}), false, "--no-color");
  assert.equal(wantsColor("text", { output: "report.txt" }, true, {}), false, "-o");
  assert.equal(wantsColor("json", {}, true, {}), false, "json");
  assert.equal(wantsColor("text", {}, false, { FORCE_COLOR: "1" }), true, "FORCE_COLOR in a CI log");
  assert.equal(wantsColor("text", {}, false, { FORCE_COLOR: "0" }), false, "FORCE_COLOR=0");
  assert.equal(wantsColor("text", {}, false, { FORCE_COLOR: "1", NO_COLOR: "1" }), false, "NO_COLOR wins");
  assert.equal(wantsColor("text", { color: false }, false, { FORCE_COLOR: "1" }), false, "--no-color wins");
});
