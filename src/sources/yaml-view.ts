import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from "yaml";
import type { Located, Problem, SourceLocation } from "./location.js";
import { hasMergeKey, mergedEntries, resolveAlias } from "./yaml-merge.js";

/** 2^63: the first value beyond Kubernetes' int64 fields. */
const INT64_LIMIT = 2 ** 63;

/** What a view needs to turn offsets into file:line:column and to report wrong types. */
export interface DocumentContext {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  helmSource: string | undefined;
  problems: Problem[];
  /** The file's text, to map text embedded in a value (a ConfigMap's php-fpm.conf) back to file lines. */
  text: string;
}

/**
 * A read-only view of one node of a parsed YAML document, with the path that leads to it and its position.
 * Aliases and merge keys (`<<: *base`, as Kubernetes' decoder merges them) are resolved on the way; reading a field of the wrong type records a problem and answers
 * `undefined`, so the model never sees a string where it expects a number.
 */
export class YamlView {
  constructor(
    readonly ctx: DocumentContext,
    readonly node: YamlNode | null | undefined,
    readonly path: (string | number)[],
  ) {}

  /** The child at `key` of a mapping, or undefined. */
  get(key: string): YamlView | undefined {
    const node = this.resolved();
    if (!isMap(node)) return undefined;
    if (hasMergeKey(node)) {
      const entry = mergedEntries(this.ctx.doc, node).find((e) => e.key === key);
      return entry ? new YamlView(this.ctx, entry.value, [...this.path, key]) : undefined;
    }
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === key)
        return new YamlView(this.ctx, pair.value as YamlNode | null, [...this.path, key]);
    }
    return undefined;
  }

  /** Follows a chain of keys: `view.at("spec", "template", "spec")`. */
  at(...keys: string[]): YamlView | undefined {
    let view: YamlView | undefined = this;
    for (const key of keys) view = view?.get(key);
    return view;
  }

  /** The items of a sequence (empty when this is not one). */
  items(): YamlView[] {
    const node = this.resolved();
    if (!isSeq(node)) return [];
    return node.items.map((item, index) => new YamlView(this.ctx, item as YamlNode, [...this.path, index]));
  }

  /** The entries of a mapping as `[key, view]` pairs (empty when this is not one). */
  entries(): [string, YamlView][] {
    const node = this.resolved();
    if (!isMap(node)) return [];
    if (hasMergeKey(node))
      return mergedEntries(this.ctx.doc, node).map((e) => [
        e.key,
        new YamlView(this.ctx, e.value, [...this.path, e.key]),
      ]);
    return node.items.map((pair) => {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      return [key, new YamlView(this.ctx, pair.value as YamlNode | null, [...this.path, key])];
    });
  }

  /** This view when it is a mapping; anything else but an empty value is a problem (`lifecycle: []`). */
  mapping(): YamlView | undefined {
    if (this.isMap()) return this;
    if (this.present() && this.scalar() !== null) this.wrongType("a mapping");
    return undefined;
  }

  isMap(): boolean {
    return isMap(this.resolved());
  }

  isSeq(): boolean {
    return isSeq(this.resolved());
  }

  isScalar(): boolean {
    return isScalar(this.resolved());
  }

  /** There is a value here (`key:` with nothing after it is a null scalar, so present). */
  present(): boolean {
    return Boolean(this.resolved());
  }

  /** The scalar's value as the YAML library typed it (string, number, boolean, null). */
  scalar(): unknown {
    const node = this.resolved();
    return isScalar(node) ? node.value : undefined;
  }

  /** A string field; a number or boolean is accepted as its text, a mapping or list is a problem. */
  string(): string | undefined {
    const value = this.scalar();
    if (value === null || value === undefined) {
      if (this.present() && !this.isScalar()) this.wrongType("a string");
      return undefined;
    }
    return String(value);
  }

  /** An integer field (Kubernetes' int64 fields reject `"30"` and `30s`). */
  integer(): number | undefined {
    const value = this.scalar();
    if (typeof value === "number" && Number.isInteger(value)) {
      // Kubernetes' integer fields are int64: `1e300` fails its decoding ("cannot unmarshal number"), and
      // a value the model took for seconds would be written back into the manifest by a fix.
      if (Math.abs(value) >= INT64_LIMIT) {
        this.problem(`${this.fieldName()} is out of range: Kubernetes' integers are 64-bit (got ${value})`);
        return undefined;
      }
      return value;
    }
    if (value === null) return undefined;
    this.wrongType("an integer");
    return undefined;
  }

  /** A non-negative integer field, such as `terminationGracePeriodSeconds`. */
  nonNegativeInteger(): number | undefined {
    const value = this.integer();
    if (value !== undefined && value < 0) {
      this.problem(`${this.fieldName()} must not be negative (got ${value})`);
      return undefined;
    }
    return value;
  }

  /** A list of strings, such as `command` or `args`. */
  strings(): string[] | undefined {
    if (!this.isSeq()) {
      if (this.present()) this.wrongType("a list of strings");
      return undefined;
    }
    const out: string[] = [];
    for (const item of this.items()) {
      const value = item.string();
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  /** A string-to-string map, such as labels and annotations. */
  stringMap(): Record<string, string> {
    // Null prototype: a label or annotation named `__proto__` or `constructor` is data (#16).
    const out: Record<string, string> = Object.create(null);
    for (const [key, view] of this.entries()) {
      const value = view.scalar();
      if (value !== undefined && value !== null) out[key] = String(value);
    }
    return out;
  }

  located<T>(value: T): Located<T> {
    return { value, loc: this.loc() };
  }

  /** The position of this node's value (or, for an absent value, of its parent's key). */
  loc(): SourceLocation {
    const range = this.node?.range ?? this.resolved()?.range;
    return toLocation(this.ctx, range?.[0] ?? 0, range?.[1]);
  }

  /** The position of the key that names this node, which is where a finding about a field reads best. */
  keyLoc(): SourceLocation {
    const parentPath = this.path.slice(0, -1);
    const key = this.path.at(-1);
    const parent = this.ctx.doc.getIn(parentPath, true) as YamlNode | undefined;
    if (typeof key === "string" && isMap(parent)) {
      const pair = parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === key);
      const range = (pair?.key as YamlNode | undefined)?.range;
      if (range) return toLocation(this.ctx, range[0], range[1]);
    }
    return this.loc();
  }

  problem(message: string): void {
    const loc = this.loc();
    this.ctx.problems.push({ ...loc, code: "invalid-field", message });
  }

  private wrongType(expected: string): void {
    const value = this.scalar();
    const got = value === undefined ? (this.isSeq() ? "a list" : "a mapping") : JSON.stringify(value);
    this.problem(`${this.fieldName()} must be ${expected}, got ${got}`);
  }

  private fieldName(): string {
    return this.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
      .join("")
      .replace(/^\./, "");
  }

  private resolved(): YamlNode | null | undefined {
    return resolveAlias(this.ctx.doc, this.node);
  }
}

/**
 * A view of a JSON value (the admission webhook's `request.object`, as `JSON.parse` gives it), read exactly
 * as a `YamlView` of the document the `yaml` library would build from it, without building that document:
 * building it was two thirds of a review's time. There is no text, so every location is 1:1. Values JSON
 * cannot hold (a `Date`, a `Map`) are not read as `yaml` would turn them into nodes.
 */
export class ValueView extends YamlView {
  constructor(
    ctx: DocumentContext,
    readonly value: unknown,
    path: (string | number)[],
  ) {
    super(ctx, undefined, path);
  }

  override get(key: string): YamlView | undefined {
    if (!this.isMap()) return undefined;
    const child = (this.value as Record<string, unknown>)[key];
    // A Document built from an object leaves out undefined values; `Object.hasOwn` skips inherited keys.
    if (child === undefined || !Object.hasOwn(this.value as object, key)) return undefined;
    return new ValueView(this.ctx, child, [...this.path, key]);
  }

  // Plain loops in items() and entries(): they run for every list and map the model reads, and callbacks
  // (`Array.from`, `entries().filter().map()`) were most of their cost.
  override items(): YamlView[] {
    if (!Array.isArray(this.value)) return [];
    const list: unknown[] = this.value;
    const items: YamlView[] = [];
    // Holes too (as undefined, read as null, as a YAML sequence built from it would).
    for (let index = 0; index < list.length; index++)
      items.push(new ValueView(this.ctx, list[index] ?? null, [...this.path, index]));
    return items;
  }

  override entries(): [string, YamlView][] {
    if (!this.isMap()) return [];
    const map = this.value as Record<string, unknown>;
    const entries: [string, YamlView][] = [];
    for (const key of Object.keys(map)) {
      const child = map[key];
      if (child !== undefined) entries.push([key, new ValueView(this.ctx, child, [...this.path, key])]);
    }
    return entries;
  }

  override isMap(): boolean {
    return typeof this.value === "object" && this.value !== null && !Array.isArray(this.value);
  }

  override isSeq(): boolean {
    return Array.isArray(this.value);
  }

  override isScalar(): boolean {
    return this.value === null || (typeof this.value !== "object" && this.value !== undefined);
  }

  override present(): boolean {
    return this.value !== undefined;
  }

  override scalar(): unknown {
    return this.isScalar() ? this.value : undefined;
  }

  override loc(): SourceLocation {
    return toLocation(this.ctx, 0);
  }

  override keyLoc(): SourceLocation {
    return this.loc();
  }
}

export function toLocation(ctx: DocumentContext, offset: number, endOffset?: number): SourceLocation {
  const start = ctx.lineCounter.linePos(offset);
  const loc: SourceLocation = {
    file: ctx.file,
    line: Math.max(1, start.line),
    column: Math.max(1, start.col),
  };
  if (endOffset !== undefined) {
    const end = ctx.lineCounter.linePos(endOffset);
    loc.endLine = end.line;
    loc.endColumn = end.col;
  }
  if (ctx.helmSource) loc.helmSource = ctx.helmSource;
  return loc;
}

/**
 * Maps lines of a multi-line string value (a ConfigMap's `php-fpm.conf: |` block) back to lines of the
 * YAML file, so a finding inside an embedded config points at the line in the manifest.
 */
export function embeddedTextMapper(view: YamlView): (line0: number, column0: number) => SourceLocation {
  const start = view.loc();
  const { text } = view.ctx;
  // Reads the two lines it needs from the line counter's offsets: splitting a manifest of a hundred
  // documents into lines for every mounted config took 7% of `check` on a corpus of 10,000 documents.
  const headerStart = view.ctx.lineCounter.lineStarts[start.line - 1] ?? text.length;
  const headerEnd = text.indexOf("\n", headerStart);
  const header = text.slice(headerStart, headerEnd === -1 ? text.length : headerEnd);
  // A block scalar (`|`, `>`) starts its content on the next line; a quoted or plain one on its own line.
  const block = /^[|>]/.test(header.slice(start.column - 1).trimStart());
  let firstContent = "";
  for (let from = headerEnd; from !== -1; ) {
    const end = text.indexOf("\n", from + 1);
    const line = text.slice(from + 1, end === -1 ? text.length : end);
    if (line.trim() !== "") {
      firstContent = line;
      break;
    }
    from = end;
  }
  const blockIndent = firstContent.length - firstContent.trimStart().length;
  return (line0, column0) => {
    if (!block) return { ...start, column: start.column + column0 };
    const loc: SourceLocation = {
      file: start.file,
      line: start.line + 1 + line0,
      column: blockIndent + column0 + 1,
    };
    if (start.helmSource) loc.helmSource = start.helmSource;
    return loc;
  };
}
