import type { AdmissionResponse } from "./admission.js";

/** A review's answer without its uid, and what the log and metrics need from it. */
export interface CachedReview {
  response: Omit<AdmissionResponse, "uid">;
  findings: number;
  patchOperations: number;
  denied: boolean;
}

/**
 * Answers already computed, by the exact text `check` read (plus mode, kind and name). Pods of one
 * ReplicaSet reach the webhook with identical specs (only the API server names them, after admission),
 * and a rollout creates them by the dozen: each review after the first is a lookup. Least recently used
 * entries go first; the bound keeps memory flat whatever the cluster sends.
 *
 * @example
 *   const config = { assumptions, denyOn: "never", cache: new ReviewCache(1000) };
 */
export class ReviewCache {
  private readonly entries = new Map<string, CachedReview>();
  hits = 0;
  misses = 0;
  constructor(readonly capacity = 1000) {}

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
    return found;
  }

  set(key: string, value: CachedReview): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
