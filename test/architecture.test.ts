/**
 * The map is tested: every import under src/ is read with TypeScript's own parser, folded to its layer (the
 * folder under src/, or a top-level file), and checked against the arrows table of docs/ARCHITECTURE.md —
 * the one source of the allowed edges. It fails on an edge the table does not draw, on a cycle between
 * layers, on a cycle between files anywhere, and on a rule file that imports more than rule types, the
 * model, the timeline and the advice values (ESLint's model: a rule gets its fixer from its context).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

/** One import of one file: the file it names (relative to src/, `.ts`), and whether it is erased at build. */
export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** A layer's allowed imports: each target layer, `types` when only `import type` may cross. */
export type ArrowTable = Map<string, Map<string, "all" | "types">>;

/** The layer of a file under src/: its top folder (`rules/`), or itself for a top-level file (`index.ts`). */
export function layerOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? file : file.slice(0, slash + 1);
}

/** Every relative import, re-export and dynamic `import()` of a source text, as paths relative to src/. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith(".")) return;
    const to = normalize(join(dirname(file), specifier)).replace(/\.js$/, ".ts");
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const everyNameIsType =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, clause?.isTypeOnly === true || everyNameIsType);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const named = node.exportClause;
      const everyNameIsType =
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, node.isTypeOnly || everyNameIsType);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * The arrows table between `<!-- arrows:begin -->` and `<!-- arrows:end -->`: rows `| layer | may import |`,
 * layers in backticks, `(types)` after a layer that only types may come from, `—` for nothing.
 */
export function parseArrows(markdown: string): ArrowTable {
  const block = /<!-- arrows:begin -->([\s\S]*?)<!-- arrows:end -->/.exec(markdown)?.[1];
  if (block === undefined)
    throw new Error("docs/ARCHITECTURE.md has no arrows table (<!-- arrows:begin -->)");
  const table: ArrowTable = new Map();
  for (const row of block.split("\n")) {
    const cells = row.split("|").map((c) => c.trim());
    const layer = /^`([^`]+)`$/.exec(cells[1] ?? "")?.[1];
    if (!layer) continue;
    const allowed = new Map<string, "all" | "types">();
    for (const match of (cells[2] ?? "").matchAll(/`([^`]+)`(\s*\(types\))?/g))
      allowed.set(match[1] as string, match[2] ? "types" : "all");
    table.set(layer, allowed);
  }
  return table;
}

/** Edges the table does not allow, each as `from-file → to-file (from-layer → to-layer)`. */
export function forbiddenEdges(edges: readonly ImportEdge[], table: ArrowTable): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    if (from === to) continue;
    const allowed = table.get(from);
    const arrow = allowed?.get(to);
    if (!allowed) out.push(`${edge.from} → ${edge.to}: layer ${from} is not in the arrows table`);
    else if (!arrow) out.push(`${edge.from} → ${edge.to} (${from} → ${to} is not drawn)`);
    else if (arrow === "types" && !edge.typeOnly)
      out.push(`${edge.from} → ${edge.to} (${from} → ${to} is drawn for types only)`);
  }
  return out;
}

/** The cycles of a directed graph (strongly connected components of more than one node, or a self-loop). */
export function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

/** The graph of edges folded by a key function (to layers, or kept per file), without self-edges. */
export function graphOf(
  edges: readonly ImportEdge[],
  fold: (file: string) => string,
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    const from = fold(edge.from);
    const to = fold(edge.to);
    if (!graph.has(from)) graph.set(from, new Set());
    if (from !== to) graph.get(from)?.add(to);
  }
  return graph;
}

/**
 * What a rule file (`src/rules/<id>.ts`, and its `shared/` helpers) may import: rule types and helpers,
 * the model, the timeline, the advice values. Never the fix builders or appliers, nor the engine.
 */
export function ruleFileViolations(edges: readonly ImportEdge[]): string[] {
  const allowed = ["rules/", "model/", "timeline/", "advice/"];
  return edges
    .filter((e) => e.from.startsWith("rules/") && e.from !== "rules/types.ts")
    .filter((e) => !allowed.includes(layerOf(e.to)))
    .map((e) => `${e.from} → ${e.to}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith(".ts"))
    .map((d) => relative(SRC, join(d.parentPath, d.name)));
}

const edges = sourceFiles(SRC).flatMap((file) => importsOf(file, readFileSync(join(SRC, file), "utf8")));
const arrows = parseArrows(readFileSync(join(ROOT, "docs/ARCHITECTURE.md"), "utf8"));

test("the reader finds every kind of import of ours: static, type-only, re-export, dynamic", () => {
  const found = importsOf(
    "rules/x.ts",
    [
      'import { a } from "../model/a.js";',
      'import type { B } from "../fix/types.js";',
      'import { type C } from "./types.js";',
      'export { d } from "../timeline/d.js";',
      'export type { E } from "../advice/e.js";',
      'const f = await import("../engine/f.js");',
      'import { readFile } from "node:fs/promises";',
    ].join("\n"),
  );
  assert.deepEqual(
    found.map((e) => `${e.to}${e.typeOnly ? " (type)" : ""}`),
    [
      "model/a.ts",
      "fix/types.ts (type)",
      "rules/types.ts (type)",
      "timeline/d.ts",
      "advice/e.ts (type)",
      "engine/f.ts",
    ],
  );
});

test("the arrows table of docs/ARCHITECTURE.md names every layer under src/ and draws no cycle", () => {
  const layers = new Set(edges.map((e) => layerOf(e.from)));
  assert.deepEqual(
    [...layers].filter((l) => !arrows.has(l)),
    [],
    "layers missing from the table",
  );
  for (const [layer, allowed] of arrows)
    for (const target of allowed.keys())
      assert.ok(arrows.has(target), `${layer} may import ${target}, which is not a layer of the table`);
  const drawn = new Map([...arrows].map(([layer, allowed]) => [layer, new Set(allowed.keys())]));
  assert.deepEqual(cyclesOf(drawn), [], "the table itself draws a cycle");
});

test("every import under src/ follows an arrow of docs/ARCHITECTURE.md", () => {
  assert.deepEqual(forbiddenEdges(edges, arrows), []);
});

test("no cycle between layers, nor between files", () => {
  assert.deepEqual(cyclesOf(graphOf(edges, layerOf)), []);
  assert.deepEqual(cyclesOf(graphOf(edges, (file) => file)), []);
});

test("rule files import only rule types, the model, the timeline and the advice values", () => {
  assert.deepEqual(ruleFileViolations(edges), []);
});

test("the checker fails on a forbidden import added to a synthetic graph (a test of the test)", () => {
  const table = parseArrows(
    [
      "<!-- arrows:begin -->",
      "| layer | may import |",
      "| --- | --- |",
      "| `model/` | — |",
      "| `fix/` | — |",
      "| `rules/` | `model/`, `fix/` (types) |",
      "| `engine/` | `rules/`, `fix/`, `model/` |",
      "<!-- arrows:end -->",
    ].join("\n"),
  );
  const clean: ImportEdge[] = [
    { from: "rules/a.ts", to: "model/m.ts", typeOnly: false },
    { from: "rules/types.ts", to: "fix/types.ts", typeOnly: true },
    { from: "engine/check.ts", to: "rules/a.ts", typeOnly: false },
    { from: "engine/check.ts", to: "fix/text.ts", typeOnly: false },
  ];
  assert.deepEqual(forbiddenEdges(clean, table), []);
  assert.deepEqual(cyclesOf(graphOf(clean, layerOf)), []);
  assert.deepEqual(ruleFileViolations(clean), []);

  const upward: ImportEdge = { from: "fix/run.ts", to: "engine/check.ts", typeOnly: false };
  assert.deepEqual(forbiddenEdges([...clean, upward], table), [
    "fix/run.ts → engine/check.ts (fix/ → engine/ is not drawn)",
  ]);
  assert.deepEqual(cyclesOf(graphOf([...clean, upward], layerOf)), [["engine/", "fix/", "rules/"]]);

  const valueThroughTypeArrow: ImportEdge = { from: "rules/a.ts", to: "fix/plans.ts", typeOnly: false };
  assert.deepEqual(forbiddenEdges([valueThroughTypeArrow], table), [
    "rules/a.ts → fix/plans.ts (rules/ → fix/ is drawn for types only)",
  ]);
  assert.deepEqual(ruleFileViolations([valueThroughTypeArrow]), ["rules/a.ts → fix/plans.ts"]);

  const unknownLayer: ImportEdge = { from: "stray/x.ts", to: "model/m.ts", typeOnly: false };
  assert.equal(forbiddenEdges([unknownLayer], table).length, 1);

  const fileCycle: ImportEdge[] = [
    { from: "init/a.ts", to: "init/b.ts", typeOnly: true },
    { from: "init/b.ts", to: "init/a.ts", typeOnly: false },
  ];
  assert.deepEqual(cyclesOf(graphOf(fileCycle, (f) => f)), [["init/a.ts", "init/b.ts"]]);
});
