/**
 * Each rule page's example is run: the files of its `## Example` section (a "`path`:" line, then a fenced
 * block) are checked with the flags of its `fpm-graceful check …` line, the rule must fire, and every
 * finding line the page prints (`error   app.yaml:9:17  rule-id`) must be found at that place. Where the
 * `## Fix` section shows files, they replace (or join) the example's, and the rule must then be quiet.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFAULT_ASSUMPTIONS, type Front } from "../../src/model/types.js";
import { RULES } from "../../src/rules/registry.js";
import { type Files, runCheck } from "./harness.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** The text of a `## name` section, up to the next `## `. */
function section(page: string, name: string): string {
  const start = page.indexOf(`\n## ${name}\n`);
  if (start === -1) return "";
  const rest = page.slice(start + name.length + 5);
  const end = rest.indexOf("\n## ");
  return end === -1 ? rest : rest.slice(0, end);
}

/** Each "`label`:" line followed by a fenced block, in order. */
function labelledBlocks(text: string): { label: string; body: string }[] {
  return [...text.matchAll(/^`([^`\n]+)`:\n\n```[a-z]*\n([\s\S]*?)```$/gm)].map((m) => ({
    label: m[1] as string,
    body: m[2] as string,
  }));
}

/** The assumptions a `fpm-graceful check` line's flags set (durations as `8s` or `8`). */
function assumptionsOf(command: string) {
  const flag = (name: string) => new RegExp(`--${name}[ =](\\S+)`).exec(command)?.[1];
  const seconds = (value: string | undefined) => (value === undefined ? undefined : Number.parseFloat(value));
  return {
    ...DEFAULT_ASSUMPTIONS,
    ...(flag("propagation") ? { propagationSeconds: seconds(flag("propagation")) as number } : {}),
    ...(flag("max-request") ? { maxRequestSeconds: seconds(flag("max-request")) as number } : {}),
    ...(flag("kube-version") ? { kubeVersion: flag("kube-version") as string } : {}),
    ...(flag("front") === "l4" || flag("front") === "l7" ? { front: flag("front") as Front } : {}),
  };
}

for (const { meta } of RULES) {
  const page = readFileSync(`${root}docs/rules/${meta.id}.md`, "utf8");
  const example = labelledBlocks(section(page, "Example"));
  const command = example.find((b) => b.label.startsWith("fpm-graceful check"));
  const files: Files = Object.fromEntries(example.filter((b) => b !== command).map((b) => [b.label, b.body]));
  const assumptions = assumptionsOf(command?.label ?? "");

  test(`docs/rules/${meta.id}.md: its example fires the rule where the page says`, () => {
    assert.ok(Object.keys(files).length > 0, "the example shows its input files");
    assert.ok(command, "the example shows the command it ran");
    const result = runCheck({ name: meta.id, files, assumptions });
    assert.deepEqual(result.problems, [], "the example reads without problems");
    const found = result.findings.filter((f) => f.rule === meta.id);
    assert.ok(found.length > 0, `${meta.id} fires on its example`);
    const printed = [...command.body.matchAll(/^(error|warning|info)\s+(\S+):(\d+):(\d+)\s+(\S+)/gm)].filter(
      (m) => m[5] === meta.id,
    );
    assert.ok(printed.length > 0, "the page prints the finding");
    for (const [line, severity, file, row, column] of printed)
      assert.ok(
        found.some(
          (f) =>
            f.severity === severity &&
            f.file === file &&
            f.line === Number(row) &&
            f.column === Number(column),
        ),
        `the page prints \`${line}\`; found: ${found.map((f) => `${f.severity} ${f.file}:${f.line}:${f.column}`).join(", ")}`,
      );
  });

  // The files the fix shows: changed ones replace the example's, new ones (a PodDisruptionBudget) join them.
  const fixed = labelledBlocks(section(page, "Fix")).filter((b) => !b.label.startsWith("fpm-graceful"));
  if (fixed.length === 0) continue;
  test(`docs/rules/${meta.id}.md: its fixed form is quiet`, () => {
    const after = { ...files, ...Object.fromEntries(fixed.map((b) => [b.label, b.body])) };
    const result = runCheck({ name: meta.id, files: after, assumptions });
    assert.deepEqual(result.problems, [], "the fixed form reads without problems");
    assert.deepEqual(
      result.findings.filter((f) => f.rule === meta.id).map((f) => `${f.file}:${f.line} ${f.message}`),
      [],
    );
  });
}
