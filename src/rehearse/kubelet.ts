/**
 * Pod termination as the kubelet does it (FACTS.md, "Kubernetes"): the endpoint removal starts at deletion,
 * in parallel with every container's preStop hook; then each container waits for its turn and gets its stop
 * signal, SIGKILL when its grace runs out. The arithmetic and the order are the model's own, from one place
 * (`timeline/kubelet.ts`, after `kuberuntime_container.go` `killContainer`): grace − ⌊preStop⌋ − ⌊wait for
 * turn⌋, at least 2 s; native sidecars after every main container, in reverse order of declaration.
 * The event log says what the kernel did: a stop signal to an exited container is `signal-skipped` (the
 * runtime finds nothing to stop), one PID 1 has no handler for is `signal-dropped`.
 */
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import {
  graceAfterPreStop,
  graceAfterTurn,
  stopGraceSeconds,
  stopPrerequisites,
} from "../timeline/kubelet.js";
import { type Recorder, sleep, within } from "./events.js";
import { execInNamespace } from "./namespace.js";
import type { Pod, RunningContainer } from "./pod.js";
import { withShell } from "./probe.js";
import type { ProcessRegistry } from "./registry.js";

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
  const grace = pod.plan.gracePeriodSeconds;
  ctx.recorder.emit({ pod: pod.name, kind: "deleted", detail: `grace ${grace}s` });
  pod.markDeleted();
  const declared = pod.plan.containers.map((c) => ({ name: c.name, sidecar: c.sidecar === true }));
  // The kubelet orders termination only when the pod has a native sidecar (`HasRestartableInitContainer`).
  const ordering = declared.some((c) => c.sidecar) ? stopPrerequisites(declared) : undefined;
  const exitOf = new Map(pod.containers.map((c) => [c.plan.name, c.process.exited]));
  // One kill per container, all at once (`killContainersWithSyncResult`): hook, turn, stop signal.
  await Promise.all(
    pod.containers.map(async (c) => {
      let remaining = grace;
      if (c.plan.preStop && remaining > 0) {
        const hook = await runPreStop(pod, c, remaining, ctx);
        remaining = graceAfterPreStop(remaining, hook.elapsedMs / 1000);
      }
      const waitsFor = ordering?.get(c.plan.name) ?? [];
      if (ordering && remaining > 0) {
        const turnStart = performance.now();
        await within(Promise.all(waitsFor.map((name) => exitOf.get(name))), remaining * 1000);
        remaining = graceAfterTurn(remaining, (performance.now() - turnStart) / 1000);
      }
      await stopContainer(pod, c, stopGraceSeconds(remaining), ctx);
    }),
  );
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
  const signal = container.plan.stopSignal;
  const fate = container.process.fate(signal);
  if (fate === "exited") {
    ctx.recorder.emit({
      pod: pod.name,
      container: name,
      kind: "signal-skipped",
      detail: `${signal}: already exited`,
    });
    return;
  }
  const sent = container.process.signal(signal);
  ctx.recorder.emit({
    pod: pod.name,
    container: name,
    kind: !sent ? "signal-skipped" : fate === "dropped" ? "signal-dropped" : "signal",
    detail: !sent
      ? `${signal}: already exited`
      : fate === "dropped"
        ? `${signal}: PID 1 has no handler, the kernel drops it`
        : signal,
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
