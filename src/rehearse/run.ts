/**
 * `rehearse(options)`: for each strategy, start the topology's pods and Services, put the load on, roll the
 * Deployment `restarts` times, and measure every request and every pod's termination. Strategies run one
 * after another on the same scenario; every process and temp dir is gone when it returns or throws.
 *
 * @example
 * const result = await rehearse({ strategies: ["naive", "recommended"], propagationSeconds: 2, replicas: 3,
 *   restarts: 1, rps: 20, mix: [{ share: 0.9, ms: 50 }, { share: 0.1, ms: 4000 }] });
 * console.log(result.strategies.map((s) => `${s.name}: ${s.failed} failed`));
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { DEFAULT_ASSUMPTIONS, type Front } from "../model/types.js";
import { classify, FAILURE_KINDS, type FailureKind } from "./classify.js";
import { type PodEvent, Recorder, sleep } from "./events.js";
import { IngressNginx, LUA_MODULES } from "./ingress.js";
import { LoadGenerator, type MixEntry } from "./load.js";
import type { RehearsalPlan, Topology } from "./plan.js";
import { Pod, type RuntimeContext } from "./pod.js";
import { preflightUserNginx } from "./preflight.js";
import { shellArgv } from "./probe.js";
import { ProcessRegistry } from "./registry.js";
import type { PodTermination, RehearsalResult, StrategyResult } from "./result.js";
import { Deployment } from "./rollout.js";
import { Service } from "./service.js";
import { STALL_BOUND_MS, StallMonitor } from "./stall.js";
import { type StrategyName, strategyPlan } from "./strategies.js";

export interface RehearseOptions {
  /** Built-in strategy names, or plans (e.g. built from the user's manifests). */
  strategies: (StrategyName | RehearsalPlan)[];
  propagationSeconds: number;
  /** Extra per-connection delay, uniform in 0..jitter, before a client sees an endpoint change. */
  jitterSeconds?: number;
  replicas: number;
  restarts: number;
  rps: number;
  mix: MixEntry[];
  topology?: Topology;
  /**
   * Overrides every image's shell for exec hooks and probes: dash (Debian) or busybox (Alpine). Without it,
   * each container runs under its plan's `shell` (the model's image facts; dash when unknown).
   */
  shell?: "dash" | "busybox";
  /** What sends traffic to the pods (default `l7`, as the model assumes): see docs/REHEARSE.md. */
  front?: Front;
  seedStopSignal?: "SIGQUIT" | "SIGTERM";
  phpFpm?: string;
  nginx?: string;
  appDir?: string;
  keepAliveShare?: number;
  postShare?: number;
  /** Seconds of load before the first restart, and after the last pod exited. */
  leadSeconds?: number;
  tailSeconds?: number;
  probePeriodMs?: number;
  /** A stall (timer lateness) longer than this marks a strategy's run invalid (default `STALL_BOUND_MS`). */
  stallBoundMs?: number;
  /** Progress lines (default: stderr). */
  onProgress?: (line: string) => void;
  /** Kill everything and exit on SIGINT/SIGTERM of the tool (default true). */
  handleSignals?: boolean;
}

/** What traffic enters through, and what a Deployment's pods are registered in. */
export type FrontDoor = Service | IngressNginx;

export class RehearseError extends Error {
  constructor(
    message: string,
    readonly code: "missing-binary" | "bad-option" | "not-serving",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * One request through the front before the load starts: the app must answer (a user's nginx config that
 * routes elsewhere would turn every request of the load into an `http-error`); answers the path it did at.
 */
async function smokeRequest(origin: string, plan: RehearsalPlan): Promise<string> {
  const statuses: string[] = [];
  for (const path of APP_PATHS) {
    try {
      const res = await request(`${origin}${path}?ms=0`, {
        headers: { "x-request-id": "smoke" },
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      const body = await res.body.text();
      if (res.statusCode === 200 && body.includes('"id":"smoke"')) return path;
      statuses.push(`${path}: ${res.statusCode}`);
    } catch (error) {
      statuses.push(`${path}: ${(error as { code?: string }).code ?? String(error)}`);
    }
  }
  const own = plan.pod.containers.some((c) => c.nginxConfigs);
  throw new RehearseError(
    `${plan.name}: the app did not answer before the load (${statuses.join(", ")})${own ? ": the user's nginx config sends neither / nor /index.php to php-fpm here" : ""}`,
    "not-serving",
  );
}

/**
 * Where the load is sent: `/` (front controllers: `try_files … /index.php`), else `/index.php`, for a
 * config whose only PHP location is `location ~ \.php$` (no `index index.php`, `/` answers 403).
 */
const APP_PATHS = ["/", "/index.php"];

/** The bundled app the load hits (`--app` replaces it). */
export const DEFAULT_APP = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/rehearse-app");

export async function rehearse(options: RehearseOptions): Promise<RehearsalResult> {
  const resolved = resolveOptions(options);
  const strategies: StrategyResult[] = [];
  for (const strategy of options.strategies) {
    const plan =
      typeof strategy === "string"
        ? strategyPlan(strategy, {
            topology: resolved.topology,
            propagationSeconds: options.propagationSeconds,
            jitterSeconds: options.jitterSeconds ?? 0,
            replicas: options.replicas,
            rps: options.rps,
            mix: options.mix,
            seedStopSignal: options.seedStopSignal ?? "SIGQUIT",
          })
        : preflightUserNginx(strategy, resolved);
    strategies.push(await rehearseOne(plan, resolved));
  }
  return {
    scenario: {
      topology: resolved.topology,
      propagationSeconds: options.propagationSeconds,
      jitterSeconds: options.jitterSeconds ?? 0,
      replicas: options.replicas,
      restarts: options.restarts,
      rps: options.rps,
      mix: options.mix,
      shell: resolved.shell ?? "image",
      front: resolved.front,
    },
    valid: strategies.every((s) => s.stall.valid),
    strategies,
  };
}

type Resolved = Required<Omit<RehearseOptions, "strategies" | "seedStopSignal" | "shell">> & {
  shell: RehearseOptions["shell"];
};

function resolveOptions(options: RehearseOptions): Resolved {
  const resolved: Resolved = {
    propagationSeconds: options.propagationSeconds,
    jitterSeconds: options.jitterSeconds ?? 0,
    replicas: options.replicas,
    restarts: options.restarts,
    rps: options.rps,
    mix: options.mix,
    topology: options.topology ?? "separate",
    shell: options.shell,
    front: options.front ?? DEFAULT_ASSUMPTIONS.front,
    phpFpm: options.phpFpm ?? "/usr/sbin/php-fpm8.2",
    nginx: options.nginx ?? "/usr/sbin/nginx",
    appDir: options.appDir ?? DEFAULT_APP,
    keepAliveShare: options.keepAliveShare ?? 0.5,
    postShare: options.postShare ?? 0.2,
    leadSeconds: options.leadSeconds ?? 2,
    tailSeconds: options.tailSeconds ?? 1,
    probePeriodMs: options.probePeriodMs ?? 500,
    stallBoundMs: options.stallBoundMs ?? STALL_BOUND_MS,
    onProgress: options.onProgress ?? ((line) => process.stderr.write(`${line}\n`)),
    handleSignals: options.handleSignals ?? true,
  };
  const tools = ["setpriv", "unshare", "nsenter"].map((t) => `/usr/bin/${t}`);
  const plans = options.strategies.filter((s): s is RehearsalPlan => typeof s !== "string");
  const shells = new Set(
    resolved.shell
      ? [resolved.shell]
      : plans.flatMap((p) => [...p.pod.containers, ...(p.nginxPod?.containers ?? [])].map((c) => c.shell)),
  );
  if (shells.has("busybox")) tools.push("/usr/bin/busybox");
  if (shells.has("bash")) tools.push("/bin/bash");
  if (resolved.front === "l7") {
    for (const module of LUA_MODULES) {
      if (!existsSync(module))
        throw new RehearseError(
          `${module} is missing: --front l7 runs an ingress nginx with the Lua module (apt-get install libnginx-mod-http-lua), or use --front l4`,
          "missing-binary",
        );
    }
  }
  for (const binary of [resolved.phpFpm, resolved.nginx, ...tools]) {
    try {
      accessSync(binary, constants.X_OK);
    } catch (cause) {
      const hint = binary.endsWith("busybox")
        ? "install Debian's busybox package (apt-get install busybox) for --shell busybox"
        : "see scripts/setup-system.sh";
      throw new RehearseError(`${binary} is missing or not executable: ${hint}`, "missing-binary", { cause });
    }
  }
  if (!(options.rps > 0)) throw new RehearseError("rps must be > 0", "bad-option");
  if (!(options.replicas >= 1)) throw new RehearseError("replicas must be ≥ 1", "bad-option");
  if (options.mix.length === 0) throw new RehearseError("mix must not be empty", "bad-option");
  return resolved;
}

async function rehearseOne(plan: RehearsalPlan, options: Resolved): Promise<StrategyResult> {
  const registry = new ProcessRegistry();
  const uninstall = options.handleSignals ? registry.installExitHandlers() : () => {};
  const recorder = new Recorder();
  const progress = (line: string) => options.onProgress(`[${plan.name} ${recorder.t().toFixed(1)}s] ${line}`);
  recorder.onEvent((e) => progress(describeEvent(e)));
  const services: FrontDoor[] = [];
  let load: LoadGenerator | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const stallMonitor = new StallMonitor(recorder, options.stallBoundMs);
  try {
    const propagationMs = options.propagationSeconds * 1000;
    const jitterMs = options.jitterSeconds * 1000;
    const ctx: RuntimeContext = {
      registry,
      recorder,
      phpFpm: options.phpFpm,
      nginx: options.nginx,
      appDir: options.appDir,
      ...(options.shell ? { shell: shellArgv(options.shell) } : {}),
      probePeriodMs: options.probePeriodMs,
      workDir: registry.tempDir(plan.name),
    };
    // The front (docs/REHEARSE.md): an ingress nginx as ingress-nginx configures it, or a kube-proxy Service.
    const ingress: FrontDoor =
      options.front === "l7"
        ? new IngressNginx({
            nginx: options.nginx,
            dir: join(ctx.workDir, "ingress"),
            propagationMs,
            recorder,
            registry,
            reportsEndpointEvents: plan.topology === "sidecar",
          })
        : new Service({
            name: "ingress",
            propagationMs,
            jitterMs,
            recorder,
            reportsEndpointEvents: plan.topology === "sidecar",
          });
    services.push(ingress);
    await ingress.listen();
    let rolledService: FrontDoor = ingress;
    const nginxPods: Pod[] = [];
    if (plan.topology === "separate") {
      const fpmService = new Service({
        name: "fpm",
        propagationMs,
        jitterMs,
        recorder,
        reportsEndpointEvents: true,
      });
      services.push(fpmService);
      await fpmService.listen();
      rolledService = fpmService;
      const nginxPlan = plan.nginxPod ?? {
        gracePeriodSeconds: 30,
        containers: [
          {
            name: "nginx",
            role: "nginx" as const,
            stopSignal: "SIGQUIT" as const,
            stopSignalSource: "image" as const,
            pid1: "exec" as const,
          },
        ],
      };
      const nginxCtx = { ...ctx, fpmUpstream: fpmService.address };
      for (let i = 1; i <= 2; i++) {
        const pod = await Pod.start(nginxCtx, `nginx-${i}`, nginxPlan);
        pod.onReadyChange((c) => ingress.setReady(pod.name, pod.ip, pod.servicePort, c.ready, c.serving));
        nginxPods.push(pod);
      }
    }
    const deployment = new Deployment(
      plan.topology === "separate" ? "php" : "web",
      options.replicas,
      plan.pod,
      plan.rollout,
      rolledService,
      ctx,
    );
    progress(`starting ${options.replicas} pods (${plan.topology}): ${plan.description}`);
    await deployment.scaleUp();
    const deadline = Date.now() + 15000;
    while (ingress.visibleReadyPods().length === 0) {
      if (Date.now() > deadline) throw new Error("ingress has no ready endpoint");
      await sleep(50);
    }
    const path = await smokeRequest(`http://${ingress.address}`, plan);
    const longestMs = Math.max(...options.mix.map((m) => m.ms));
    load = new LoadGenerator({
      origin: `http://${ingress.address}`,
      rps: options.rps,
      mix: options.mix,
      keepAliveShare: options.keepAliveShare,
      postShare: options.postShare,
      timeoutMs: longestMs + (plan.pod.gracePeriodSeconds + 15) * 1000,
      recorder,
      path,
    });
    const startedAt = recorder.t();
    stallMonitor.start();
    load.start();
    const running = load;
    ticker = setInterval(() => {
      const done = running.records.filter((r) => r.end !== undefined);
      const failed = done.filter((r) => r.error !== undefined || (r.status ?? 0) >= 400).length;
      progress(
        `requests ${running.records.length}, in flight ${running.inFlightCount}, failed so far ${failed}`,
      );
    }, 2000);
    await sleep(options.leadSeconds * 1000);
    const rolloutTimeoutMs = (plan.pod.gracePeriodSeconds * options.replicas + 60) * 1000;
    for (let i = 1; i <= options.restarts; i++) {
      progress(`rolling restart ${i}/${options.restarts}`);
      await deployment.rollingRestart(rolloutTimeoutMs);
    }
    await sleep(options.tailSeconds * 1000);
    progress("load stopping; waiting for requests in flight");
    await load.stop();
    const stall = stallMonitor.stop();
    clearInterval(ticker);
    const durationSeconds = recorder.t() - startedAt;
    // Which pod's worker started each request: a request cut in flight has no X-Served-By answer, but its
    // pod is known from the app's started log.
    const startedOn = new Map<string, string>();
    for (const pod of deployment.allPods)
      for (const id of pod.startedRequestIds()) startedOn.set(id, pod.name);
    const startedIds = new Set(startedOn.keys());
    const refusedClientPorts = new Set(
      ingress.connections.filter((c) => c.outcome !== "connected").map((c) => c.clientPort),
    );
    const requestLog = load.records.map((r) => ({
      ...r,
      servedBy: r.servedBy ?? startedOn.get(r.id),
      outcome: classify(r, { startedIds, refusedClientPorts }),
    }));
    recorder.close();
    const endpoints = {
      fallback: rolledService.connections.filter((c) => c.fallback).length,
      none: rolledService.connections.filter((c) => c.outcome === "no-endpoints").length,
    };
    const said =
      path === "/"
        ? plan
        : { ...plan, notes: [...plan.notes, `the load was sent to ${path}: / does not reach the app here`] };
    const result = { ...summarize(said, requestLog, recorder.events, durationSeconds), stall, endpoints };
    progress(`done: ${result.requests} requests, ${result.failed} failed`);
    if (!stall.valid)
      progress(
        `INVALID: the host stalled ${Math.max(...stall.stalls.map((s) => s.ms))} ms (bound ${stall.boundMs} ms)`,
      );
    return result;
  } finally {
    stallMonitor.stop();
    recorder.close();
    if (ticker) clearInterval(ticker);
    if (load) await load.stop().catch(() => {});
    await Promise.all(services.map((s) => s.close()));
    await registry.cleanup();
    uninstall();
  }
}

function summarize(
  plan: RehearsalPlan,
  requestLog: StrategyResult["requestLog"],
  events: PodEvent[],
  durationSeconds: number,
): Omit<StrategyResult, "stall" | "endpoints"> {
  const failedByKind = Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as Record<FailureKind, number>;
  const latencies: number[] = [];
  for (const r of requestLog) {
    if (r.outcome === "ok") latencies.push(((r.end ?? r.start) - r.start) * 1000);
    else failedByKind[r.outcome]++;
  }
  latencies.sort((a, b) => a - b);
  const failed = requestLog.length - latencies.length;
  return {
    name: plan.name,
    description: plan.description,
    topology: plan.topology,
    notes: plan.notes,
    requests: requestLog.length,
    succeeded: latencies.length,
    failed,
    failedByKind,
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    terminationSeconds: terminations(events),
    durationSeconds,
    plan,
    events,
    requestLog,
  };
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[index] ?? 0);
}

/** Deletion to the last container's exit, per deleted pod. */
export function terminations(events: PodEvent[]): PodTermination[] {
  const out: PodTermination[] = [];
  for (const deletion of events.filter((e) => e.kind === "deleted")) {
    const mine = events.filter((e) => e.pod === deletion.pod);
    const exits = mine.filter((e) => e.kind === "exit");
    const exitedAt = Math.max(...exits.map((e) => e.t));
    if (!Number.isFinite(exitedAt)) continue;
    out.push({
      pod: deletion.pod,
      seconds: Math.round((exitedAt - deletion.t) * 100) / 100,
      deletedAt: deletion.t,
      exitedAt,
      killed: mine.some((e) => e.kind === "sigkill"),
    });
  }
  return out;
}

function describeEvent(e: PodEvent): string {
  const who = e.container ? `${e.pod}/${e.container}` : e.pod;
  return `${who} ${e.kind}${e.detail ? ` (${e.detail})` : ""}`;
}
