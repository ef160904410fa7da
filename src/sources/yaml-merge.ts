import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Pair,
  type YAMLMap,
  type Node as YamlNode,
} from "yaml";

/**
 * YAML merge keys (`<<: *base`) as Kubernetes reads them. kubectl and the API server decode YAML with
 * sigs.k8s.io/yaml, whose decoder is a fork of go-yaml v2.4.0 (`sigs.k8s.io/yaml/goyaml.v2/decode.go`,
 * `merge` and `isMerge`): a plain `<<` key (or one tagged `!!merge`) takes a mapping, an alias of one, or a
 * list of them; the keys of the mapping are assigned in document order, so a key written *after* `<<`
 * overrides the merged one and a key written *before* it is overridden; in a list, earlier mappings win
 * (the decoder steps backwards). Checked with kubectl 1.32: `annotations: {a: own, <<: {a: merged}}`
 * gives `a: merged`. The `yaml` library's own `merge` option lets own keys win wherever they stand, so
 * merges are resolved here, on the nodes, keeping each value's position in the file.
 */

/** One key of a mapping as Kubernetes sees it, with the node its value is read from. */
export interface MergedEntry {
  key: string;
  value: YamlNode | null;
  /** The value comes from a merge key (it lives in an anchor other objects may share). */
  merged: boolean;
}

const MERGE_TAG = "tag:yaml.org,2002:merge";

/** A `<<` key that go-yaml treats as a merge: plain (not quoted) or tagged `!!merge`. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === "<<" && (key.type === "PLAIN" || key.tag === MERGE_TAG);
}

export function hasMergeKey(map: YAMLMap): boolean {
  return map.items.some((pair) => isMergeKey(pair.key));
}

/**
 * What an alias names: the last node anchored with its name before it, as YAML says. yaml's own
 * `Alias.resolve(doc)` walks the whole document (recursively) on every call, which is quadratic in a
 * document of many aliases; one iterative pass per document indexes them all.
 */
export function resolveAlias(doc: Document.Parsed, node: unknown): YamlNode | null | undefined {
  if (!isAlias(node)) return node as YamlNode | null | undefined;
  return aliasIndex(doc).get(node);
}

function aliasIndex(doc: Document.Parsed): Map<Alias, YamlNode> {
  let index = ALIAS_TARGETS.get(doc);
  if (!index) {
    index = new Map();
    const anchored = new Map<string, YamlNode>();
    for (const n of documentNodes(doc)) {
      if (isAlias(n)) {
        const target = anchored.get(n.source);
        if (target) index.set(n, target);
      } else if (n.anchor) anchored.set(n.anchor, n);
    }
    ALIAS_TARGETS.set(doc, index);
  }
  return index;
}

const ALIAS_TARGETS = new WeakMap<Document.Parsed, Map<Alias, YamlNode>>();

/** At most this many pairs are visited to resolve one mapping's merges (a guard; bombs are refused earlier). */
const MERGE_PAIR_BUDGET = 100_000;

/**
 * The entries of a mapping after its merge keys are resolved as go-yaml v2 does (see above), without
 * recursion: nested merges (a merged anchor that merges another) are followed on an explicit stack.
 * Entries are in the order their keys were first assigned.
 */
export function mergedEntries(doc: Document.Parsed, map: YAMLMap): MergedEntry[] {
  const result = new Map<string, MergedEntry>();
  const stack: { items: Pair[]; next: number; merged: boolean; node: YAMLMap }[] = [
    { items: map.items as Pair[], next: 0, merged: false, node: map },
  ];
  let budget = MERGE_PAIR_BUDGET;
  while (stack.length > 0 && budget-- > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const pair = frame.items[frame.next++];
    if (pair === undefined) {
      stack.pop();
      continue;
    }
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      const sources = mergeSources(doc, pair.value);
      // A list merges backwards (earlier mappings win): pushed in order, the last pops first and the first
      // is assigned last; all of them before the keys that follow `<<` in this mapping.
      for (const source of sources) {
        if (stack.some((f) => f.node === source)) continue; // a mapping merging itself
        stack.push({ items: source.items as Pair[], next: 0, merged: true, node: source });
      }
      continue;
    }
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    result.delete(key);
    result.set(key, { key, value: (pair.value as YamlNode | null) ?? null, merged: frame.merged });
  }
  return [...result.values()];
}

/** The mappings a merge key's value names (a mapping, an alias of one, or a list of them), in order. */
export function mergeSources(doc: Document.Parsed, value: unknown): YAMLMap[] {
  const resolved = resolveAlias(doc, value);
  if (isMap(resolved)) return [resolved];
  if (!isSeq(resolved)) return [];
  const out: YAMLMap[] = [];
  for (const item of resolved.items) {
    const map = resolveAlias(doc, item);
    if (isMap(map)) out.push(map);
  }
  return out;
}

/**
 * The first merge key whose value is not a mapping or a list of mappings: go-yaml refuses the whole
 * document ("map merge requires map or sequence of maps as the value"), so kubectl would not apply it.
 */
export function badMergeKey(doc: Document.Parsed, nodes: Iterable<YamlNode>): Pair | undefined {
  for (const node of nodes) {
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      if (!isMergeKey(pair.key)) continue;
      const resolved = resolveAlias(doc, pair.value);
      const ok =
        isMap(resolved) || (isSeq(resolved) && resolved.items.every((i) => isMap(resolveAlias(doc, i))));
      if (!ok) return pair as Pair;
    }
  }
  return undefined;
}

/** Every node of a document once (aliases not followed), without recursion. */
export function* documentNodes(doc: Document.Parsed): Generator<YamlNode> {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      yield node;
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        stack.push(pair?.value, pair?.key);
      }
    } else if (isSeq(node)) {
      yield node;
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    } else if (isScalar(node) || isAlias(node)) {
      yield node;
    }
  }
}

/**
 * How many nodes the document holds once every alias (merge keys included) is expanded, counted without
 * expanding anything and without recursion; counting stops past `limit`. An alias bomb within yaml's alias
 * count (100 aliases of a 40,000-node list) expands to millions of nodes in every reader that builds values
 * (kubectl included): the size is what must be bounded, not the number of aliases.
 */
export function expandedSize(doc: Document.Parsed, limit: number): number {
  const sizes = new Map<unknown, number>();
  // Post-order: a node is sized once its children are; an alias is the size of what it names.
  const stack: { node: unknown; expanded: boolean }[] = [{ node: doc.contents, expanded: false }];
  const inProgress = new Set<unknown>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    const node = top.node;
    if (sizes.has(node)) {
      stack.pop();
      continue;
    }
    const children = childrenOf(doc, node);
    if (!top.expanded) {
      top.expanded = true;
      inProgress.add(node);
      for (const child of children)
        if (child !== null && child !== undefined && !sizes.has(child) && !inProgress.has(child))
          stack.push({ node: child, expanded: false });
      continue;
    }
    let size = 1;
    for (const child of children) size += child === null || child === undefined ? 0 : (sizes.get(child) ?? 1);
    sizes.set(node, Math.min(size, limit + 1));
    inProgress.delete(node);
    stack.pop();
    if (size > limit) return size;
  }
  return sizes.get(doc.contents) ?? 0;
}

function childrenOf(doc: Document.Parsed, node: unknown): unknown[] {
  if (isAlias(node)) {
    const target = resolveAlias(doc, node);
    return target ? [target] : [];
  }
  if (isMap(node)) return node.items.flatMap((pair) => [pair.key, pair.value]);
  if (isSeq(node)) return node.items;
  return [];
}

/** The nodes some alias of the document names (directly or as a merge key's source). */
export function aliasedNodes(doc: Document.Parsed): Set<YamlNode> {
  return new Set(aliasIndex(doc).values());
}

/**
 * Why an edit at `path` must not be made to a document with anchors, or undefined when it may. `walked`
 * are the nodes the edit's path reached through own keys (the document's root first); `missing` the keys
 * of the path that the last of them does not hold.
 * - A node on the way carries an anchor that an alias reuses: the edit would change every user of it.
 * - The first missing key is supplied by a merge key: a deeper edit would replace the whole merged value
 *   (writing `lifecycle: {preStop: …}` drops the anchor's `lifecycle.postStart`). Setting that key itself
 *   is an override Kubernetes honours (the key is written after `<<`), so that one is allowed.
 * - An own key on the way is overridden by a merge key that follows it: editing it changes nothing.
 */
export function sharedEditRefusal(
  doc: Document.Parsed,
  walked: YamlNode[],
  path: (string | number)[],
  missing: number,
  op: "set" | "append" | string,
): string | undefined {
  const aliased = aliasedNodes(doc);
  const field = path.join(".");
  if (aliased.size > 0) {
    for (const node of walked) {
      if (aliased.has(node)) {
        const name = node.anchor ? `&${node.anchor}` : "an anchor";
        return `${field} is inside ${name}, which an alias elsewhere in the file reuses: editing it would change every user of the anchor; not edited (change it by hand, or write the value out in this object)`;
      }
    }
  }
  for (let depth = 0; depth < walked.length; depth++) {
    const node = walked[depth];
    if (!isMap(node) || !hasMergeKey(node)) continue;
    const key = path[depth];
    if (key === undefined) continue;
    const entry = mergedEntries(doc, node).find((e) => e.key === String(key));
    if (!entry?.merged) continue;
    const stopsHere = depth === walked.length - 1 && missing > 0;
    if (stopsHere && missing === 1 && op === "set") continue;
    return stopsHere
      ? `${field} comes from a merge key (<<) of ${path.slice(0, depth).join(".") || "the object"}: writing it here would replace the whole merged ${String(key)}; not edited (change it by hand)`
      : `${path.slice(0, depth + 1).join(".")} is overridden by a merge key (<<) that follows it: editing it would change nothing; not edited (change it by hand)`;
  }
  return undefined;
}
