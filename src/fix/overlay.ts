import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";

/** A kustomize overlay: the files of a directory that `kubectl kustomize DIR` builds into the fixed input. */
export interface Overlay {
  /** File name → text: `kustomization.yaml`, `rendered.yaml` (the input, as the base), patches, new objects. */
  files: Record<string, string>;
  /** Patches and new objects, in order, for printing: each with the Helm template it came from. */
  parts: { name: string; text: string; helmSource?: string }[];
}

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

/** Lists kustomize merges item by item (strategic merge keys); any other list is replaced whole. */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  env: "name",
  ports: "containerPort",
};

/**
 * The overlay that turns rendered input (`helm template`, `kustomize build`) into what `fix` would have
 * written: a strategic-merge patch per changed object, holding only what changed (containers by name;
 * `command` and `args` as whole lists, as strategic merge replaces them), and every object the fix adds
 * (ConfigMaps, PodDisruptionBudgets) as a resource. Computed from the input before and after the fix
 * loop, so every pass's edits are in it.
 *
 * @example
 *   const overlay = renderedOverlay(stdinText, fixedText, (o) => helmSources.get(o));
 *   // overlay.files["kustomization.yaml"]: resources: [rendered.yaml, new-…], patches: [{path: patch-…}]
 */
export function renderedOverlay(
  before: string,
  after: string,
  helmSourceOf: (object: KubeObject) => string | undefined,
): Overlay {
  const original = objects(before);
  const fixed = objects(after);
  const parts: Overlay["parts"] = [];
  const patches: string[] = [];
  const resources = ["rendered.yaml"];
  for (const object of fixed) {
    const was = original.find((o) => sameObject(o, object));
    const name = `${(object.kind ?? "object").toLowerCase()}-${object.metadata?.name ?? "unnamed"}.yaml`;
    const helmSource = was ? helmSourceOf(was) : undefined;
    if (!was) {
      resources.push(`new-${name}`);
      parts.push({ name: `new-${name}`, text: stringify(object, { indent: 2, lineWidth: 0 }) });
      continue;
    }
    const changed = difference(was, object);
    if (changed === undefined) continue;
    const patch = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata?.name,
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      },
      ...(changed as object),
    };
    delete (patch as Record<string, unknown>).status;
    patches.push(`patch-${name}`);
    parts.push({
      name: `patch-${name}`,
      text: stringify(patch, { indent: 2, lineWidth: 0 }),
      ...(helmSource ? { helmSource } : {}),
    });
  }
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources,
    ...(patches.length > 0 ? { patches: patches.map((path) => ({ path })) } : {}),
  };
  const files: Record<string, string> = {
    "kustomization.yaml": stringify(kustomization, { indent: 2 }),
    "rendered.yaml": before,
  };
  for (const part of parts)
    files[part.name] = `${part.helmSource ? `# Source: ${part.helmSource}\n` : ""}${part.text}`;
  return { files, parts };
}

function objects(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const value = doc.toJS() as KubeObject | null;
    if (!value || typeof value !== "object") continue;
    if (value.kind === "List" && Array.isArray(value.items)) out.push(...(value.items as KubeObject[]));
    else if (value.kind) out.push(value);
  }
  return out;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return (
    a.kind === b.kind &&
    a.metadata?.name === b.metadata?.name &&
    (a.metadata?.namespace ?? "default") === (b.metadata?.namespace ?? "default")
  );
}

/**
 * What `after` changes of `before`, as a strategic-merge patch body: changed keys of maps, recursively;
 * merge-keyed lists item by item (each changed item with its key); other changed lists whole.
 */
function difference(before: unknown, after: unknown, key?: string): unknown {
  if (isDeepStrictEqual(before, after)) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) {
    const mergeKey = key ? MERGE_KEYS[key] : undefined;
    if (!mergeKey) return after;
    const items: unknown[] = [];
    for (const item of after as Record<string, unknown>[]) {
      const was = (before as Record<string, unknown>[]).find((b) => b?.[mergeKey] === item?.[mergeKey]);
      if (!was) items.push(item);
      else {
        const changed = difference(was, item);
        if (changed !== undefined) items.push({ [mergeKey]: item[mergeKey], ...(changed as object) });
      }
    }
    return items.length > 0 ? items : undefined;
  }
  if (isMap(before) && isMap(after)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(after)) {
      const changed = difference(before[k], v, k);
      if (changed !== undefined) out[k] = changed;
    }
    // A key the fix removed (a preStop `exec` replaced by `sleep`): null deletes it in a strategic merge.
    for (const k of Object.keys(before)) if (!(k in after)) out[k] = null;
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return after;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
