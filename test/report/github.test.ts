import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { ruleDocUrl } from "../../src/report/docs.js";
import { ANNOTATIONS_PER_KIND, formatGithub } from "../../src/report/github.js";
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
  assert.equal(lines.length, 4);
  assert.deepEqual(
    lines.slice(0, 3).map((l) => parseCommand(l).command),
    ["error", "warning", "notice"],
  );
  assert.equal(lines[3], "fpm-graceful: 1 error, 1 warning, 1 info", "a summary, not a command");
  assert.ok(out.endsWith("\n"));
});

test("github: data escapes %, CR and LF; properties also escape : and ,", () => {
  const [line = ""] = formatGithub(only([finding])).split("\n");
  assert.doesNotMatch(line, /[\r\n]/, "a message never breaks the command over lines");
  assert.match(line, /^::error file=k8s\/a%2Cb%3Ac%25\.yaml,line=30,col=39,title=/);
  // In data, only %, CR and LF are escaped: a comma or colon in a message stays as it is. A CR or LF
  // inside a message (read from an input) is shown escaped; the annotation's own lines are %0A.
  assert.match(
    line,
    /::100%25 of requests: `kill -SIGQUIT` fails,\\r\\nreally%0AFix: write kill -QUIT 1%0Ahttps:\/\/\S+\/prestop-kill-syntax\.md$/,
  );
  const { properties, data } = parseCommand(line);
  assert.equal(properties.file, finding.file);
  assert.equal(properties.line, "30");
  assert.equal(properties.col, "39");
  assert.equal(properties.title, "fpm-graceful prestop-kill-syntax (Deployment/shop/app php-fpm)");
  assert.equal(
    data,
    `100% of requests: \`kill -SIGQUIT\` fails,\\r\\nreally\nFix: ${finding.fix}\n${ruleDocUrl(finding.rule)}`,
  );
});

test("github: unreadable inputs are error annotations at their file and line", async () => {
  const { result } = await checkPaths(["test/fixtures/bad-input/tabs.yaml"]);
  const lines = formatGithub(result).trimEnd().split("\n");
  assert.equal(lines.length, 2, "the annotation and the summary");
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

test("github: at most 10 annotations of each kind (what GitHub shows per step); the rest as log lines, counted", () => {
  const many = [
    ...Array.from({ length: 25 }, (_, i) => ({ ...finding, line: i + 1 })),
    ...Array.from({ length: 3 }, (_, i) => ({ ...finding, severity: "warning" as const, line: 100 + i })),
  ];
  const lines = formatGithub(only(many)).trimEnd().split("\n");
  const commands = lines.filter((l) => l.startsWith("::")).map((l) => parseCommand(l).command);
  assert.equal(commands.filter((c) => c === "error").length, ANNOTATIONS_PER_KIND);
  assert.equal(commands.filter((c) => c === "warning").length, 3);
  const leftOut = lines.filter((l) => l.startsWith("  error "));
  assert.equal(leftOut.length, 15, "every finding left out is still in the log");
  assert.match(lines.join("\n"), /fpm-graceful: 15 more not annotated \(GitHub shows 10 errors/);
  assert.equal(lines.at(-1), "fpm-graceful: 25 errors, 3 warnings, 0 info; 15 not annotated");
});

test("github: a finding from rendered input is annotated on its Helm template", () => {
  const rendered = { ...finding, file: "<stdin>", line: 42, helmSource: "shop/templates/deployment.yaml" };
  const [line = ""] = formatGithub(only([rendered])).split("\n");
  const { properties, data } = parseCommand(line);
  assert.equal(properties.file, "shop/templates/deployment.yaml");
  assert.match(data, /rendered from this template: stdin line 42/);
});

test("github: suppressed findings are counted in the summary", () => {
  const out = formatGithub({
    ...only([finding]),
    suppressed: [{ ...finding, suppression: { reason: "r", source: "config" } }],
  } as CheckResult);
  assert.match(out, /\nfpm-graceful: 1 error, 0 warnings, 0 info; 1 suppressed\n$/);
});
