import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { RULES } from "../../src/rules/registry.js";
import type { Rule } from "../../src/rules/types.js";

/** The repository root: this file runs from dist/test/rules/. */
const root = fileURLToPath(new URL("../../../", import.meta.url));
const at = (path: string) => `${root}${path}`;
const ids = RULES.map((r) => r.meta.id);
const SECTIONS = ["What fails", "Why", "Example", "Fix", "Suppress", "See also"];

test("every rule lives in src/rules/<id>.ts, and every rule file is registered", async () => {
  for (const rule of RULES) {
    const module = (await import(`../../src/rules/${rule.meta.id}.js`)) as { rule: Rule };
    assert.equal(module.rule, rule, `src/rules/${rule.meta.id}.ts exports the registered rule`);
  }
  const files = readdirSync(at("src/rules"))
    .filter((f) => f.endsWith(".ts") && f !== "registry.ts" && f !== "types.ts")
    .map((f) => f.replace(/\.ts$/, ""));
  assert.deepEqual(files.sort(), [...ids].sort(), "rule files and registry agree");
});

test("the registry is sorted by id and ids are unique kebab-case", () => {
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test("every message has a fix template (its own or `default`)", () => {
  for (const { meta } of RULES) {
    assert.ok(Object.keys(meta.messages).length > 0, `${meta.id} has messages`);
    for (const messageId of Object.keys(meta.messages)) {
      assert.ok(
        meta.fix[messageId] !== undefined || meta.fix.default !== undefined,
        `${meta.id}: message ${messageId} has a fix`,
      );
    }
  }
});

test("every rule has a doc page with its title, severity and sections", () => {
  for (const { meta } of RULES) {
    const path = at(`docs/rules/${meta.id}.md`);
    assert.ok(existsSync(path), `docs/rules/${meta.id}.md exists`);
    const text = readFileSync(path, "utf8");
    assert.match(text, new RegExp(`^# ${meta.id}\\n`), `${meta.id}.md opens with its id`);
    assert.match(
      text,
      new RegExp(`\\*\\*Severity:\\*\\* ${meta.severity}\\b`),
      `${meta.id}.md states its severity`,
    );
    for (const section of SECTIONS) {
      assert.match(text, new RegExp(`^## ${section}$`, "m"), `${meta.id}.md has a "${section}" section`);
    }
    assert.ok(text.includes(`fpm-graceful.io/ignore: ${meta.id}`), `${meta.id}.md shows the annotation`);
    assert.ok(text.includes(`${meta.id}: off`), `${meta.id}.md shows the config setting`);
  }
});

test("every rule has a test file", () => {
  for (const id of ids)
    assert.ok(existsSync(at(`test/rules/${id}.test.ts`)), `test/rules/${id}.test.ts exists`);
});

test("README.md and docs/rules/README.md list every rule, with its severity, and no other", () => {
  for (const [file, link] of [
    ["README.md", "docs/rules/"],
    ["docs/rules/README.md", ""],
  ] as const) {
    const rows = [
      ...readFileSync(at(file), "utf8").matchAll(/^\| \[([a-z0-9-]+)\]\(([^)]+)\) \| (\w+) \|/gm),
    ];
    assert.deepEqual(
      rows.map((m) => m[1]).sort(),
      [...ids].sort(),
      `${file}'s rule table lists exactly the registered rules`,
    );
    for (const [, id, href, severity] of rows) {
      const meta = RULES.find((r) => r.meta.id === id)?.meta;
      assert.equal(href, `${link}${id}.md`, `${file}: ${id} links to its page`);
      assert.equal(severity, meta?.severity, `${file}: ${id}'s severity`);
    }
  }
});
