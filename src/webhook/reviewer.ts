import { bytesOverBudget, containerCount } from "./budget.js";
import { ReviewCache } from "./cache.js";
import { PoolFailure, ReviewPool } from "./pool.js";
import { failureOutcome, type ReviewConfig, type ReviewMode, type ReviewOutcome, review } from "./review.js";

export interface ReviewerOptions {
  /** Assumptions, deny and failure policy, budget (the cache is made here). */
  config: Omit<ReviewConfig, "cache">;
  /** Bytes of cached answers; 0 turns the cache off. */
  cacheBytes: number;
  /** Bodies up to this size with up to `inlineMaxContainers` containers are reviewed on the event loop. */
  inlineMaxBytes: number;
  inlineMaxContainers: number;
  /** Worker threads for the rest (`pool.ts`); 0 reviews everything inline (tests of the pure app). */
  threads: number;
  maxQueued: number;
  reviewTimeoutMs: number;
}

/** Reviews one body, wherever it is cheapest to: never throws, every failure is an answer. */
export interface Reviewer {
  review(text: string, mode: ReviewMode): Promise<ReviewOutcome>;
  readonly cache: ReviewCache | undefined;
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * The request's uid without parsing the whole body: the API server (Go's encoding/json over
 * `AdmissionReview`) writes `"request":{"uid":"…"` near the start. Anything else is parsed in full (only on
 * failure paths: over the budget, timed out, busy).
 */
export function uidOf(text: string): string {
  const head = /"request"\s*:\s*\{\s*"uid"\s*:\s*"([^"\\]{1,128})"/.exec(text.slice(0, 4096));
  if (head?.[1]) return head[1];
  try {
    const uid = (JSON.parse(text) as { request?: { uid?: unknown } }).request?.uid;
    return typeof uid === "string" ? uid : "";
  } catch {
    return "";
  }
}

/**
 * Small reviews (the pods and Deployments a cluster really sends: a few KB, a few containers) run inline,
 * with the answer cache: a worker hand-off would cost more than the review. Bodies over the budget are
 * answered at once; everything else goes to the worker pool, so one large object cannot hold up probes and
 * small reviews.
 *
 * @example
 *   const reviewer = createReviewer({ config, cacheBytes: 16 << 20, inlineMaxBytes: 65536,
 *     inlineMaxContainers: 16, threads: 1, maxQueued: 16, reviewTimeoutMs: 2000 });
 *   const outcome = await reviewer.review(bodyText, "validate");
 */
export function createReviewer(options: ReviewerOptions): Reviewer {
  const cache = options.cacheBytes > 0 ? new ReviewCache(options.cacheBytes) : undefined;
  const inlineConfig: ReviewConfig = { ...options.config, ...(cache ? { cache } : {}) };
  const pool =
    options.threads > 0
      ? new ReviewPool({
          config: options.config,
          threads: options.threads,
          maxQueued: options.maxQueued,
          timeoutMs: options.reviewTimeoutMs,
        })
      : undefined;
  const onError = options.config.onError;
  const fail = (text: string, mode: ReviewMode, failure: PoolFailure["failure"] | "budget", why: string) =>
    failureOutcome(uidOf(text), mode, onError, failure, why);
  const inline = (body: unknown, mode: ReviewMode, bytes: number): ReviewOutcome => {
    try {
      return review(body, mode, inlineConfig, bytes);
    } catch (error) {
      const uid = (body as { request?: { uid?: unknown } }).request?.uid;
      return failureOutcome(typeof uid === "string" ? uid : "", mode, onError, "error", String(error));
    }
  };
  return {
    cache,
    threads: options.threads,
    async review(text, mode) {
      const bytes = Buffer.byteLength(text);
      const tooLarge = options.config.budget && bytesOverBudget(bytes, options.config.budget);
      if (tooLarge) return fail(text, mode, "budget", tooLarge);
      if (bytes <= options.inlineMaxBytes || !pool) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (error) {
          return {
            refusal: { httpStatus: 400, message: `the body is not JSON: ${(error as Error).message}` },
            summary: { findings: 0, patchOperations: 0, denied: false },
          };
        }
        const object = (body as { request?: { object?: unknown } } | null)?.request?.object;
        const containers =
          typeof object === "object" && object !== null
            ? containerCount(object as Record<string, unknown>)
            : 0;
        if (!pool || containers <= options.inlineMaxContainers) return inline(body, mode, bytes);
      }
      try {
        return await pool.review(text, mode);
      } catch (error) {
        if (error instanceof PoolFailure) return fail(text, mode, error.failure, error.message);
        return fail(text, mode, "error", String(error));
      }
    },
    async close() {
      await pool?.close();
    },
  };
}
