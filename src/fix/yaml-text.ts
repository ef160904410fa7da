import {
  type Document,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  parseAllDocuments,
  stringify,
  type Node as YamlNode,
} from "yaml";
import { sharedEditRefusal } from "../sources/yaml-merge.js";
import type { ManifestEdit } from "./types.js";

/** Why an edit could not be applied to a file's text; the file is then left as it was. */
export class EditError extends Error {}

/** `json` keeps a JSON manifest JSON: flow values are written as JSON, which is also valid YAML. */
export type EditStyle = "yaml" | "json";

/**
 * Applies manifest edits to YAML text by splicing only the bytes an edit concerns: comments, key order,
 * quoting, indentation and unrelated documents stay exactly as they were. Each edit re-parses the document
 * it edits, so later edits see earlier ones; a result that does not parse, or does not hold the edited
 * value, throws.
 *
 * @example
 *   applyManifestEdits("spec:\n  replicas: 1 # one\n", [{ kind: "manifest", file: "a.yaml", documentIndex: 0,
 *     path: ["spec", "replicas"], op: "set", value: 3 }]);
 *   // "spec:\n  replicas: 3 # one\n"
 */
export function applyManifestEdits(text: string, edits: ManifestEdit[], style: EditStyle = "yaml"): string {
  if (edits.length === 0) return text;
  return appliedPerDocument(text, edits, style) ?? appliedToWholeText(text, edits, style);
}

function appliedToWholeText(text: string, edits: ManifestEdit[], style: EditStyle): string {
  let current = text;
  for (const edit of edits) current = applyOne(current, edit, style, edit.documentIndex);
  return current;
}

/**
 * A file of a hundred documents with hundreds of edits would be re-parsed whole twice per edit (quadratic):
 * each document's edits work on its own slice of the text instead, parsed alone. Undefined when the file
 * holds one document, or an edited slice does not parse alone to its document (then the whole text is used).
 */
function appliedPerDocument(text: string, edits: ManifestEdit[], style: EditStyle): string | undefined {
  const docs = parse(text);
  if (docs.length <= 1) return undefined;
  const slices = documentSlices(text, docs);
  const byDocument = new Map<number, ManifestEdit[]>();
  for (const edit of edits) {
    if (slices[edit.documentIndex] === undefined) throw new EditError(`no document ${edit.documentIndex}`);
    byDocument.set(edit.documentIndex, [...(byDocument.get(edit.documentIndex) ?? []), edit]);
  }
  for (const [index, slice] of slices.entries()) {
    const documentEdits = byDocument.get(index);
    if (!documentEdits) continue;
    const alone = parse(slice);
    if (alone.length !== 1 || (alone[0]?.errors.length ?? 0) !== docs[index]?.errors.length) return undefined;
    let current = slice;
    for (const edit of documentEdits) current = applyOne(current, edit, style, 0);
    slices[index] = current;
  }
  return slices.join("");
}

/**
 * The text cut into one slice per document, at line starts between a document's end and the next one's
 * first line (its comments, directives and `---`).
 */
function documentSlices(text: string, docs: Document.Parsed[]): string[] {
  const cuts = [0];
  for (const doc of docs.slice(0, -1)) {
    const end = doc.range[2];
    cuts.push(end === 0 || text[end - 1] === "\n" ? end : lineEnd(text, end + 1));
  }
  cuts.push(text.length);
  return docs.map((_, i) => text.slice(cuts[i], cuts[i + 1]));
}

/**
 * The last text parsed and its documents: an edit's check of its result is the next edit's parse of the
 * same text. Documents are only read here, never changed.
 */
let lastParsed: { text: string; docs: Document.Parsed[] } | undefined;

function parse(text: string): Document.Parsed[] {
  if (lastParsed?.text === text) return lastParsed.docs;
  const parsed = parseAllDocuments(text, { keepSourceTokens: false });
  const docs = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
  lastParsed = { text, docs };
  return docs;
}

/** Applies one edit to the document at `index` of `text` (`edit.documentIndex` of the file, in messages). */
function applyOne(text: string, edit: ManifestEdit, style: EditStyle, index: number): string {
  const doc = parse(text)[index];
  if (!doc) throw new EditError(`no document ${edit.documentIndex}`);
  if (doc.errors.length > 0) throw new EditError(`document ${edit.documentIndex} does not parse`);
  // Walk as far as the path exists.
  let node: unknown = doc.contents;
  let depth = 0;
  let parentMap: YamlNode | undefined;
  const walked: YamlNode[] = [];
  for (; depth < edit.path.length; depth++) {
    walked.push(node as YamlNode);
    const key = edit.path[depth];
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) break;
      parentMap = node;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number" && key < node.items.length) {
      parentMap = node;
      node = node.items[key];
    } else {
      break;
    }
  }
  const missing = edit.path.slice(depth);
  if (depth === edit.path.length) walked.push(node as YamlNode);
  // Anchors and merge keys (#16): never change what other users of an anchor read.
  const shared = sharedEditRefusal(doc, walked, edit.path, missing.length, edit.op);
  if (shared) throw new EditError(shared);
  let result: string;
  if (edit.op === "append" && missing.length === 0) {
    if (!isSeq(node)) throw new EditError(`${edit.path.join(".")} is not a list`);
    result = appendToSeq(style, text, node, edit.value);
  } else {
    const value = edit.op === "append" ? [edit.value] : edit.value;
    const nested = missing.reduceRight<unknown>((inner, key) => ({ [String(key)]: inner }), value);
    if (missing.length === 0) {
      result = replaceNode(style, text, node as YamlNode, parentMap, value);
    } else if (isMap(node)) {
      result = insertIntoMap(style, text, node, nested as Record<string, unknown>);
    } else if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      result = replaceNode(style, text, node as YamlNode, parentMap, nested);
    } else {
      throw new EditError(`${edit.path.slice(0, depth).join(".")} is not a mapping`);
    }
  }
  const check = parse(result)[index];
  if (!check || check.errors.length > 0)
    throw new EditError(`editing ${edit.path.join(".")} would break the YAML`);
  return result;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** Block YAML for a value, with every line after the first indented by `indent` spaces. */
function block(value: unknown, indent: number): string {
  const rendered = stringify(value, { indent: 2, lineWidth: 0 }).replace(/\n$/, "");
  return rendered
    .split("\n")
    .map((line, i) => (i === 0 || line === "" ? line : " ".repeat(indent) + line))
    .join("\n");
}

/** A literal block scalar (`|`), its content indented by `indent`, chomping chosen to keep the text exact. */
function literal(value: string, indent: number): string {
  const trailing = value.match(/\n*$/)?.[0].length ?? 0;
  const indicator = trailing === 0 ? "|-" : trailing === 1 ? "|" : "|+";
  const body = value
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => (line === "" ? "" : " ".repeat(indent) + line));
  return `${indicator}\n${body.join("\n")}`;
}

function flow(style: EditStyle, value: unknown): string {
  if (style === "json") return JSON.stringify(value);
  return stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).replace(
    /\n$/,
    "",
  );
}

/** Comments inside the text a replacement removes, kept as full-line comments before it. */
function commentsIn(text: string): string[] {
  const found: string[] = [];
  for (const token of new Lexer().lex(text)) if (token.startsWith("#")) found.push(token.trimEnd());
  return found;
}

function replaceNode(
  style: EditStyle,
  text: string,
  node: YamlNode | null | undefined,
  parent: YamlNode | undefined,
  value: unknown,
): string {
  if (!node?.range || (isScalar(node) && node.value === null && node.range[0] === node.range[1])) {
    // `key:` with no value: the value goes after the colon, as a block on the following lines.
    const pair = parent && isMap(parent) ? parent.items.find((p) => p.value === node) : undefined;
    const keyRange = (pair?.key as YamlNode | undefined)?.range;
    if (!keyRange) throw new EditError("nothing to replace");
    const colon = text.indexOf(":", keyRange[1]);
    const indent = columnOf(text, keyRange[0]) + 2;
    const rendered =
      typeof value === "object" && value !== null
        ? `\n${" ".repeat(indent)}${block(value, indent)}`
        : ` ${flow(style, value)}`;
    return text.slice(0, colon + 1) + rendered + text.slice(colon + 1).replace(/^[ \t]*(null|~)?/, "");
  }
  const [start, end] = node.range;
  const isBlock = isCollection(node) && !(node as { flow?: boolean }).flow;
  const column = columnOf(text, start);
  if (isCollection(value) || (typeof value === "object" && value !== null)) {
    if (isBlock) {
      const kept = commentsIn(text.slice(start, end));
      const prefix = kept.map((c) => `${c}\n${" ".repeat(column)}`).join("");
      const tail = text[end - 1] === "\n" ? "\n" : "";
      return text.slice(0, start) + prefix + block(value, column) + tail + text.slice(end);
    }
    // A scalar or flow value is replaced in place by flow YAML, so the line structure stays.
    return text.slice(0, start) + flow(style, value) + text.slice(end);
  }
  if (typeof value === "string" && value.includes("\n")) {
    const keyIndent =
      parent && isMap(parent) && parent.items[0]
        ? columnOf(text, (parent.items[0].key as YamlNode).range?.[0] ?? start)
        : column;
    const tail = text[end - 1] === "\n" ? "\n" : "";
    const [indicator, ...body] = literal(value, keyIndent + 2).split("\n");
    const rendered = [`${indicator}${blockScalarComment(text, node)}`, ...body].join("\n");
    return text.slice(0, start) + rendered + tail + text.slice(end);
  }
  return text.slice(0, start) + flow(style, value) + text.slice(end);
}

/** The comment on a block scalar's header line (`key: | # why`), which lies inside the node's range. */
function blockScalarComment(text: string, node: YamlNode): string {
  const type = (node as { type?: string }).type;
  if (!node.range || (type !== "BLOCK_LITERAL" && type !== "BLOCK_FOLDED")) return "";
  const start = node.range[0];
  const header = text.slice(start, lineEnd(text, start + 1)).replace(/\n$/, "");
  return header.match(/[ \t]+#.*$/)?.[0] ?? "";
}

function insertIntoMap(
  style: EditStyle,
  text: string,
  map: YamlNode,
  entries: Record<string, unknown>,
): string {
  if (!map.range) throw new EditError("mapping has no position");
  const [start, end] = map.range;
  if ((map as { flow?: boolean }).flow) {
    const close = text.lastIndexOf("}", end);
    const multiLine = isMap(map) && map.items.length > 0 && text.slice(start, close).includes("\n");
    if (multiLine) {
      const indent = columnOf(text, (map.items[0]?.key as YamlNode | undefined)?.range?.[0] ?? start);
      const rendered = Object.entries(entries).map(
        ([k, v]) => `${flow(style, k)}: ${pretty(style, v, indent)}`,
      );
      return insertBeforeClose(text, close, rendered, indent);
    }
    const inner = flow(style, entries).replace(/^\{\s*|\s*\}$/g, "");
    const empty = isMap(map) && map.items.length === 0;
    const before = text.slice(0, close);
    const padding = before.match(/\s*$/)?.[0] ?? "";
    return `${before.trimEnd()}${empty ? "" : ", "}${inner}${padding}${text.slice(close)}`;
  }
  const firstKey = isMap(map) ? (map.items[0]?.key as YamlNode | undefined) : undefined;
  const indent = columnOf(text, firstKey?.range?.[0] ?? start);
  const at = text[end - 1] === "\n" ? end : lineEnd(text, end);
  const lines = `${" ".repeat(indent)}${block(entries, indent)}\n`;
  return at >= text.length && !text.endsWith("\n")
    ? `${text}\n${lines}`
    : text.slice(0, at) + lines + text.slice(at);
}

function appendToSeq(style: EditStyle, text: string, seq: YamlNode, item: unknown): string {
  if (!seq.range) throw new EditError("list has no position");
  const [start, end] = seq.range;
  if ((seq as { flow?: boolean }).flow) {
    const close = text.lastIndexOf("]", end);
    const items = isSeq(seq) ? seq.items : [];
    if (items.length > 0 && text.slice(start, close).includes("\n")) {
      const indent = columnOf(text, (items[0] as YamlNode).range?.[0] ?? start);
      return insertBeforeClose(text, close, [pretty(style, item, indent)], indent);
    }
    const empty = isSeq(seq) && seq.items.length === 0;
    return `${text.slice(0, close).replace(/\s*$/, "")}${empty ? "" : ", "}${flow(style, item)}${text.slice(close)}`;
  }
  const indent = columnOf(text, start);
  const at = text[end - 1] === "\n" ? end : lineEnd(text, end);
  const lines = `${" ".repeat(indent)}- ${block(item, indent + 2)}\n`;
  return at >= text.length && !text.endsWith("\n")
    ? `${text}\n${lines}`
    : text.slice(0, at) + lines + text.slice(at);
}

/** A multi-line flow value (JSON as people write it): each new entry on its own line, at the items' indentation. */
function pretty(style: EditStyle, value: unknown, indent: number): string {
  const text = style === "json" ? JSON.stringify(value, null, 2) : flow(style, value);
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : " ".repeat(indent) + line))
    .join("\n");
}

function insertBeforeClose(text: string, close: number, entries: string[], indent: number): string {
  const before = text.slice(0, close);
  const last = before.trimEnd();
  const padding = before.slice(last.length);
  const added = entries.map((e) => `,\n${" ".repeat(indent)}${e}`).join("");
  return `${last}${added}${padding}${text.slice(close)}`;
}

/** The offset just after the newline ending the line that holds `offset - 1`. */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", Math.max(0, offset - 1));
  return nl === -1 ? text.length : nl + 1;
}

/** Appends a document to a multi-document file, after a `---` separator. */
export function appendDocument(text: string, value: Record<string, unknown>): string {
  const base = text.endsWith("\n") || text === "" ? text : `${text}\n`;
  return `${base}---\n${stringify(value, { indent: 2, lineWidth: 0 })}`;
}
