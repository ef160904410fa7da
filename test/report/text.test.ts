import assert from "node:assert/strict";
import { test } from "node:test";
import { wantsColor } from "../../src/cli/check-command.js";
import { checkPaths } from "../../src/index.js";
import { formatText } from "../../src/report/text.js";

const ESC = "\u001b[";

test("text: findings are grouped under their workload, each with file:line:column, message and fix", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  const out = formatText(result, { color: false, timelines: false });
  const fpmAt = out.indexOf("Deployment/shop/app-fpm  examples/seed/deployment.yaml:6");
  const nginxAt = out.indexOf("Deployment/shop/app-nginx  examples/seed/deployment.yaml:47");
  assert.ok(fpmAt >= 0 && nginxAt > fpmAt, "one heading a workload, in order");
  const syntaxAt = out.indexOf("examples/seed/deployment.yaml:30:52  prestop-kill-syntax [php-fpm]");
  assert.ok(syntaxAt > fpmAt && syntaxAt < nginxAt, "the fpm finding sits under the fpm workload");
  const delayAt = out.indexOf("prestop-delay-missing [nginx]");
  assert.ok(delayAt > nginxAt, "the nginx finding sits under the nginx workload");
  assert.match(out, /\n {10}fix: Write `kill -QUIT 1`/);
  assert.match(out, /\n3 errors, 3 warnings, 0 info in 2 workloads\n$/);
  assert.equal(out.includes("timeline:"), false, "timelines only when asked");
  assert.ok(formatText(result, { color: false, timelines: true }).includes("predicted failures:"));
});

test("text: colour only when asked; without it there is no escape sequence", async () => {
  const { result } = await checkPaths(["examples/seed"]);
  assert.equal(formatText(result, { color: false, timelines: true }).includes(ESC), false);
  assert.ok(formatText(result, { color: true, timelines: true }).includes(ESC));
});

test("text: problems come first, with file:line:column, and the summary counts them", async () => {
  const { result } = await checkPaths(["test/fixtures/bad-input/tabs.yaml"]);
  const out = formatText(result, { color: false, timelines: true });
  assert.equal(
    out,
    "problem test/fixtures/bad-input/tabs.yaml:4:1 tab used for indentation: YAML allows only spaces\n\n" +
      "0 errors, 0 warnings, 0 info in 0 workloads; 1 unreadable input\n",
  );
});

test("text: the CLI colours only text on a terminal, without --no-color, -o or NO_COLOR", () => {
  assert.equal(wantsColor("text", {}, true, {}), true);
  assert.equal(wantsColor("text", {}, false, {}), false, "not a TTY");
  assert.equal(wantsColor("text", {}, true, { NO_COLOR: "1" }), false, "NO_COLOR");
  assert.equal(wantsColor("text", { color: false }, true, {}), false, "--no-color");
  assert.equal(wantsColor("text", { output: "report.txt" }, true, {}), false, "-o");
  assert.equal(wantsColor("json", {}, true, {}), false, "json");
});
