/**
 * The `l7` front: an ingress hop run by real nginx, configured as ingress-nginx configures it
 * (kubernetes/ingress-nginx `rootfs/etc/nginx/template/nginx.tmpl`, `rootfs/etc/nginx/lua/balancer.lua`):
 * - one `upstream_balancer` whose peer is chosen per request by Lua (`balancer_by_lua_block`,
 *   `ngx.balancer.set_current_peer`), round robin (ingress-nginx's default `load-balance`), over the pod
 *   IPs of ready endpoints only (`internal/ingress/controller/endpointslices.go` skips endpoints whose
 *   `ready` is false: no terminating fallback); no endpoint at all is a 503, as `balancer.rewrite()` answers;
 * - upstream keep-alive to the pods (`keepalive 320; keepalive_time 1h; keepalive_timeout 60s;
 *   keepalive_requests 10000`, HTTP/1.1, an empty `Connection` header);
 * - `proxy_next_upstream error timeout; proxy_next_upstream_tries 3` (its defaults), `set_more_tries(1)`
 *   per pick: nginx itself retries on another pod a request that failed to connect, and an idempotent one
 *   whose connection failed; a POST already sent is not retried (nginx's `non_idempotent` rule);
 * - endpoint changes reach the balancer without a reload: after the propagation delay the ready list is
 *   POSTed to the Lua `/configuration/backends` handler, as the controller does (a shared dict here, where
 *   ingress-nginx keeps a Lua table per worker fed from it).
 * Not emulated: the controller's sync batching (its delay is the propagation delay here), per-connection
 * jitter (one ingress sees every change at once), EWMA or hashing balancers, several ingress replicas.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { nginxPreamble } from "./configs.js";
import { type Recorder, sleep } from "./events.js";
import { type NamespaceProcess, startInPidNamespace } from "./namespace.js";
import { tcpProbe } from "./probe.js";
import type { ProcessRegistry } from "./registry.js";
import type { ConnectionRecord } from "./service.js";

export const LUA_MODULES = [
  "/usr/lib/nginx/modules/ndk_http_module.so",
  "/usr/lib/nginx/modules/ngx_http_lua_module.so",
];

export interface IngressOptions {
  nginx: string;
  dir: string;
  propagationMs: number;
  recorder: Recorder;
  registry: ProcessRegistry;
  reportsEndpointEvents?: boolean;
}

interface Endpoint {
  pod: string;
  address: string;
  changes: { atMs: number; ready: boolean }[];
}

export class IngressNginx {
  /** An L7 hop keeps no per-connection record of the kind kube-proxy's conntrack gives. */
  readonly connections: ConnectionRecord[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private process: NamespaceProcess | undefined;
  private controlPort = 0;
  private pushing: Promise<void> = Promise.resolve();
  port = 0;

  constructor(private readonly options: IngressOptions) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async listen(): Promise<number> {
    this.port = await freePort();
    this.controlPort = await freePort();
    const { dir } = this.options;
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, "ingress.conf");
    writeFileSync(conf, ingressConfig(dir, this.port, this.controlPort));
    this.process = await startInPidNamespace({
      argv: [this.options.nginx, "-p", dir, "-e", join(dir, "error.log"), "-c", conf, "-g", "daemon off;"],
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      logFile: join(dir, "ingress.out"),
      registry: this.options.registry,
    });
    const deadline = performance.now() + 10_000;
    while (!(await tcpProbe("127.0.0.1", this.port, 500))) {
      if (performance.now() > deadline || this.process.hasExited())
        throw new Error(`the ingress nginx did not start; see ${join(dir, "error.log")}`);
      await sleep(50);
    }
    return this.port;
  }

  /** A pod's endpoint changed; the balancer learns it `propagationMs` later (`serving` plays no part). */
  setReady(pod: string, ip: string, port: number, ready: boolean, _serving: boolean = ready): void {
    const endpoint = this.endpoints.get(pod) ?? { pod, address: `${ip}:${port}`, changes: [] };
    this.endpoints.set(pod, endpoint);
    if (endpoint.changes.at(-1)?.ready === ready) return;
    const atMs = performance.now();
    endpoint.changes.push({ atMs, ready });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!ready && this.options.reportsEndpointEvents)
        this.options.recorder.emit({ pod, kind: "endpoint-removed", detail: "ingress" });
      // libuv schedules from its cached loop time, which lags performance.now() on a busy host: the timer
      // can fire a few ms "early" by this clock. The change is due now, so it is evaluated as of its due time.
      this.push(atMs + this.options.propagationMs);
    }, this.options.propagationMs);
    this.timers.add(timer);
  }

  visibleReadyPods(nowMs: number = performance.now()): string[] {
    return [...this.endpoints.values()]
      .filter((e) => visiblyReady(e, nowMs, this.options.propagationMs))
      .map((e) => e.pod);
  }

  /** POST the ready list to the balancer, in order (one update at a time, as the controller syncs). */
  private push(dueMs: number): void {
    const nowMs = Math.max(performance.now(), dueMs);
    const peers = [...this.endpoints.values()]
      .filter((e) => visiblyReady(e, nowMs, this.options.propagationMs))
      .map((e) => e.address)
      .join(",");
    this.pushing = this.pushing.then(() => post(this.controlPort, "/configuration/backends", peers));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.process?.signal("SIGKILL");
    if (this.process) await Promise.race([this.process.exited, sleep(2000)]);
  }
}

function visiblyReady(e: Endpoint, nowMs: number, delayMs: number): boolean {
  let ready = false;
  for (const change of e.changes) if (change.atMs + delayMs <= nowMs) ready = change.ready;
  return ready;
}

function ingressConfig(dir: string, port: number, controlPort: number): string {
  const preamble = nginxPreamble(dir, { temp: "temp", errorLog: "error.log", workerConnections: 4096 });
  return `${LUA_MODULES.map((m) => `load_module ${m};`).join("\n")}
${preamble.main}
http {
${preamble.http}
  lua_shared_dict rehearse 1m;
  keepalive_timeout 75s;
  keepalive_requests 1000;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream upstream_balancer {
    server 0.0.0.1; # placeholder: the peer is chosen in Lua
    balancer_by_lua_block {
      local balancer = require("ngx.balancer")
      local dict = ngx.shared.rehearse
      local list = {}
      for peer in string.gmatch(dict:get("peers") or "", "[^,]+") do list[#list + 1] = peer end
      if #list == 0 then return ngx.exit(ngx.ERROR) end
      local n = dict:incr("rr", 1, 0)
      local host, peerPort = list[(n % #list) + 1]:match("^(.+):(%d+)$")
      balancer.set_more_tries(1)
      local ok, err = balancer.set_current_peer(host, tonumber(peerPort))
      if not ok then ngx.log(ngx.ERR, "set_current_peer: ", err) return ngx.exit(ngx.ERROR) end
    }
    keepalive 320;
    keepalive_time 1h;
    keepalive_timeout 60s;
    keepalive_requests 10000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      rewrite_by_lua_block {
        if (ngx.shared.rehearse:get("peers") or "") == "" then
          ngx.status = 503
          return ngx.exit(503)
        end
      }
      proxy_pass http://upstream_balancer;
      proxy_http_version 1.1;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_connect_timeout 5s;
      proxy_send_timeout 120s;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_timeout 0;
      proxy_next_upstream_tries 3;
      proxy_buffering off;
      add_header X-Ingress-Upstream "$upstream_addr|$upstream_status" always;
    }
  }
  server {
    listen 127.0.0.1:${controlPort};
    location = /configuration/backends {
      client_body_buffer_size 64k;
      content_by_lua_block {
        ngx.req.read_body()
        ngx.shared.rehearse:set("peers", ngx.req.get_body_data() or "")
        ngx.say("ok")
      }
    }
  }
}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The controller retries a failed sync; so does this (a lost update would leave the balancer stale). */
async function post(port: number, path: string, body: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await postOnce(port, path, body)) return;
    await sleep(20 * 2 ** attempt);
  }
}

function postOnce(port: number, path: string, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: false,
        headers: { "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode !== undefined && res.statusCode < 300));
      },
    );
    req.once("error", () => resolve(false));
    req.end(body);
  });
}
