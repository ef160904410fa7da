import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { formatGithub } from "../../src/report/github.js";
import type { Finding } from "../../src/rules/types.js";

const finding: Finding = {
  rule: "prestop-kill-syntax",
  severity: "error",
  message: "100% of requests: `kill -SIGQUIT` fails,\r\nreally",
  fix: "write kill -QUIT 1",
  file: "k8s/a,b:c%.yaml",
  line: 30,
  column: 39,
  workload: "Deployment/shop/app",
  container: "php-fpm",
};

const only = (findings: Finding[], problems: CheckResult["problems"] = []): CheckResult => ({
  findings,
  problems,
  workloads: [],
  leftAlone: [],
});

/** Splits `::cmd k=v,k=v::data` the way the runner does: properties at unescaped `,`, then `=`. */
function parseCommand(line: string) {
  const match = line.match(/^::(\w+) (.*?)::(.*)$/s);
  assert.ok(match, `not a workflow command: ${line}`);
  const [, command, props = "", data = ""] = match;
  const decode = (s: string) =>
    s
      .replace(/%0D/g, "\r")
      .replace(/%0A/g, "\n")
      .replace(/%3A/g, ":")
      .replace(/%2C/g, ",")
      .replace(/%25/g, "%");
  const properties = Object.fromEntries(
    props.split(",").map((kv) => {
      const eq = kv.indexOf("=");
      return [kv.slice(0, eq), decode(kv.slice(eq + 1))];
    }),
  );
  return { command, properties, data: decode(data) };
}

test("github: one annotation line a finding; severities map to error, warning, notice", () => {
  const out = formatGithub(
    only([
      finding,
      { ...finding, severity: "warning", rule: "prestop-delay-short" },
      { ...finding, severity: "info", rule: "prestop-sleep-native", container: undefined },
    ]),
  );
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines.map((l) => parseCommand(l).command),
    ["error", "warning", "notice"],
  );
  assert.ok(out.endsWith("\n"));
});

test("github: data escapes %, CR and LF; properties also escape : and ,", () => {
  const line = formatGithub(only([finding])).trimEnd();
  assert.doesNotMatch(line, /[\r\n]/, "a message never breaks the command over lines");
  assert.match(line, /^::error file=k8s\/a%2Cb%3Ac%25\.yaml,line=30,col=39,title=/);
  // In data, only %, CR and LF are escaped: a comma or colon in a message stays as it is.
  assert.match(line, /::100%25 of requests: `kill -SIGQUIT` fails,%0D%0Areally%0AFix: write kill -QUIT 1$/);
  const { properties, data } = parseCommand(line);
  assert.equal(properties.file, finding.file);
  assert.equal(properties.line, "30");
  assert.equal(properties.col, "39");
  assert.equal(properties.title, "fpm-graceful prestop-kill-syntax (Deployment/shop/app php-fpm)");
  assert.equal(data, `${finding.message}\nFix: ${finding.fix}`);
});

test("github: unreadable inputs are error annotations at their file and line", async () => {
  const { result } = await checkPaths(["test/fixtures/bad-input/tabs.yaml"]);
  const lines = formatGithub(result).trimEnd().split("\n");
  assert.equal(lines.length, 1);
  const { command, properties, data } = parseCommand(lines[0] ?? "");
  assert.equal(command, "error");
  assert.deepEqual(
    [properties.file, properties.line, properties.col],
    ["test/fixtures/bad-input/tabs.yaml", "4", "1"],
  );
  assert.equal(properties.title, "fpm-graceful: unreadable input");
  assert.match(data, /tab/);
});

test("github: nothing to say prints nothing", () => {
  assert.equal(formatGithub(only([])), "");
});
