import { WEBHOOK_DEFAULTS } from "./defaults.js";
import { type ReviewMetricOutcome, WebhookMetrics } from "./metrics.js";
import type { ReviewConfig, ReviewMode, ReviewOutcome } from "./review.js";
import { createReviewer, type Reviewer } from "./reviewer.js";

/** One HTTP request as the app sees it: no socket, the body read on demand by the server adapter. */
export interface AppRequest {
  method: string;
  /** The path without its query. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body, or undefined once it passes `limit` bytes. Rejects with a `ClientGone` when the client goes
   * away or is too slow.
   */
  readBody(limit: number): Promise<Buffer | undefined>;
}

/** The client went away (499) or did not send its request in time (408): there is nobody to answer. */
export class ClientGone extends Error {
  constructor(readonly status: 408 | 499) {
    super(status === 408 ? "request timeout" : "client closed the request");
  }
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Close the connection after this answer (the rest of a too-large body is not read). */
  close?: boolean;
}

export interface AppOptions {
  review: Omit<ReviewConfig, "cache">;
  maxBodyBytes?: number;
  cacheBytes?: number;
  inlineMaxBytes?: number;
  inlineMaxContainers?: number;
  /** Worker threads for large reviews; 0 reviews everything on the calling thread. */
  threads: number;
  maxQueuedReviews?: number;
  reviewTimeoutMs?: number;
  /** One structured log entry. */
  log: (entry: Record<string, unknown>) => void;
}

/** The webhook as a function from request to answer; `server.ts` puts it behind HTTPS. */
export interface WebhookApp {
  handle(request: AppRequest): Promise<AppResponse>;
  readonly metrics: WebhookMetrics;
  readonly reviewer: Reviewer;
  /** From now on `/readyz` answers 503. */
  stopAccepting(): void;
  close(): Promise<void>;
}

type Note = Record<string, unknown>;
type Answer = { response: AppResponse; note: Note };

const json = (status: number, body: unknown, close = false): AppResponse => ({
  status,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
  ...(close ? { close } : {}),
});
const text = (status: number, body: string, type = "text/plain; charset=utf-8"): AppResponse => ({
  status,
  headers: { "Content-Type": type },
  body,
});
/** A clear 4xx: `{"error": "..."}`, never a stack. */
const refuse = (status: number, message: string, note: Note = {}, close = false): Answer => ({
  response: json(status, { error: message }, close),
  note: { ...note, error: message },
});

function outcomeLabel(outcome: ReviewOutcome): ReviewMetricOutcome {
  if ("refusal" in outcome) return "refused";
  return outcome.summary.failure ?? (outcome.summary.skipped ? "skipped" : "reviewed");
}

/**
 * The webhook's routes as a pure request → answer function (Hono's model: the server is an adapter, the
 * app is tested in-process): `POST /mutate`, `POST /validate`, `GET /healthz` and `/livez`, `/readyz`,
 * `/metrics`. Each request is counted and logged here.
 *
 * @example
 *   const app = createWebhookApp({ review: { assumptions, denyOn: "none" }, threads: 0, log: () => {} });
 *   const answer = await app.handle({ method: "GET", path: "/readyz", headers: {}, readBody: async () => undefined });
 */
export function createWebhookApp(options: AppOptions): WebhookApp {
  const maxBodyBytes = options.maxBodyBytes ?? WEBHOOK_DEFAULTS.maxBodyBytes;
  const metrics = new WebhookMetrics();
  const reviewer = createReviewer({
    config: options.review,
    cacheBytes: options.cacheBytes ?? WEBHOOK_DEFAULTS.cacheBytes,
    inlineMaxBytes: options.inlineMaxBytes ?? WEBHOOK_DEFAULTS.inlineMaxBytes,
    inlineMaxContainers: options.inlineMaxContainers ?? WEBHOOK_DEFAULTS.inlineMaxContainers,
    threads: options.threads,
    maxQueued: options.maxQueuedReviews ?? WEBHOOK_DEFAULTS.maxQueuedReviews,
    reviewTimeoutMs: options.reviewTimeoutMs ?? WEBHOOK_DEFAULTS.reviewTimeoutSeconds * 1000,
  });
  const cache = reviewer.cache;
  if (cache)
    metrics.cacheStats = () => ({
      hits: cache.hits,
      misses: cache.misses,
      size: cache.size,
      bytes: cache.bytes,
    });
  let accepting = true;

  const reviewRoute = async (mode: ReviewMode, request: AppRequest): Promise<Answer> => {
    const header = request.headers["content-type"];
    const type = (typeof header === "string" ? header : "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return refuse(415, `expected Content-Type application/json, got ${type || "none"}`);
    const tooLarge = () => refuse(413, `the body is larger than ${maxBodyBytes} bytes`, {}, true);
    if (Number(request.headers["content-length"] ?? Number.NaN) > maxBodyBytes) return tooLarge();
    const body = await request.readBody(maxBodyBytes);
    if (body === undefined) return tooLarge();
    const outcome = await reviewer.review(body.toString("utf8"), mode);
    const { summary } = outcome;
    const label = outcomeLabel(outcome);
    metrics.countReview(mode, summary.kind, label, {
      patched: summary.patchOperations > 0,
      denied: summary.denied,
    });
    if (label === "error" || label === "timeout" || label === "busy")
      options.log({ level: "error", msg: "review not done", mode, failure: label, uid: summary.uid });
    if ("refusal" in outcome) return refuse(outcome.refusal.httpStatus, outcome.refusal.message, { mode });
    return { response: json(200, outcome.answer), note: { mode, ...summary } };
  };

  const health = (): Answer => ({ response: text(200, "ok\n"), note: {} });
  const routes: Record<
    string,
    { methods: readonly string[]; serve(r: AppRequest): Promise<Answer> | Answer }
  > = {
    "/mutate": { methods: ["POST"], serve: (r) => reviewRoute("mutate", r) },
    "/validate": { methods: ["POST"], serve: (r) => reviewRoute("validate", r) },
    "/healthz": { methods: ["GET", "HEAD"], serve: health },
    "/livez": { methods: ["GET", "HEAD"], serve: health },
    "/readyz": {
      methods: ["GET", "HEAD"],
      serve: () => ({ response: accepting ? text(200, "ok\n") : text(503, "shutting down\n"), note: {} }),
    },
    "/metrics": {
      methods: ["GET"],
      serve: async () => ({ response: text(200, await metrics.render(), metrics.contentType), note: {} }),
    },
  };

  const handle = async (request: AppRequest): Promise<AppResponse> => {
    const started = performance.now();
    const { path } = request;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    let answer: Answer;
    try {
      if (!route) answer = refuse(404, `no such path: ${path}`);
      else if (!route.methods.includes(request.method)) {
        answer = refuse(405, `${request.method} is not allowed on ${path}`);
        answer.response.headers.Allow = route.methods.join(", ");
      } else answer = await route.serve(request);
    } catch (error) {
      if (error instanceof ClientGone) answer = refuse(error.status, error.message);
      else {
        options.log({
          level: "error",
          msg: "request failed",
          path,
          error: String(error),
          stack: (error as Error).stack,
        });
        answer = refuse(500, "internal error");
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const status = answer.response.status;
    metrics.countRequest(route ? path : "other", status, seconds);
    if (route && (path === "/mutate" || path === "/validate"))
      options.log({
        level: "info",
        msg: "request",
        method: request.method,
        path,
        status,
        durationMs: Math.round(seconds * 100_000) / 100,
        ...answer.note,
      });
    else if (!route || status >= 400)
      options.log({
        level: "info",
        msg: "request",
        method: request.method,
        path: path.slice(0, 200),
        status,
      });
    return answer.response;
  };

  return {
    handle,
    metrics,
    reviewer,
    stopAccepting() {
      accepting = false;
      metrics.ready = false;
    },
    close: () => reviewer.close(),
  };
}
