import { processControlTimeout, resolveRolloutValue, stopSignal } from "../model/effective.js";
import type { Assumptions, Container, Workload } from "../model/types.js";
import { computeTimeline } from "../timeline/timeline.js";
import type { ContainerPlan, PreStopPlan, ReadinessPlan, RehearsalPlan, StopSignal } from "./plan.js";
import { CONTAINER_NAME } from "./pod.js";

const STOP_SIGNALS: readonly StopSignal[] = [
  "SIGTERM",
  "SIGQUIT",
  "SIGINT",
  "SIGKILL",
  "SIGWINCH",
  "SIGUSR1",
  "SIGHUP",
];

/**
 * Turns a workload of the user's manifests into a rehearsal plan (the `manifests` strategy): the same
 * containers, preStop hooks, stop signals, PID 1 form, process_control_timeout (and php.ini lines that
 * php-fpm ignores), grace period and rollout settings that `check` reads. nginx and php-fpm in one pod
 * rehearse the sidecar topology; a php-fpm-only workload sits behind the default nginx Deployment.
 *
 * @example
 *   const plan = planFromWorkload(model.workloads[0], assumptions, 3);
 *   await rehearse({ strategies: [plan], … });
 */
export function planFromWorkload(
  workload: Workload,
  assumptions: Assumptions,
  replicas: number,
): RehearsalPlan | undefined {
  const fpm = workload.containers.filter((c) => c.role === "fpm");
  if (fpm.length === 0) return undefined;
  if (unsafeContainerName(workload)) return undefined;
  const nginx = workload.containers.filter((c) => c.role === "nginx");
  const timeline = computeTimeline(workload, assumptions);
  // Declaration order (init containers first, as the model lists them): native sidecars stop in reverse of it.
  const containers = workload.containers.map((c) => containerPlan(c, assumptions));
  const notes = containers.flatMap((c) =>
    c.role === "other"
      ? [`${c.name}: serves no traffic; rehearsed as a process that exits on its stop signal`]
      : [],
  );
  const grace = timeline.gracePeriodSeconds;
  const strategy = workload.strategy;
  const plan: RehearsalPlan = {
    name: "manifests",
    description: `${workload.id} as written`,
    topology: nginx.length > 0 ? "sidecar" : "separate",
    pod: { gracePeriodSeconds: grace, containers },
    rollout: {
      maxSurge: resolveRolloutValue(strategy?.maxSurge, replicas, true, "25%"),
      maxUnavailable: resolveRolloutValue(strategy?.maxUnavailable, replicas, false, "25%"),
    },
    notes: [...timeline.failureWindows.map((w) => `predicted: ${w.explanation}`), ...notes],
  };
  if (plan.rollout.maxSurge === 0 && plan.rollout.maxUnavailable === 0) plan.rollout.maxUnavailable = 1;
  if (plan.topology === "separate") {
    plan.nginxPod = {
      gracePeriodSeconds: 30,
      containers: [
        { name: "nginx", role: "nginx", stopSignal: "SIGQUIT", stopSignalSource: "image", pid1: "exec" },
      ],
    };
  }
  return plan;
}

/**
 * Why a workload cannot be rehearsed safely: a container name that is not a DNS-1123 label (Kubernetes'
 * rule) would become a path of its own (`../x`) under the rehearsal's temp directory. Undefined when none.
 */
export function unsafeContainerName(workload: Workload): string | undefined {
  const bad = workload.containers.find((c) => !CONTAINER_NAME.test(c.name));
  return bad
    ? `${workload.id}: container name ${JSON.stringify(bad.name)} is not a DNS-1123 label, as Kubernetes requires: not rehearsed`
    : undefined;
}

function containerPlan(container: Container, assumptions: Assumptions): ContainerPlan {
  const signal = stopSignal(container, assumptions.kubeVersion);
  const plan: ContainerPlan = {
    name: container.name,
    role: container.role === "nginx" || container.role === "fpm" ? container.role : "other",
    stopSignal: STOP_SIGNALS.find((s) => s === signal.value) ?? "SIGTERM",
    stopSignalSource: container.lifecycleStopSignal
      ? "lifecycle"
      : container.imageFacts.stopSignal.loc || container.imageFacts.role
        ? "image"
        : "default",
    pid1: container.pid1.form === "shell-wrapper" && container.role !== "other" ? "shell-wrapper" : "exec",
  };
  // The image's `sh`, as the model reads it (identity/known-images.ts, a linked Dockerfile's FROM).
  const shell = container.imageFacts.shell;
  if (shell === "busybox" || shell === "bash" || shell === "dash") plan.shell = shell;
  const preStop = preStopPlan(container);
  if (preStop) plan.preStop = preStop;
  const readiness = readinessPlan(container);
  if (readiness) plan.readiness = readiness;
  const probe = container.readinessProbe;
  if (readiness && probe) {
    plan.readinessTiming = {
      periodSeconds: probe.periodSeconds ?? 10,
      failureThreshold: probe.failureThreshold ?? 3,
      successThreshold: probe.successThreshold ?? 1,
    };
  }
  if (container.sidecar) plan.sidecar = true;
  const nginxSetting = (key: string) =>
    container.settings.filter((s) => s.scope === "nginx" && s.key === key).map((s) => s.value.trim());
  const pool = Number(nginxSetting("keepalive")[0]);
  if (container.role === "nginx" && nginxSetting("fastcgi_keep_conn").includes("on") && pool > 0)
    plan.fastcgiKeepAlive = pool;
  if (container.role === "nginx") {
    const own = container.configs.flatMap((c, i) =>
      c.placement === "nginx" && c.origin.kind !== "dockerfile"
        ? [
            {
              name: c.origin.file === "-" ? `stdin-${i}.conf` : c.origin.file,
              ...(c.destination ? { destination: c.destination } : {}),
              text: c.origin.text,
            },
          ]
        : [],
    );
    if (own.length > 0) plan.nginxConfigs = own;
  }
  if (container.role === "fpm") {
    plan.processControlTimeoutSeconds = processControlTimeout(container).value;
    const ini = container.settings.filter(
      (s) => s.scope === "php-ini" && s.key === "process_control_timeout",
    );
    if (ini.length > 0) plan.phpIniLines = ini.map((s) => `${s.key}=${s.value}`);
    const own = container.configs.flatMap((c, i) =>
      (c.placement === "fpm-main" || c.placement === "fpm-include") && c.origin.kind !== "dockerfile"
        ? [{ name: `user-${i}.conf`, text: c.origin.text }]
        : [],
    );
    if (own.length > 0) plan.fpmConfigs = own;
  }
  return plan;
}

function preStopPlan(container: Container): PreStopPlan | undefined {
  const hook = container.preStop;
  if (!hook) return undefined;
  if (hook.kind === "sleep") return { kind: "sleep", seconds: hook.seconds };
  if (hook.kind === "exec") return { kind: "exec", command: hook.command };
  const port = typeof hook.port === "number" ? hook.port : Number(hook.port) || (container.ports[0] ?? 80);
  return { kind: "httpGet", path: hook.path, port };
}

function readinessPlan(container: Container): ReadinessPlan | undefined {
  const port = container.ports[0] ?? (container.role === "fpm" ? 9000 : 80);
  // The rehearsal's pods listen on their own ports; a probe of the declared kind on the container's port.
  if (container.readinessProbe?.kind === "tcpSocket") return { kind: "tcpSocket", port };
  if (container.readinessProbe?.kind === "httpGet") return { kind: "httpGet", path: "/", port };
  return undefined;
}
