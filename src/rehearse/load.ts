/**
 * An open-model load generator: requests are launched on a fixed schedule (`rps`), whether or not earlier
 * ones have finished, so a stalled server cannot hide failures behind back-pressure. The mix of short and
 * long requests is stratified (every window of requests holds its share of long ones); connection mode
 * (keep-alive pool or a fresh connection) and method (GET/POST) are drawn from a seeded generator. Every
 * request is recorded with its start, end, pod, and outcome.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import type { Recorder } from "./events.js";

export interface MixEntry {
  /** Share of requests, 0..1. */
  share: number;
  /** Wall-clock milliseconds the app runs for. */
  ms: number;
}

export interface LoadOptions {
  /** `http://127.0.0.1:PORT`: the ingress Service. */
  origin: string;
  rps: number;
  mix: MixEntry[];
  /** Share of requests sent on the keep-alive pool (the rest on fresh connections). Default 0.5. */
  keepAliveShare?: number;
  /** Share of POST requests. Default 0.2. */
  postShare?: number;
  keepAliveConnections?: number;
  /** A request not answered after this is recorded as a timeout. */
  timeoutMs: number;
  recorder: Recorder;
  seed?: number;
  /** The app's path (default `/`): `/index.php` where the user's nginx config routes only `*.php`. */
  path?: string;
}

export interface RequestRecord {
  id: string;
  /** Seconds since the rehearsal's origin. */
  start: number;
  end: number | undefined;
  /** Requested duration in ms. */
  ms: number;
  mode: "keep-alive" | "fresh";
  method: "GET" | "POST";
  status: number | undefined;
  /**
   * The pod whose php-fpm answered (the app's `X-Served-By`); in a rehearsal's request log also the pod whose
   * worker started a request that got no answer from it (the app's started log), e.g. one cut in flight.
   */
  servedBy: string | undefined;
  nginxPod: string | undefined;
  /** nginx's `upstream_addr|status|connect|header|response` times. */
  upstream: string | undefined;
  /** Network error code when there is no HTTP answer. */
  error: string | undefined;
  /** Local port of the connection it was sent on, to match the Service's connection log. */
  clientPort: number | undefined;
}

const SEND_HEADERS = "undici:client:sendHeaders";
let runIdCounter = 0;

export class LoadGenerator {
  readonly records: RequestRecord[] = [];
  private readonly keepAlive: Pool;
  private readonly fresh: Pool;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ports = new Map<string, number>();
  private readonly runId = `r${++runIdCounter}x${process.pid}`;
  private timer: NodeJS.Timeout | undefined;
  private launched = 0;
  private startMs = 0;
  private random: () => number;
  private readonly onSendHeaders = (message: unknown) => {
    const { headers, socket } = message as { headers: string; socket: { localPort?: number } };
    const id = /x-request-id: ([\w-]+)/i.exec(headers)?.[1];
    if (id?.startsWith(this.runId) && socket.localPort !== undefined) this.ports.set(id, socket.localPort);
  };

  constructor(private readonly options: LoadOptions) {
    const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
    // Enough keep-alive connections for the load's concurrency: a pool that queues would turn the open model
    // into a closed one (requests waiting in the client, not in the server).
    const meanSeconds = options.mix.reduce((sum, e) => sum + (e.share * e.ms) / 1000, 0);
    const concurrency = options.rps * (options.keepAliveShare ?? 0.5) * Math.max(0.05, meanSeconds);
    this.keepAlive = new Pool(options.origin, {
      connections: options.keepAliveConnections ?? Math.min(512, Math.ceil(concurrency * 2) + 8),
      pipelining: 1,
      keepAliveTimeout: 60_000,
      ...timeouts,
    });
    this.fresh = new Pool(options.origin, { connections: 4096, pipelining: 1, ...timeouts });
    this.random = mulberry32(options.seed ?? 42);
  }

  start(): void {
    subscribe(SEND_HEADERS, this.onSendHeaders);
    this.startMs = performance.now();
    this.tick();
  }

  /** Stop launching; wait (bounded by the request timeout + 2 s) for requests in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = new Promise<void>((r) => setTimeout(r, this.options.timeoutMs + 2000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    for (const r of this.records) {
      if (r.end === undefined && r.error === undefined && r.status === undefined) r.error = "TIMEOUT_AT_STOP";
    }
    unsubscribe(SEND_HEADERS, this.onSendHeaders);
    await Promise.allSettled([this.keepAlive.destroy(), this.fresh.destroy()]);
    for (const r of this.records) r.clientPort = this.ports.get(r.id);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private tick(): void {
    const intervalMs = 1000 / this.options.rps;
    const due = Math.floor((performance.now() - this.startMs) / intervalMs) + 1;
    while (this.launched < due) this.launch(this.launched++);
    const nextMs = this.startMs + this.launched * intervalMs - performance.now();
    this.timer = setTimeout(() => this.tick(), Math.max(1, nextMs));
  }

  private launch(index: number): void {
    const { options } = this;
    const ms = pickDuration(options.mix, index);
    const mode = this.random() < (options.keepAliveShare ?? 0.5) ? "keep-alive" : "fresh";
    const method = this.random() < (options.postShare ?? 0.2) ? "POST" : "GET";
    const record: RequestRecord = {
      id: `${this.runId}-${index}`,
      start: options.recorder.t(),
      end: undefined,
      ms,
      mode,
      method,
      status: undefined,
      servedBy: undefined,
      nginxPod: undefined,
      upstream: undefined,
      error: undefined,
      clientPort: undefined,
    };
    this.records.push(record);
    const pool = mode === "keep-alive" ? this.keepAlive : this.fresh;
    const promise = pool
      .request({
        path: `${this.options.path ?? "/"}?ms=${ms}`,
        method,
        headers: {
          "x-request-id": record.id,
          ...(method === "POST" ? { "content-type": "text/plain" } : {}),
        },
        body: method === "POST" ? `order=${index}` : undefined,
        reset: mode === "fresh",
      })
      .then(async (res) => {
        record.status = res.statusCode;
        record.servedBy = header(res.headers["x-served-by"]);
        record.nginxPod = header(res.headers["x-nginx-pod"]);
        record.upstream = header(res.headers["x-upstream"]);
        await res.body.text();
      })
      .catch((error: unknown) => {
        const e = error as { code?: string; cause?: { code?: string } };
        record.error ??= e.cause?.code ?? e.code ?? String(error);
      })
      .finally(() => {
        record.end = options.recorder.t();
        this.inFlight.delete(promise);
      });
    this.inFlight.add(promise);
  }
}

/** Stratified choice: request `index` gets the entry whose cumulative share it falls in, spread evenly. */
export function pickDuration(mix: MixEntry[], index: number): number {
  // Golden-ratio sequence: evenly spread, deterministic, no clustering of long requests.
  const u = (index * 0.6180339887498949) % 1;
  let cumulative = 0;
  for (const entry of mix) {
    cumulative += entry.share;
    if (u < cumulative) return entry.ms;
  }
  return mix.at(-1)?.ms ?? 0;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
