import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type AppOptions, type AppRequest, ClientGone, createWebhookApp, type WebhookApp } from "./app.js";
import { type CertificateWatch, readKeyPair, watchKeyPair } from "./certificates.js";
import { WEBHOOK_DEFAULTS } from "./defaults.js";
import type { WebhookMetrics } from "./metrics.js";
import { cpuLimit, workerThreadsFor } from "./pool.js";
import type { ReviewConfig } from "./review.js";

/** The API server's own limit on a request body is about 3 MB (etcd's 1.5 MiB object, JSON, base64). */
export const DEFAULT_MAX_BODY_BYTES = WEBHOOK_DEFAULTS.maxBodyBytes;

export interface WebhookServerOptions {
  certFile: string;
  keyFile: string;
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  review: Omit<ReviewConfig, "cache">;
  maxBodyBytes?: number;
  /** A client must have sent its whole request within this time, or gets 408 (slow clients). */
  requestTimeoutMs?: number;
  /** On shutdown, how long in-flight reviews may take before their connections are closed anyway. */
  drainTimeoutMs?: number;
  /** How often Node checks requests against `requestTimeoutMs`. */
  timeoutCheckMs?: number;
  reloadDebounceMs?: number;
  reloadPollMs?: number;
  /** Bytes of answers kept by object digest (pods of one ReplicaSet are identical); 0 turns the cache off. */
  cacheBytes?: number;
  /** Open connections at most; more are closed at once (Node's `maxConnections`). */
  maxConnections?: number;
  /** A TLS handshake not done within this is dropped (Node's default is 120 s). */
  handshakeTimeoutMs?: number;
  /** Worker threads for large reviews; default: the CPU limit less one for the event loop, at least 1. */
  threads?: number;
  reviewTimeoutMs?: number;
  inlineMaxBytes?: number;
  inlineMaxContainers?: number;
  maxQueuedReviews?: number;
  /** One structured log entry (a JSON line on stdout unless replaced). */
  log?: (entry: Record<string, unknown>) => void;
}

export interface WebhookServer {
  readonly port: number;
  readonly metrics: WebhookMetrics;
  readonly app: WebhookApp;
  /**
   * Graceful stop: `/readyz` answers 503 at once, the listener closes, in-flight requests finish (each
   * answer says `Connection: close`), and after `drainTimeoutMs` the connections left are closed.
   */
  shutdown(reason?: string): Promise<{ drained: boolean; abandoned: number }>;
}

export function jsonLogLine(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

/**
 * Starts the admission webhook (`app.ts`) on HTTPS. This adapter owns what needs sockets: TLS (the pair
 * checked before use and re-read when its files change, cert-manager rotation), the connection cap and
 * the handshake, header and body timeouts, and the graceful drain on shutdown.
 *
 * @example
 *   const server = await startWebhookServer({ certFile, keyFile, port: 8443, host: "0.0.0.0",
 *     review: { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "none" } });
 *   process.once("SIGTERM", () => server.shutdown("SIGTERM").then(() => process.exit(0)));
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.log ?? jsonLogLine;
  // Checked before anything starts: a mismatched pair is the operator's to fix, said at once.
  const initial = await readKeyPair(options.certFile, options.keyFile);
  const appOptions: AppOptions = {
    review: options.review,
    threads: options.threads ?? workerThreadsFor(cpuLimit()),
    log,
    ...pick(options, [
      "maxBodyBytes",
      "cacheBytes",
      "inlineMaxBytes",
      "inlineMaxContainers",
      "maxQueuedReviews",
      "reviewTimeoutMs",
    ]),
  };
  const app = createWebhookApp(appOptions);
  const { metrics } = app;
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const timedOut = new WeakSet<object>();
  const active = new Set<ServerResponse>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    metrics.inFlight = inFlight;
    active.add(response);
    // Keep-alive connections outlive the listener: once shutting down, each answer closes its connection.
    if (shuttingDown) response.setHeader("Connection", "close");
    const appRequest: AppRequest = {
      method: request.method ?? "",
      path: (request.url ?? "/").split("?")[0] ?? "/",
      headers: request.headers,
      readBody: (limit) =>
        readBody(request, limit).catch(() => {
          // Node answered 408 itself for a slow client (see `clientError`); else the client went away.
          throw new ClientGone(timedOut.has(request.socket) ? 408 : 499);
        }),
    };
    try {
      const answer = await app.handle(appRequest);
      if (request.socket.destroyed || response.writableEnded || response.headersSent) return;
      if (answer.close) response.setHeader("Connection", "close");
      for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
      response.setHeader("Content-Length", Buffer.byteLength(answer.body));
      response.writeHead(answer.status);
      response.end(answer.body);
    } catch (error) {
      log({ level: "error", msg: "request failed", error: String(error), stack: (error as Error).stack });
      response.destroy();
    } finally {
      inFlight--;
      metrics.inFlight = inFlight;
      active.delete(response);
      if (inFlight === 0) drained?.();
    }
  };

  const requestTimeoutMs = options.requestTimeoutMs ?? WEBHOOK_DEFAULTS.requestTimeoutSeconds * 1000;
  const server: Server = createServer(
    {
      ...initial,
      minVersion: "TLSv1.2",
      handshakeTimeout: options.handshakeTimeoutMs ?? WEBHOOK_DEFAULTS.handshakeTimeoutSeconds * 1000,
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      connectionsCheckingInterval: options.timeoutCheckMs ?? 1000,
    },
    (request, response) => void handle(request, response),
  );
  server.maxConnections = options.maxConnections ?? WEBHOOK_DEFAULTS.maxConnections;
  server.on("drop", () => metrics.countDroppedConnection());
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
    debounceMs: options.reloadDebounceMs ?? WEBHOOK_DEFAULTS.reloadDebounceMs,
    pollMs: options.reloadPollMs ?? WEBHOOK_DEFAULTS.reloadPollSeconds * 1000,
    onReload: (pair) => {
      server.setSecureContext({ ...pair, minVersion: "TLSv1.2" });
      metrics.countReload("ok");
      log({ level: "info", msg: "certificate reloaded", certFile: options.certFile });
    },
    onError: (error) => {
      metrics.countReload("error");
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
    await app.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log({ level: "info", msg: "listening", host: options.host, port, workerThreads: appOptions.threads });

  let stopping: Promise<{ drained: boolean; abandoned: number }> | undefined;
  const shutdown = (reason = "shutdown") => {
    stopping ??= (async () => {
      shuttingDown = true;
      app.stopAccepting();
      for (const response of active) if (!response.headersSent) response.setHeader("Connection", "close");
      log({ level: "info", msg: "shutting down: not ready, draining", reason, inFlight });
      watch.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Node >= 19 closes idle keep-alive connections in close(); older ones need telling.
      server.closeIdleConnections();
      const drainTimeoutMs = options.drainTimeoutMs ?? WEBHOOK_DEFAULTS.drainSeconds * 1000;
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
      await app.close();
      log({ level: "info", msg: allDone ? "drained" : "drain timed out", abandoned });
      return { drained: allDone, abandoned };
    })();
    return stopping;
  };

  return { port, metrics, app, shutdown };
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
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
