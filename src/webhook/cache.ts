import type { AdmissionResponse } from "./admission.js";

/** A review's answer without its uid, and what the log and metrics need from it. */
export interface CachedReview {
  response: Omit<AdmissionResponse, "uid">;
  findings: number;
  patchOperations: number;
  denied: boolean;
}

/** Bytes a Map entry, its key string and the answer's object costs beyond its text (measured, rounded up). */
const ENTRY_OVERHEAD_BYTES = 256;

/** What an entry holds in memory, about: its key, its patch and warnings as text (UTF-16), and overhead. */
export function entryBytes(key: string, value: CachedReview): number {
  const { response } = value;
  let chars = key.length + (response.patch?.length ?? 0) + (response.status?.message.length ?? 0);
  for (const warning of response.warnings ?? []) chars += warning.length;
  return ENTRY_OVERHEAD_BYTES + 2 * chars;
}

/**
 * Answers already computed, by a digest of the text `check` read (plus mode, kind and name). Pods of one
 * ReplicaSet reach the webhook with identical specs (only the API server names them, after admission),
 * and a rollout creates them by the dozen: each review after the first is a lookup. Least recently used
 * entries go first. The bound is in bytes, not entries: an answer's patch grows with its object, and 600
 * distinct 245 KB objects grew a cache of 1,000 entries to 1.6 GB (issue 16). An answer larger than the whole
 * budget is not kept at all.
 *
 * @example
 *   const config = { assumptions, denyOn: "none", cache: new ReviewCache(16 * 1024 * 1024) };
 */
export class ReviewCache {
  private readonly entries = new Map<string, { value: CachedReview; bytes: number }>();
  hits = 0;
  misses = 0;
  /** Bytes held now (see `entryBytes`). */
  bytes = 0;
  constructor(readonly capacityBytes = 16 * 1024 * 1024) {}

  get(key: string): CachedReview | undefined {
    const found = this.entries.get(key);
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, found);
    return found.value;
  }

  set(key: string, value: CachedReview): void {
    this.remove(key);
    const bytes = entryBytes(key, value);
    if (bytes > this.capacityBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.bytes > this.capacityBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
