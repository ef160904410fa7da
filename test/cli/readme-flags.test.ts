import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { checkCommand } from "../../src/cli/check-command.js";
import { fixCommand } from "../../src/cli/fix-command.js";
import { initCommand } from "../../src/cli/init-command.js";
import { rulesCommand } from "../../src/cli/rules-command.js";
import { timelineCommand } from "../../src/cli/timeline-command.js";

const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

/** The flags of the README table after `<!-- flags: NAME -->`: every `-x`/`--long` in its first column. */
function tableFlags(name: string): Set<string> {
  const start = readme.indexOf(`<!-- flags: ${name} -->\n`);
  assert.ok(start >= 0, `README has a flag table for ${name}`);
  const rows = readme
    .slice(start)
    .split("\n")
    .slice(3)
    .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith("|")));
  const flags = new Set<string>();
  for (const row of rows)
    for (const flag of row.split("|")[1]?.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []) flags.add(flag);
  return flags;
}

/** The flags `COMMAND --help` prints (commander's own --help aside). */
function helpFlags(command: Command): Set<string> {
  const flags = new Set<string>();
  for (const option of command.options) {
    if (option.long) flags.add(option.long);
    if (option.short) flags.add(option.short);
  }
  return flags;
}

const sorted = (flags: Set<string>) => [...flags].sort();

test("README: each command's flag table names exactly the flags its --help prints", () => {
  const model = tableFlags("model");
  const cases: [string, Command, Set<string>][] = [
    ["check", checkCommand(), new Set([...tableFlags("check"), ...model])],
    ["fix", fixCommand(), new Set([...tableFlags("fix"), ...model])],
    ["timeline", timelineCommand(), new Set([...tableFlags("timeline"), ...model])],
    ["init", initCommand(), tableFlags("init")],
    ["rules", rulesCommand(), tableFlags("rules")],
  ];
  for (const [name, command, documented] of cases)
    assert.deepEqual(sorted(documented), sorted(helpFlags(command)), `${name}: README table vs --help`);
});

test("README: the comparison is not vacuous: a flag missing from a table is noticed", () => {
  const documented = tableFlags("rules");
  assert.ok(documented.has("--format") && documented.has("-f"));
  const command = rulesCommand().option("--extra", "not in the README");
  assert.notDeepEqual(sorted(documented), sorted(helpFlags(command)));
});
