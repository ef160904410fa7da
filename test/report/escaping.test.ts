import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { drawSvg } from "../../src/draw/svg.js";
import { drawTerminalCharts } from "../../src/draw/terminal.js";
import type { CheckResult } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { formatGithub } from "../../src/report/github.js";
import { FORMATTERS } from "../../src/report/index.js";
import { formatText } from "../../src/report/text.js";
import { runCli } from "../cli/run-cli.js";

/**
 * A name as an attacker writes it: ESC (a colour and a screen clear), BEL, CR, a newline followed by a
 * workflow command, a C1 CSI, the legacy `##[` command, and characters XML cannot carry.
 */
const HOSTILE =
  "x\u001b[31mred\u001b[2J\u0007\rback\n::error file=a::owned\u009b2J ##[warning]v1\ufffe\uffff\ud800!";

/** The seed result with every name a report prints replaced by the hostile one (an absolute path too). */
async function hostileResult(): Promise<CheckResult> {
  const { result } = await checkPaths(["examples/seed"]);
  const name = (s: string) => `${s}${HOSTILE}`;
  return {
    ...result,
    problems: [{ file: name("bad.yaml"), line: 1, column: 1, code: "yaml-syntax", message: name("m") }],
    leftAlone: [{ file: name("go/Dockerfile"), line: 1, column: 1, reason: name("reason") }],
    findings: result.findings.map((f) => ({
      ...f,
      file: name(f.file),
      workload: name(f.workload),
      container: name(f.container ?? "c"),
      message: name(f.message),
      fix: name(f.fix),
    })),
    workloads: result.workloads.map((w) => ({
      ...w,
      id: name(w.id),
      containers: w.containers.map((c) => ({ ...c, name: name(c.name), roleBasis: name(c.roleBasis) })),
      timeline: {
        ...w.timeline,
        containers: w.timeline.containers.map((c) => ({ ...c, container: name(c.container) })),
        events: w.timeline.events.map((e) => ({ ...e, text: name(e.text) })),
        failureWindows: w.timeline.failureWindows.map((fw) => ({ ...fw, explanation: name(fw.explanation) })),
      },
    })),
  };
}

/** What a terminal or GitHub's runner would act on in a line of output. */
function assertInert(out: string, what: string, ownCommands = false): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for the raw control characters
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, `${what}: no raw control character`);
  for (const line of out.split("\n")) {
    if (ownCommands && /^::(error|warning|notice) file=/.test(line)) continue;
    assert.doesNotMatch(
      line,
      /^\s*::/,
      `${what}: no line starts a workflow command: ${JSON.stringify(line)}`,
    );
    assert.doesNotMatch(line, /##\[/, `${what}: no legacy ##[ command`);
  }
}

test("escaping: text output shows control characters escaped and starts no workflow command", async () => {
  const result = await hostileResult();
  const out = formatText(result, { color: false, timelines: "all" });
  assertInert(out, "text");
  assert.match(
    out,
    /x\\x1b\[31mred\\x1b\[2J\\x07\\rback\\n::error file=a::owned\\u009b2J/,
    "visible, not dropped",
  );
  assertInert(formatText(result, { color: false, timelines: "all", quiet: true }), "quiet text");
  // With colour, the only escape sequences are the report's own SGR colours.
  const coloured = formatText(result, { color: true, timelines: "all" });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the report's own colour codes
  assertInert(coloured.replace(/\u001b\[\d+m/g, ""), "coloured text");
});

test("escaping: the timeline chart shows control characters escaped and starts no workflow command", async () => {
  const result = await hostileResult();
  const drawings = result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
  for (const ascii of [false, true])
    assertInert(drawTerminalCharts(drawings, { width: 120, color: false, ascii }), `chart (ascii ${ascii})`);
});

test("escaping: github annotations keep every name inside its command; json and sarif carry no ##[", async () => {
  const result = await hostileResult();
  assertInert(formatGithub(result), "github", true);
  for (const format of ["json", "sarif"] as const) {
    const out = FORMATTERS[format](result);
    assert.doesNotMatch(out, /##\[/, format);
    assert.ok(JSON.parse(out), `${format} still parses`);
  }
  const json = JSON.parse(FORMATTERS.json(result));
  assert.equal(
    json.workloads[0].id.endsWith(HOSTILE),
    true,
    "json keeps the name exactly, only spelled safely",
  );
});

test("escaping: with -f github, problems repeated on stderr cannot start a workflow command either", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-escape-"));
  try {
    const name = "bad\n::error::owned\u001b[2J.yaml";
    await writeFile(join(dir, name), "a: [\n");
    const run = runCli(["check", "-f", "github", name], { cwd: dir });
    assert.equal(run.status, 2, run.stderr);
    assert.ok(run.stderr.length > 0, "the problem is on stderr");
    assertInert(run.stderr, "stderr");
    assertInert(run.stdout, "stdout", true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const xmllint = spawnSync("xmllint", ["--version"]).status === 0;

test("escaping: the SVG is well-formed XML for any name (U+FFFE, U+FFFF, lone surrogates, C0 controls)", {
  skip: xmllint ? false : "xmllint is not installed (scripts/setup-system.sh installs libxml2-utils)",
}, async () => {
  const result = await hostileResult();
  const drawings = result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-svg-"));
  try {
    const path = join(dir, "timeline.svg");
    await writeFile(path, drawSvg(drawings));
    const lint = spawnSync("xmllint", ["--noout", path], { encoding: "utf8" });
    assert.equal(lint.status, 0, lint.stderr);
    // The check is not vacuous: the same picture with one raw U+FFFE is rejected.
    await writeFile(path, drawSvg(drawings).replace("</svg>", "<text>\ufffe</text></svg>"));
    assert.notEqual(spawnSync("xmllint", ["--noout", path]).status, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
