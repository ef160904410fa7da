/**
 * Pod termination as the kubelet does it (FACTS.md, "Kubernetes"): the endpoint removal starts at deletion,
 * in parallel with every container's preStop hook; after its hook each main container gets its stop signal;
 * grace accounting per `kuberuntime_container.go`: the hook's elapsed time, truncated to whole seconds, is
 * subtracted from the grace period and at least 2 s remain between stop signal and SIGKILL (so a hook cut at
 * the grace period gives the container 2 s more). Native sidecars get their stop signal only after every main
 * container has exited.
 */
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { type Recorder, sleep, within } from "./events.js";
import { execInNamespace } from "./namespace.js";
import type { Pod, RunningContainer } from "./pod.js";
import { withShell } from "./probe.js";
import type { ProcessRegistry } from "./registry.js";

/** kubelet's `minimumGracePeriodInSeconds`. */
export const MINIMUM_GRACE_SECONDS = 2;

export interface KubeletContext {
  registry: ProcessRegistry;
  recorder: Recorder;
}

export interface PreStopOutcome {
  elapsedMs: number;
  cut: boolean;
  /** Exit code and stderr of an exec hook (e.g. dash's `kill: Illegal option -S`). */
  code?: number | null;
  stderr?: string;
}

/** Delete `pod`: the caller removes its endpoints (that is what `markDeleted` starts); returns when all exited. */
export async function terminatePod(pod: Pod, ctx: KubeletContext): Promise<void> {
  const startMs = performance.now();
  const grace = pod.plan.gracePeriodSeconds;
  ctx.recorder.emit({ pod: pod.name, kind: "deleted", detail: `grace ${grace}s` });
  pod.markDeleted();
  const mains = pod.containers.filter((c) => !c.plan.sidecar);
  const sidecars = pod.containers.filter((c) => c.plan.sidecar);
  // Every preStop hook starts at once, sidecars' included.
  const sidecarHooks = sidecars.map((c) => runPreStop(pod, c, grace, ctx));
  await Promise.all(
    mains.map(async (c) => {
      const hook = await runPreStop(pod, c, grace, ctx);
      await stopContainer(pod, c, remainingGraceSeconds(grace, hook.elapsedMs), ctx);
    }),
  );
  await Promise.all(
    sidecars.map(async (c, i) => {
      await sidecarHooks[i];
      const elapsedMs = performance.now() - startMs;
      await stopContainer(pod, c, remainingGraceSeconds(grace, elapsedMs), ctx);
    }),
  );
}

/** Seconds between stop signal and SIGKILL: grace − floor(elapsed seconds), at least 2. */
export function remainingGraceSeconds(graceSeconds: number, elapsedMs: number): number {
  return Math.max(MINIMUM_GRACE_SECONDS, graceSeconds - Math.floor(elapsedMs / 1000));
}

async function runPreStop(
  pod: Pod,
  container: RunningContainer,
  graceSeconds: number,
  ctx: KubeletContext,
): Promise<PreStopOutcome> {
  const hook = container.plan.preStop;
  if (!hook || container.exit) return { elapsedMs: 0, cut: false };
  const startMs = performance.now();
  const name = container.plan.name;
  ctx.recorder.emit({ pod: pod.name, container: name, kind: "prestop-start", detail: describeHook(hook) });
  let result: { code?: number | null; stderr?: string } = {};
  const work = (async () => {
    switch (hook.kind) {
      case "sleep":
        await sleep(hook.seconds * 1000);
        return;
      case "httpGet":
        result = { code: await httpGet(pod.ip, hook.port, hook.path, graceSeconds * 1000) };
        return;
      case "exec": {
        // Hooks get the pod's address as POD_IP, as a manifest's `fieldRef: status.podIP` would give them.
        const r = await execInNamespace(
          container.process,
          withShell(hook.command, container.shell),
          ctx.registry,
          {
            PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            POD_IP: pod.ip,
          },
        );
        result = { code: r.code, stderr: r.stderr.trim() };
      }
    }
  })();
  // The kubelet waits for the hook at most the grace period; the hook is not killed, the container is.
  const finished = await within(work, graceSeconds * 1000);
  const elapsedMs = performance.now() - startMs;
  const detail = [`${(elapsedMs / 1000).toFixed(1)}s`];
  if (result.code !== undefined) detail.push(`exit ${result.code}`);
  if (result.stderr) detail.push(result.stderr);
  ctx.recorder.emit({
    pod: pod.name,
    container: name,
    kind: finished ? "prestop-end" : "prestop-cut",
    detail: detail.join("; "),
  });
  return { elapsedMs, cut: !finished, ...result };
}

async function stopContainer(
  pod: Pod,
  container: RunningContainer,
  remainingSeconds: number,
  ctx: KubeletContext,
): Promise<void> {
  const name = container.plan.name;
  if (container.exit || container.process.hasExited()) return;
  const signal = container.plan.stopSignal;
  const sent = container.process.signal(signal);
  ctx.recorder.emit({
    pod: pod.name,
    container: name,
    kind: sent ? "signal" : "signal-dropped",
    detail: signal,
  });
  const exited = await within(container.process.exited, remainingSeconds * 1000);
  if (exited) return;
  container.process.signal("SIGKILL");
  ctx.recorder.emit({
    pod: pod.name,
    container: name,
    kind: "sigkill",
    detail: `after ${remainingSeconds}s`,
  });
  await within(container.process.exited, 5000);
}

function describeHook(hook: NonNullable<RunningContainer["plan"]["preStop"]>): string {
  switch (hook.kind) {
    case "sleep":
      return `sleep ${hook.seconds}s`;
    case "httpGet":
      return `GET :${hook.port}${hook.path}`;
    case "exec":
      return hook.command.join(" ");
  }
}

function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? null));
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(null));
    req.end();
  });
}
