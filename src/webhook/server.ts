import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ReviewCache } from "./cache.js";
import { type CertificateWatch, readKeyPair, watchKeyPair } from "./certificates.js";
import { WebhookMetrics } from "./metrics.js";
import { type ReviewConfig, type ReviewMode, type ReviewOutcome, review } from "./review.js";

/** The API server's own limit on a request body is about 3 MB (etcd's 1.5 MiB object, JSON, base64). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookServerOptions {
  certFile: string;
  keyFile: string;
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  review: ReviewConfig;
  maxBodyBytes?: number;
  /** A client must have sent its whole request within this time, or gets 408 (slow clients). */
  requestTimeoutMs?: number;
  /** On shutdown, how long in-flight reviews may take before their connections are closed anyway. */
  drainTimeoutMs?: number;
  /** How often Node checks requests against `requestTimeoutMs`. */
  timeoutCheckMs?: number;
  reloadDebounceMs?: number;
  reloadPollMs?: number;
  /** Answers kept by object text (pods of one ReplicaSet are identical); 0 turns the cache off. */
  cacheEntries?: number;
  /** One structured log entry (a JSON line on stdout unless replaced). */
  log?: (entry: Record<string, unknown>) => void;
}

export interface WebhookServer {
  readonly port: number;
  readonly metrics: WebhookMetrics;
  /**
   * Graceful stop: `/readyz` answers 503 at once, the listener closes, in-flight requests finish (each
   * answer says `Connection: close`), and after `drainTimeoutMs` the connections left are closed.
   */
  shutdown(reason?: string): Promise<{ drained: boolean; abandoned: number }>;
}

interface Route {
  methods: readonly string[];
  serve(request: IncomingMessage, response: ServerResponse): Promise<RequestNote> | RequestNote;
}

/** What the log line and metrics say about a request beyond its path and status. */
type RequestNote = Record<string, unknown>;

export function jsonLogLine(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

/**
 * Starts the admission webhook on HTTPS: `POST /mutate`, `POST /validate`, `GET /healthz`, `/readyz`,
 * `/metrics`. The certificate and key are re-read when their files change (cert-manager rotation).
 *
 * @example
 *   const server = await startWebhookServer({ certFile, keyFile, port: 8443, host: "0.0.0.0",
 *     review: { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "never" } });
 *   process.once("SIGTERM", () => server.shutdown("SIGTERM").then(() => process.exit(0)));
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.log ?? jsonLogLine;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const metrics = new WebhookMetrics();
  const cache = new ReviewCache(options.cacheEntries ?? 1000);
  const reviewConfig = { ...options.review, cache: options.cacheEntries === 0 ? undefined : cache };
  metrics.cacheStats = () => ({ hits: cache.hits, misses: cache.misses, size: cache.size });
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const timedOut = new WeakSet<object>();
  const active = new Set<ServerResponse>();

  const reviewRoute =
    (mode: ReviewMode): Route["serve"] =>
    async (request, response) => {
      const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if (type !== "application/json")
        return refuse(response, 415, `expected Content-Type application/json, got ${type || "none"}`);
      const declared = Number(request.headers["content-length"] ?? Number.NaN);
      if (declared > maxBodyBytes) return tooLarge(response, maxBodyBytes);
      const body = await readBody(request, maxBodyBytes);
      if (body === undefined) return tooLarge(response, maxBodyBytes);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (error) {
        return refuse(response, 400, `the body is not JSON: ${(error as Error).message}`);
      }
      let outcome: ReviewOutcome;
      try {
        outcome = review(parsed, mode, reviewConfig);
      } catch (error) {
        // A bug of ours must not block the cluster's deploys: allow, say so, and log the stack for us.
        const uid = (parsed as { request?: { uid?: unknown } }).request?.uid;
        log({
          level: "error",
          msg: "review failed",
          mode,
          error: String(error),
          stack: (error as Error).stack,
        });
        metrics.reviews.inc({ mode, kind: "unknown", outcome: "error" });
        sendJson(response, 200, {
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          response: {
            uid: typeof uid === "string" ? uid : "",
            allowed: true,
            status: { code: 200, message: "fpm-graceful: internal error, object not reviewed" },
          },
        });
        return { mode, error: String(error) };
      }
      const kind = outcome.summary.kind || "unknown";
      if ("refusal" in outcome) {
        metrics.reviews.inc({ mode, kind, outcome: "refused" });
        return refuse(response, outcome.refusal.httpStatus, outcome.refusal.message, { mode });
      }
      metrics.reviews.inc({ mode, kind, outcome: outcome.summary.skipped ? "skipped" : "reviewed" });
      if (outcome.summary.patchOperations > 0) metrics.patches.inc({ kind });
      if (outcome.summary.denied) metrics.denials.inc({ kind });
      sendJson(response, 200, outcome.answer);
      return { mode, ...outcome.summary };
    };

  const routes: Record<string, Route> = {
    "/mutate": { methods: ["POST"], serve: reviewRoute("mutate") },
    "/validate": { methods: ["POST"], serve: reviewRoute("validate") },
    "/healthz": { methods: ["GET", "HEAD"], serve: (_q, r) => sendText(r, 200, "ok\n") },
    "/readyz": {
      methods: ["GET", "HEAD"],
      serve: (_q, r) => (shuttingDown ? sendText(r, 503, "shutting down\n") : sendText(r, 200, "ok\n")),
    },
    "/metrics": {
      methods: ["GET"],
      serve: (_q, r) => sendText(r, 200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8"),
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const route = routes[path];
    inFlight++;
    metrics.inFlight = inFlight;
    active.add(response);
    // Keep-alive connections outlive the listener: once shutting down, each answer closes its connection.
    if (shuttingDown) response.setHeader("Connection", "close");
    let note: RequestNote = {};
    try {
      if (!route) note = refuse(response, 404, `no such path: ${path}`);
      else if (!route.methods.includes(request.method ?? "")) {
        response.setHeader("Allow", route.methods.join(", "));
        note = refuse(response, 405, `${request.method} is not allowed on ${path}`);
      } else note = await route.serve(request, response);
    } catch (error) {
      if (request.destroyed || request.socket.destroyed) {
        // The client went away or was too slow (Node answered 408 itself, see `clientError`).
        response.statusCode = timedOut.has(request.socket) ? 408 : 499;
        note = { error: response.statusCode === 408 ? "request timeout" : "client closed the request" };
      } else {
        log({
          level: "error",
          msg: "request failed",
          path,
          error: String(error),
          stack: (error as Error).stack,
        });
        if (!response.headersSent) note = refuse(response, 500, "internal error");
        else response.destroy();
      }
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const label = route ? path : "other";
      metrics.requests.inc({ path: label, code: String(response.statusCode) });
      metrics.latency.observe({ path: label }, seconds);
      inFlight--;
      metrics.inFlight = inFlight;
      active.delete(response);
      if (route && path !== "/metrics" && path !== "/healthz" && path !== "/readyz")
        log({
          level: "info",
          msg: "request",
          method: request.method,
          path,
          status: response.statusCode,
          durationMs: Math.round(seconds * 100_000) / 100,
          ...note,
        });
      else if (!route || response.statusCode >= 400)
        log({ level: "info", msg: "request", method: request.method, path, status: response.statusCode });
      if (inFlight === 0) drained?.();
    }
  };

  const initial = await readKeyPair(options.certFile, options.keyFile);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const server: Server = createServer(
    {
      ...initial,
      minVersion: "TLSv1.2",
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      connectionsCheckingInterval: options.timeoutCheckMs ?? 1000,
    },
    (request, response) => void handle(request, response),
  );
  // Requests not complete within `requestTimeout` (slow clients) and malformed HTTP end here.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const timeout = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    if (timeout) timedOut.add(socket);
    if (error.code !== "ECONNRESET" && socket.writable) {
      const status = timeout ? 408 : 400;
      const body = JSON.stringify({
        error: timeout ? "request timeout: the request was not sent in time" : "bad request",
      });
      socket.end(
        `HTTP/1.1 ${status} ${timeout ? "Request Timeout" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      log({ level: "info", msg: "client error", status, error: error.code ?? error.message });
      // end() flushes the answer through TLS first; a client that never reads must not keep the socket.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.destroy();
  });
  server.on("tlsClientError", (error) =>
    log({ level: "debug", msg: "TLS handshake failed", error: String(error) }),
  );
  const watch: CertificateWatch = watchKeyPair({
    certFile: options.certFile,
    keyFile: options.keyFile,
    initial,
    debounceMs: options.reloadDebounceMs ?? 250,
    pollMs: options.reloadPollMs ?? 60_000,
    onReload: (pair) => {
      server.setSecureContext({ ...pair, minVersion: "TLSv1.2" });
      metrics.certificateReloads.inc({ result: "ok" });
      log({ level: "info", msg: "certificate reloaded", certFile: options.certFile });
    },
    onError: (error) => {
      metrics.certificateReloads.inc({ result: "error" });
      log({ level: "warn", msg: "certificate not reloaded, keeping the previous one", error: error.message });
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    watch.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log({ level: "info", msg: "listening", host: options.host, port });

  let stopping: Promise<{ drained: boolean; abandoned: number }> | undefined;
  const shutdown = (reason = "shutdown") => {
    stopping ??= (async () => {
      shuttingDown = true;
      metrics.ready = false;
      for (const response of active) if (!response.headersSent) response.setHeader("Connection", "close");
      log({ level: "info", msg: "shutting down: not ready, draining", reason, inFlight });
      watch.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Node >= 19 closes idle keep-alive connections in close(); older ones need telling.
      server.closeIdleConnections();
      const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const allDone =
        inFlight === 0
          ? true
          : await Promise.race([
              new Promise<boolean>((resolve) => {
                drained = () => resolve(true);
              }),
              new Promise<boolean>((resolve) => {
                timer = setTimeout(() => resolve(false), drainTimeoutMs);
              }),
            ]);
      clearTimeout(timer);
      const abandoned = inFlight;
      server.closeAllConnections();
      await closed;
      log({ level: "info", msg: allDone ? "drained" : "drain timed out", abandoned });
      return { drained: allDone, abandoned };
    })();
    return stopping;
  };

  return { port, metrics, shutdown };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  response.end(text);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  type = "text/plain; charset=utf-8",
): RequestNote {
  response.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  response.end(text);
  return {};
}

/** A clear 4xx: `{"error": "..."}`, never a stack. */
function refuse(
  response: ServerResponse,
  status: number,
  message: string,
  note: RequestNote = {},
): RequestNote {
  sendJson(response, status, { error: message });
  return { ...note, error: message };
}

function tooLarge(response: ServerResponse, limit: number): RequestNote {
  // The rest of the body is not read: close the connection rather than leave it to be drained.
  response.setHeader("Connection", "close");
  return refuse(response, 413, `the body is larger than ${limit} bytes`);
}

/** The body, or undefined once it grows past the limit (a chunked body has no length to check first). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData);
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
    request.once("aborted", () => reject(new Error("the client went away")));
  });
}
