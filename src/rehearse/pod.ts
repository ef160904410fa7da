/**
 * A pod: its own loopback address (127.P.N.M; Linux routes all of 127/8 to lo), the same ports as every other
 * pod, and each container's main process as PID 1 of its own PID namespace. Readiness probes run at the
 * plan's period and thresholds (else every `probePeriodMs`, one result deciding) until the container exits,
 * deletion included: the kubelet stops only liveness and startup probes at deletion (kubernetes/kubernetes
 * `pkg/kubelet/prober/worker.go` `doProbe`), and readiness during termination is the EndpointSlice's
 * `serving` condition (`ready` = serving and not terminating).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  FPM_PORT,
  type Launch,
  NGINX_PORT,
  otherLaunch,
  writeFpmConfig,
  writeNginxConfig,
} from "./configs.js";
import { type Recorder, sleep } from "./events.js";
import { type ExitStatus, type NamespaceProcess, startInPidNamespace } from "./namespace.js";
import type { ContainerPlan, PodPlan, ReadinessPlan } from "./plan.js";
import { runProbe, shellArgv } from "./probe.js";
import type { ProcessRegistry } from "./registry.js";

export interface RuntimeContext {
  registry: ProcessRegistry;
  recorder: Recorder;
  phpFpm: string;
  nginx: string;
  appDir: string;
  /**
   * `--shell`: how `sh` is spelled in every image (`["sh"]` dash, `["busybox", "sh"]`), overriding each
   * container's own (`ContainerPlan.shell`, from the model's image facts).
   */
  shell?: string[];
  probePeriodMs: number;
  /** `separate` topology: where nginx sends FastCGI (the fpm Service). Default: the pod's own fpm. */
  fpmUpstream?: string;
  /** Parent directory for pod dirs. */
  workDir: string;
}

export class RunningContainer {
  ready = false;
  exit: ExitStatus | undefined;
  constructor(
    readonly plan: ContainerPlan,
    readonly process: NamespaceProcess,
    readonly port: number,
    readonly logFile: string,
    /** How the image's `sh` runs here: the `--shell` override, else the plan's image shell. */
    readonly shell: string[],
  ) {
    void process.exited.then((status) => {
      this.exit = status;
    });
  }

  get readiness(): ReadinessPlan {
    return this.plan.readiness ?? { kind: "tcpSocket", port: this.port };
  }
}

/** Kubernetes' container names: DNS-1123 labels (`IsDNS1123Label`, at most 63 characters). */
export const CONTAINER_NAME = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

let nextAddress = 0;

/**
 * A fresh pod address, never reused within the process: 127.P.0.2, 127.P.0.3, … where P comes from the PID,
 * so that rehearsals running side by side (test files run in parallel) do not share addresses; an address
 * whose pod ports are taken is skipped.
 */
export async function allocatePodIp(): Promise<string> {
  const second = 1 + (process.pid % 250);
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = nextAddress++;
    const ip = `127.${second}.${Math.floor(n / 250) % 256}.${2 + (n % 250)}`;
    if ((await portFree(ip, FPM_PORT)) && (await portFree(ip, NGINX_PORT))) return ip;
  }
  throw new Error(`no free pod address on 127.${second}.0.0/16 (ports ${FPM_PORT} and ${NGINX_PORT} in use)`);
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A pod's endpoint as an EndpointSlice holds it: `ready` (serving, not terminating) and `serving`. */
export interface EndpointConditions {
  ready: boolean;
  serving: boolean;
}

export class Pod {
  readonly containers: RunningContainer[] = [];
  deleted = false;
  private wasReady = false;
  private wasServing = false;
  private readonly readyListeners: ((conditions: EndpointConditions) => void)[] = [];

  private constructor(
    readonly name: string,
    readonly ip: string,
    readonly dir: string,
    readonly plan: PodPlan,
    private readonly ctx: RuntimeContext,
  ) {}

  /** Start every container (native sidecars first, as the kubelet does) and begin probing. */
  static async start(ctx: RuntimeContext, name: string, plan: PodPlan): Promise<Pod> {
    // Container names become directory names: only what Kubernetes accepts (a DNS-1123 label), never `../`.
    for (const c of plan.containers) {
      if (!CONTAINER_NAME.test(c.name))
        throw new Error(
          `container name ${JSON.stringify(c.name)} is not a DNS-1123 label (Kubernetes' rule)`,
        );
    }
    const ip = await allocatePodIp();
    const dir = join(ctx.workDir, name);
    mkdirSync(dir, { recursive: true });
    const pod = new Pod(name, ip, dir, plan, ctx);
    ctx.recorder.emit({ pod: name, kind: "created", detail: ip });
    const ordered = [...plan.containers].sort(
      (a, b) => Number(b.sidecar ?? false) - Number(a.sidecar ?? false),
    );
    for (const containerPlan of ordered) {
      const containerDir = join(dir, containerPlan.name);
      mkdirSync(containerDir, { recursive: true });
      const launch = pod.launchFor(containerPlan, containerDir);
      const proc = await startInPidNamespace({ ...launch, registry: ctx.registry, cwd: containerDir });
      const port = containerPlan.role === "nginx" ? NGINX_PORT : FPM_PORT;
      const shell = ctx.shell ?? shellArgv(containerPlan.shell);
      const container = new RunningContainer(containerPlan, proc, port, launch.logFile, shell);
      pod.containers.push(container);
      void proc.exited.then((status) =>
        ctx.recorder.emit({
          pod: name,
          container: containerPlan.name,
          kind: "exit",
          t: ctx.recorder.t(status.atMs),
          detail: status.signal ?? `code ${status.code}`,
        }),
      );
    }
    for (const container of pod.containers) void pod.probeLoop(container);
    return pod;
  }

  private launchFor(plan: ContainerPlan, dir: string): Launch {
    const common = { dir, podName: this.name, ip: this.ip, appDir: this.ctx.appDir, container: plan };
    if (plan.role === "fpm") return writeFpmConfig({ ...common, phpFpm: this.ctx.phpFpm });
    if (plan.role === "other") return otherLaunch(dir, plan);
    return writeNginxConfig({
      ...common,
      nginx: this.ctx.nginx,
      fastcgiUpstream: this.ctx.fpmUpstream ?? `${this.ip}:${FPM_PORT}`,
    });
  }

  /** The port a Service sends traffic to: nginx's when the pod has nginx, else php-fpm's. */
  get servicePort(): number {
    return this.containers.some((c) => c.plan.role === "nginx") ? NGINX_PORT : FPM_PORT;
  }

  get ready(): boolean {
    return !this.deleted && this.serving;
  }

  /** Every container passes its readiness probe and runs: what a terminating pod keeps while it serves. */
  get serving(): boolean {
    return this.containers.every((c) => c.ready && c.exit === undefined);
  }

  get exited(): boolean {
    return this.containers.every((c) => c.exit !== undefined);
  }

  onReadyChange(listener: (conditions: EndpointConditions) => void): void {
    this.readyListeners.push(listener);
  }

  /** Resolves once every container has exited. */
  async allExited(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.process.exited));
  }

  /** Request ids php-fpm workers of this pod have started (the app logs them). */
  startedRequestIds(): string[] {
    const ids: string[] = [];
    for (const c of this.containers) {
      if (c.plan.role !== "fpm") continue;
      try {
        ids.push(
          ...readFileSync(join(this.dir, c.plan.name, "started.log"), "utf8")
            .split("\n")
            .filter(Boolean),
        );
      } catch {
        // no request started
      }
    }
    return ids;
  }

  markDeleted(): void {
    this.deleted = true;
    this.updateReadiness();
  }

  private async probeLoop(container: RunningContainer): Promise<void> {
    if (container.plan.role === "other" && !container.plan.readiness) {
      // No traffic, no probe: ready while it runs (the kubelet counts a container without a probe as ready).
      container.ready = true;
      this.updateReadiness();
      return;
    }
    const target = {
      ip: this.ip,
      process: container.process,
      registry: this.ctx.registry,
      shell: container.shell,
    };
    const timing = container.plan.readinessTiming;
    const periodMs = timing ? timing.periodSeconds * 1000 : this.ctx.probePeriodMs;
    // Consecutive results needed to change the state (`resultRun` against the thresholds, worker.go).
    const failureThreshold = timing?.failureThreshold ?? 1;
    const successThreshold = timing?.successThreshold ?? 1;
    let last: boolean | undefined;
    let run = 0;
    while (container.exit === undefined) {
      const ok = await runProbe(container.readiness, target);
      if (container.exit !== undefined) break;
      run = ok === last ? run + 1 : 1;
      last = ok;
      if (run >= (ok ? successThreshold : failureThreshold)) {
        container.ready = ok;
        this.updateReadiness();
      }
      await sleep(periodMs);
    }
    container.ready = false;
    this.updateReadiness();
  }

  private updateReadiness(): void {
    const { ready, serving } = this;
    if (ready === this.wasReady && serving === this.wasServing) return;
    if (ready !== this.wasReady)
      this.ctx.recorder.emit({ pod: this.name, kind: ready ? "ready" : "unready" });
    if (this.deleted && !serving && this.wasServing)
      this.ctx.recorder.emit({ pod: this.name, kind: "not-serving" });
    this.wasReady = ready;
    this.wasServing = serving;
    for (const listener of this.readyListeners) listener({ ready, serving });
  }
}
