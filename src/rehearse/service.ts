/**
 * A Service as kube-proxy makes it: a connection-level proxy on 127.0.0.1 over the endpoints that are ready,
 * round-robin; when none is ready, over the serving terminating ones (KEP-1669: kubernetes/kubernetes
 * `pkg/proxy/topology.go` `CategorizeEndpoints`, "if there are 0 cluster-wide endpoints, we can try to
 * fallback to any terminating endpoints that are ready"). An endpoint change (a pod's deletion included) takes
 * effect only `propagationMs` later, plus an optional per-connection jitter (each client learns of it at its
 * own time). Established connections stay on their pod, as conntrack keeps them. A refused upstream
 * connection is answered with a reset, and so is a connection when no endpoint is usable.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { performance } from "node:perf_hooks";
import type { Recorder } from "./events.js";

export type ConnectionOutcome = "connected" | "refused" | "no-endpoints";

export interface ConnectionRecord {
  /** Seconds since the rehearsal's origin. */
  t: number;
  clientPort: number;
  pod: string | undefined;
  outcome: ConnectionOutcome;
  /** Sent to a serving terminating endpoint because no endpoint was ready. */
  fallback?: boolean;
}

interface Endpoint {
  pod: string;
  ip: string;
  port: number;
  /** Condition changes in time order (`performance.now()`): `ready`, and `serving` (terminating pods too). */
  changes: { atMs: number; ready: boolean; serving: boolean }[];
}

export interface ServiceOptions {
  name: string;
  propagationMs: number;
  jitterMs?: number;
  recorder: Recorder;
  /** Emit `endpoint-removed` pod events (the Service whose pods are rolled). */
  reportsEndpointEvents?: boolean;
}

export class Service {
  readonly connections: ConnectionRecord[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private next = 0;
  port = 0;

  constructor(private readonly options: ServiceOptions) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async listen(): Promise<number> {
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) =>
      this.accept(client),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0, backlog: 1024 }, () => resolve());
    });
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    return this.port;
  }

  /**
   * Record a change of a pod's endpoint conditions (`serving` defaults to `ready`: a pod that is not
   * terminating serves exactly when it is ready); clients see it `propagationMs` (+ jitter) later.
   */
  setReady(pod: string, ip: string, port: number, ready: boolean, serving: boolean = ready): void {
    const endpoint = this.endpoints.get(pod) ?? { pod, ip, port, changes: [] };
    this.endpoints.set(pod, endpoint);
    const last = endpoint.changes.at(-1);
    if (last?.ready === ready && last.serving === serving) return;
    endpoint.changes.push({ atMs: performance.now(), ready, serving });
    if (!ready && last?.ready !== false && this.options.reportsEndpointEvents && this.server?.listening) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.options.recorder.emit({ pod, kind: "endpoint-removed", detail: this.options.name });
      }, this.options.propagationMs);
      this.timers.add(timer);
    }
  }

  /** Endpoints a client connecting now would see as ready (without jitter). */
  visibleReadyPods(nowMs: number = performance.now()): string[] {
    return [...this.endpoints.values()]
      .filter((e) => visibleConditions(e, nowMs, this.options.propagationMs).ready)
      .map((e) => e.pod);
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.once("close", () => this.sockets.delete(client));
    client.on("error", () => {});
    const nowMs = performance.now();
    const delayMs = this.options.propagationMs + Math.random() * (this.options.jitterMs ?? 0);
    const visible = [...this.endpoints.values()].map((e) => ({
      e,
      ...visibleConditions(e, nowMs, delayMs),
    }));
    let usable = visible.filter((v) => v.ready).map((v) => v.e);
    const fallback = usable.length === 0;
    if (fallback) usable = visible.filter((v) => v.serving && !v.ready).map((v) => v.e);
    const ready = usable;
    const record: ConnectionRecord = {
      t: this.options.recorder.t(nowMs),
      clientPort: client.remotePort ?? 0,
      pod: undefined,
      outcome: "no-endpoints",
    };
    this.connections.push(record);
    const endpoint = ready[this.next++ % Math.max(1, ready.length)];
    if (!endpoint) {
      // kube-proxy rejects connections to a Service without ready endpoints.
      client.resetAndDestroy();
      return;
    }
    record.pod = endpoint.pod;
    if (fallback) record.fallback = true;
    const upstream = tcpConnect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true });
    this.sockets.add(upstream);
    upstream.once("close", () => this.sockets.delete(upstream));
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      record.outcome = "connected";
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on("error", () => {
      if (!connected) record.outcome = "refused";
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on("error", () => {
      if (!upstream.destroyed) upstream.resetAndDestroy();
    });
    client.once("close", (hadError) => {
      if (hadError && !upstream.destroyed) upstream.resetAndDestroy();
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function visibleConditions(
  endpoint: Endpoint,
  nowMs: number,
  delayMs: number,
): { ready: boolean; serving: boolean } {
  let conditions = { ready: false, serving: false };
  for (const change of endpoint.changes) {
    if (change.atMs + delayMs <= nowMs) conditions = change;
  }
  return conditions;
}
