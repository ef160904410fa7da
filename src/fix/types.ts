/**
 * Fixes are data. Rules attach edits to their findings; only the fix engine (`engine.ts`) touches files.
 * A manifest edit addresses a node by document and key path, so the same edit applies to YAML text (with
 * every other byte kept) and to a plain object (the admission webhook's JSONPatch).
 */
export type Edit = ManifestEdit | TextEdit | AppendDocumentEdit;

export interface ManifestEdit {
  kind: "manifest";
  file: string;
  documentIndex: number;
  /** Key path from the document's root; missing maps on the way are created. */
  path: (string | number)[];
  /** `set` replaces (or creates) the value at `path`; `append` adds an item to the sequence at `path`. */
  op: "set" | "append";
  value: unknown;
}

/** Replaces whole lines of a Dockerfile or config file (1-based `line`; `deleteLines` may be 0 to insert). */
export interface TextEdit {
  kind: "text";
  file: string;
  line: number;
  deleteLines: number;
  insertLines: string[];
}

/** Adds a new document (a ConfigMap, a PodDisruptionBudget) at the end of a manifest file. */
export interface AppendDocumentEdit {
  kind: "append-document";
  file: string;
  value: Record<string, unknown>;
}

/** A finding's fix: what it does in words, and its edits (applied all or none). */
export interface Fix {
  description: string;
  edits: Edit[];
}
