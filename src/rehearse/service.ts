/**
 * A Service as kube-proxy makes it: a connection-level proxy on 127.0.0.1 over the endpoints that are ready,
 * round-robin. A readiness change (a pod's deletion included) takes effect only `propagationMs` later, plus
 * an optional per-connection jitter (each client learns of it at its own time). Established connections stay
 * on their pod, as conntrack keeps them. A refused upstream connection is answered with a reset.
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
}

interface Endpoint {
  pod: string;
  ip: string;
  port: number;
  /** Readiness changes in time order (`performance.now()`). */
  changes: { atMs: number; ready: boolean }[];
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

  /** Record a readiness change of a pod's endpoint; clients see it `propagationMs` (+ jitter) later. */
  setReady(pod: string, ip: string, port: number, ready: boolean): void {
    const endpoint = this.endpoints.get(pod) ?? { pod, ip, port, changes: [] };
    this.endpoints.set(pod, endpoint);
    const last = endpoint.changes.at(-1);
    if (last?.ready === ready) return;
    endpoint.changes.push({ atMs: performance.now(), ready });
    if (!ready && this.options.reportsEndpointEvents && this.server?.listening) {
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
      .filter((e) => isVisiblyReady(e, nowMs, this.options.propagationMs))
      .map((e) => e.pod);
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.once("close", () => this.sockets.delete(client));
    client.on("error", () => {});
    const nowMs = performance.now();
    const delayMs = this.options.propagationMs + Math.random() * (this.options.jitterMs ?? 0);
    const ready = [...this.endpoints.values()].filter((e) => isVisiblyReady(e, nowMs, delayMs));
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

function isVisiblyReady(endpoint: Endpoint, nowMs: number, delayMs: number): boolean {
  let ready = false;
  for (const change of endpoint.changes) {
    if (change.atMs + delayMs <= nowMs) ready = change.ready;
  }
  return ready;
}
