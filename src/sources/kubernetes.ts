import { type Alias, Document, isAlias, isMap, LineCounter, type Node, parseAllDocuments } from "yaml";
import type { Problem } from "./location.js";
import { badMergeKey, documentNodes, expandedSize } from "./yaml-merge.js";
import { type DocumentContext, toLocation, ValueView, YamlView } from "./yaml-view.js";

/** One Kubernetes object of a manifest file (a `List`'s items are objects of their own). */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  view: YamlView;
  /** Index of the YAML document in its file. */
  documentIndex: number;
}

/**
 * Parses a multi-document YAML (or JSON) manifest. Never throws: syntax errors, duplicate keys and alias
 * abuse become problems with file:line:column; a document with errors contributes no objects, the others do.
 *
 * @example
 *   const { objects, problems } = parseManifests("k8s/app.yaml", text);
 */
export function parseManifests(
  file: string,
  text: string,
): { objects: KubernetesObject[]; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const objects: KubernetesObject[] = [];
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
    docs = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
  } catch (error) {
    // The parser collects errors rather than throwing; this guards only against its own internal failures.
    problems.push({
      file,
      line: 1,
      column: 1,
      code: "yaml-syntax",
      message: `cannot parse YAML: ${String(error)}`,
    });
    return { objects, problems };
  }
  // Aliases and merge keys are rare in manifests; only a document that could hold one pays for the
  // expansion check (a CronJob's `schedule: "*/5 * * * *"` makes every file of a large corpus look like it might).
  const mentions = (doc: Document.Parsed, mark: string) => {
    const at = text.indexOf(mark, doc.range[0]);
    return at !== -1 && at < doc.range[2];
  };
  docs.forEach((doc, documentIndex) => {
    // A comment on a file's first line (no `---` before it) belongs to the first key, not the document.
    const firstKey = isMap(doc.contents) ? (doc.contents.items[0]?.key as Node | undefined) : undefined;
    const helmSource =
      helmSourceOf(doc.commentBefore) ??
      helmSourceOf(doc.contents?.commentBefore) ??
      helmSourceOf(firstKey?.commentBefore);
    const ctx: DocumentContext = { file, doc, lineCounter, helmSource, problems, text };
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const loc = toLocation(ctx, error.pos[0]);
        problems.push({ ...loc, code: "yaml-syntax", message: yamlMessage(error.code, error.message) });
      }
      return;
    }
    if (doc.contents === null) return;
    const bytes = doc.range[2] - doc.range[0];
    if (bytes > MAX_OBJECT_TEXT) {
      problems.push({
        ...toLocation(ctx, doc.range[0]),
        code: "too-large",
        message: `one document of ${(bytes / 1024 / 1024).toFixed(1)} MiB: Kubernetes stores at most 1.5 MiB per object (etcd's request limit), so it cannot be applied; not checked`,
      });
      return;
    }
    const bomb = (mentions(doc, "*") || mentions(doc, "<<")) && aliasProblem(ctx);
    if (bomb) {
      problems.push(bomb);
      return;
    }
    const root = new YamlView(ctx, doc.contents, []);
    if (!root.isMap()) {
      if (root.scalar() === null) return;
      problems.push({
        ...root.loc(),
        code: "not-an-object",
        message: "document is not a Kubernetes object (a mapping)",
      });
      return;
    }
    collectObjects(root, documentIndex, objects);
  });
  return { objects, problems };
}

function collectObjects(view: YamlView, documentIndex: number, out: KubernetesObject[]): void {
  const kind = view.get("kind")?.scalar();
  const apiVersion = view.get("apiVersion")?.scalar();
  // Files that are YAML but not Kubernetes (CI workflows, compose files, values.yaml) are skipped silently.
  if (typeof kind !== "string" || typeof apiVersion !== "string") return;
  if (kind === "List" || kind.endsWith("List")) {
    for (const item of view.get("items")?.items() ?? [])
      if (item.isMap()) collectObjects(item, documentIndex, out);
    return;
  }
  const metadata = view.get("metadata");
  out.push({
    apiVersion,
    kind,
    name: metadata?.get("name")?.string() ?? "",
    namespace: metadata?.get("namespace")?.string(),
    view,
    documentIndex,
  });
}

/**
 * The largest document text read as one object. etcd refuses requests over 1.5 MiB (its default
 * `--max-request-bytes`, which the API server meets as "etcdserver: request is too large"), so no object
 * larger can exist in a cluster; the text gets a margin for YAML's indentation. A 70,000-container pod
 * spec (3 MB) took the model 25 minutes and 3 GB: it is refused at once instead.
 */
const MAX_OBJECT_TEXT = 2 * 1024 * 1024;

/** Aliases may add this many nodes to a document beyond its own (or as many as it has, if more). */
const ALIAS_EXPANSION_ALLOWANCE = 100_000;

/**
 * An alias bomb ("billion laughs": anchors of lists of aliases of lists...) expands exponentially, and
 * even within a count of aliases (100 aliases of a 40,000-item list) to gigabytes in any reader that
 * builds values, kubectl included. The document's expanded size is counted without expanding it
 * (`expandedSize`): over its own size plus an allowance, it is reported like a syntax error, at the first
 * alias. A merge key whose value is not a mapping (or a list of them) is refused as Kubernetes' decoder
 * refuses it.
 */
function aliasProblem(ctx: DocumentContext): Problem | undefined {
  let first: Alias | undefined;
  let own = 0;
  for (const node of documentNodes(ctx.doc)) {
    own++;
    if (first === undefined && isAlias(node)) first = node;
  }
  const bad = badMergeKey(ctx.doc, documentNodes(ctx.doc));
  if (bad) {
    return {
      ...toLocation(ctx, (bad.key as Node).range?.[0] ?? 0),
      code: "yaml-syntax",
      message: "merge key (<<) needs a mapping or a list of mappings, as Kubernetes' YAML decoder requires",
    };
  }
  if (!first) return undefined;
  const limit = own + Math.max(ALIAS_EXPANSION_ALLOWANCE, own);
  const size = expandedSize(ctx.doc, limit);
  if (size <= limit) return undefined;
  return {
    ...toLocation(ctx, first.range?.[0] ?? 0),
    code: "yaml-syntax",
    message: yamlMessage(
      "RESOURCE_EXHAUSTION",
      `aliases expand the document past ${limit.toLocaleString("en")} nodes (it has ${own.toLocaleString("en")} of its own)`,
    ),
  };
}

function helmSourceOf(comment: string | null | undefined): string | undefined {
  const match = comment?.match(/(?:^|\n)\s*Source:\s*(\S+)/);
  return match?.[1];
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? message;
  if (code === "DUPLICATE_KEY") return `duplicate key: ${first}`;
  if (code === "TAB_AS_INDENT") return "tab used for indentation: YAML allows only spaces";
  // yaml's composer catches its own stack overflow on deeply nested collections and reports it so.
  if (code === "RESOURCE_EXHAUSTION" && /call stack/i.test(first))
    return "nested too deeply to read (the YAML parser's depth limit): no manifest nests like this";
  if (code === "RESOURCE_EXHAUSTION") return `too many aliases (an alias bomb?): ${first}`;
  return first;
}

/** A value view never reads its context's document (no aliases, no key positions): one empty one serves. */
const EMPTY_DOCUMENT = new Document() as unknown as Document.Parsed;

/**
 * Reads objects that are already values (the admission webhook's `request.object`) as documents, without
 * a text to parse; locations are 1:1, since there is no file to point into.
 */
export function manifestsFromValues(
  file: string,
  values: unknown[],
): { objects: KubernetesObject[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const objects: KubernetesObject[] = [];
  values.forEach((value, documentIndex) => {
    const ctx: DocumentContext = {
      file,
      doc: EMPTY_DOCUMENT,
      lineCounter: new LineCounter(),
      helmSource: undefined,
      problems,
      text: "",
    };
    const root = new ValueView(ctx, value, []);
    if (!root.isMap()) {
      // An empty document, as in text (`---` with nothing after it).
      if (value === null || value === undefined) return;
      problems.push({
        file,
        line: 1,
        column: 1,
        code: "not-an-object",
        message: "document is not a Kubernetes object (a mapping)",
      });
      return;
    }
    collectObjects(root, documentIndex, objects);
  });
  return { objects, problems };
}
