import { longestRequest, processControlTimeout, stopSignal } from "../model/effective.js";
import { execScript, targetsServer } from "../model/shell.js";
import {
  type Assumptions,
  type Container,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_GRACE_PERIOD_SECONDS,
  type Front,
  type Workload,
} from "../model/types.js";
import { stopInstants, stopPrerequisites } from "./kubelet.js";
import { reactionOf } from "./reaction.js";
import type { ContainerTimeline, FailureWindow, SignalDelivery, Timeline, TimelineEvent } from "./types.js";

/**
 * Predicts a workload's termination per the kubelet's contract: endpoint removal starts at deletion and
 * lands after the propagation budget, in parallel with each container's preStop; then the container's stop
 * signal; SIGKILL when the grace period (less the preStop's whole seconds, at least 2 s) ends. Native
 * sidecars get their stop signal after every main container has exited. php-fpm and nginx react to each
 * signal as measured in FACTS.md, and the failure windows say which requests fail, when and why.
 *
 * @example
 *   const timeline = computeTimeline(workload, { propagationSeconds: 5, maxRequestSeconds: 30, kubeVersion: "1.33" });
 *   timeline.failureWindows; // [{ kind: "in-flight-killed", from: 10, cause: "fpm-quit-without-timeout", … }]
 */
export function computeTimeline(workload: Workload, assumptions: Assumptions): Timeline {
  const E = assumptions.propagationSeconds;
  const grace = workload.gracePeriodSeconds?.value ?? DEFAULT_GRACE_PERIOD_SECONDS;
  const fpm = workload.containers.find((c) => c.role === "fpm");
  const R = longestRequest(fpm, assumptions).value;
  const notes = new Set<string>();
  const containers: ContainerTimeline[] = [];
  // php-fpm before nginx: nginx's drain of proxied requests ends when the php-fpm of its pod has exited.
  const main = workload.containers.filter((c) => !c.sidecar);
  // FastCGI keep-alive from this pod's nginx holds php-fpm's workers while nginx lives (reaction.ts).
  const keepAlive = workload.containers.some(usesFastcgiKeepAlive);
  if (keepAlive)
    notes.add("nginx keeps FastCGI connections alive: php-fpm's finish lasts while nginx holds them");
  const held = keepAlive ? Number.POSITIVE_INFINITY : undefined;
  for (const container of main.filter((c) => c.role !== "nginx"))
    containers.push(containerTimeline(container, grace, undefined, R, assumptions, notes, undefined, held));
  const fpmExit = containers.some((c) => c.role === "fpm")
    ? containers.reduce((latest, c) => (c.role === "fpm" ? Math.max(latest, c.exitAt) : latest), -Infinity)
    : Number.POSITIVE_INFINITY;
  for (const container of main.filter((c) => c.role === "nginx"))
    containers.push(containerTimeline(container, grace, undefined, R, assumptions, notes, fpmExit));
  const nginxExit = Math.max(
    Number.NEGATIVE_INFINITY,
    ...containers.filter((c) => c.role === "nginx").map((c) => c.exitAt),
  );
  if (keepAlive) {
    // Now that nginx's exit is known: the cached connections close with it.
    for (const [i, c] of containers.entries()) {
      const container = main.find((m) => m.name === c.container);
      if (c.role === "fpm" && container)
        containers[i] = containerTimeline(
          container,
          grace,
          undefined,
          R,
          assumptions,
          notes,
          undefined,
          nginxExit,
        );
    }
  }
  // Native sidecars wait for their turn (timeline/kubelet.ts): every main container, and the sidecar
  // declared after them, have exited; so they stop in reverse order of declaration.
  const prerequisites = stopPrerequisites(workload.containers);
  for (const container of workload.containers.filter((c) => c.sidecar).reverse()) {
    const waitsFor = prerequisites.get(container.name) ?? [];
    const turnAt = Math.max(
      0,
      ...containers.filter((t) => waitsFor.includes(t.container)).map((t) => t.exitAt),
    );
    const heldUntil = keepAlive && container.role === "fpm" ? nginxExit : undefined;
    containers.push(
      containerTimeline(container, grace, turnAt, R, assumptions, notes, Number.POSITIVE_INFINITY, heldUntil),
    );
  }
  const ordered = workload.containers.map(
    (c) => containers.find((t) => t.container === c.name) as ContainerTimeline,
  );
  const front = assumptions.front ?? DEFAULT_ASSUMPTIONS.front;
  const failureWindows = failureWindowsOf(ordered, E, R, front);
  if (front === "l4" && ordered.some((c) => c.role === "nginx"))
    notes.add(
      "front l4: a kube-proxy Service; a client's keep-alive connection stays on this pod's nginx until nginx closes it (--front l7: an ingress that balances each request)",
    );
  return {
    workload: workload.id,
    propagationSeconds: E,
    front,
    gracePeriodSeconds: grace,
    longestRequestSeconds: R,
    containers: ordered,
    events: eventsOf(ordered, E, grace),
    failureWindows,
    podExitSeconds: Math.max(0, ...ordered.map((c) => c.exitAt)),
    assumptions: [...notes],
  };
}

function containerTimeline(
  container: Container,
  grace: number,
  sidecarStartsAt: number | undefined,
  R: number,
  assumptions: Assumptions,
  notes: Set<string>,
  upstreamExitAt = Number.POSITIVE_INFINITY,
  heldUntil?: number,
): ContainerTimeline {
  const signals: SignalDelivery[] = [];
  const wrapper = container.pid1.form === "shell-wrapper";
  // A supervisor as PID 1 that ignores the image's stop signal (s6-svscan and SIGQUIT), while the manifest
  // keeps the image's ENTRYPOINT: that signal reaches nothing, from the kubelet or from a preStop kill.
  const supervisor = container.command.length === 0 ? container.imageFacts.pid1IgnoresStopSignal : undefined;
  const imageSignal = container.imageFacts.stopSignal.value;
  const ignoredByPid1 = (signal: string) =>
    supervisor !== undefined && signal === imageSignal
      ? `PID 1 (${supervisor.value}) ignores ${signal}: nothing stops until SIGKILL (${supervisor.source})`
      : undefined;
  const hook = container.preStop;
  let endsAt = 0;
  let failure: string | undefined;
  /** Set when the hook waited for the server to exit: the stop signal then reaches an exited container. */
  let exitedInHook = false;
  if (hook?.kind === "sleep") endsAt = hook.seconds;
  if (hook?.kind === "exec") {
    const declared = execScript(hook.command).shell;
    const shell = declared === "image" || declared === "none" ? container.imageFacts.shell : declared;
    endsAt = hook.analysis.durationSeconds ?? hook.analysis.delaySeconds;
    if (hook.analysis.opaque)
      notes.add(`${container.name}: preStop script read as running at least ${endsAt}s`);
    for (const kill of hook.analysis.kills) {
      if (kill.rejectedBy.includes(shell)) {
        failure = `\`kill ${kill.spelling}\` fails in ${shell} (Illegal option), exit 2: the hook ends at ${kill.atSeconds}s without signalling`;
        endsAt = Math.min(endsAt, kill.atSeconds);
        signals.push({
          at: kill.atSeconds,
          signal: kill.signal ?? "?",
          from: "preStop",
          delivered: false,
          note: failure,
        });
        break;
      }
      if (!targetsServer(kill) || kill.signal === undefined) continue;
      const toPid1 = /(^|\s)1(\s|$)/.test(kill.target);
      const dropped = wrapper && toPid1;
      const ignored = toPid1 ? ignoredByPid1(kill.signal) : undefined;
      signals.push({
        at: kill.atSeconds,
        signal: kill.signal,
        from: "preStop",
        delivered: !dropped && !ignored,
        note: dropped
          ? "PID 1 is a shell that does not exec the server: the kernel drops the signal"
          : ignored
            ? ignored
            : kill.whenIdle
              ? `preStop's drain hook sends SIGQUIT once no request is in flight (within ${fmt(kill.whenIdle.idleBoundSeconds)})`
              : `preStop runs kill ${kill.spelling} ${kill.target}`,
        ...(kill.whenIdle ? { whenIdle: kill.whenIdle } : {}),
      });
    }
    // A hook that waits for PID 1 to exit after its kill lasts until the server exits (exec hooks have no
    // timeout of their own: kubelet `lifecycle/handlers.go`), then the stop signal finds nothing to stop.
    if (hook.analysis.waitsForExit && !failure && signals.some((s) => s.delivered)) {
      const pctNow = container.role === "fpm" ? processControlTimeout(container).value : 0;
      const alone = reactionOf(container.role, [...signals], pctNow, R, upstreamExitAt);
      endsAt = Number.isFinite(alone.exitAt) ? alone.exitAt : grace;
      exitedInHook = Number.isFinite(alone.exitAt) && alone.exitAt <= grace;
    }
  }
  if (hook?.kind === "httpGet") notes.add(`${container.name}: preStop httpGet read as returning at once`);
  const overran = endsAt > grace;
  const hookEnd = Math.min(endsAt, grace);
  // After an overrunning preStop the kubelet sends the stop signal at the deadline and allows 2 s more.
  const { stopAt, sigkillAt } = stopInstants({
    graceSeconds: grace,
    preStopSeconds: hook ? endsAt : undefined,
    ...(sidecarStartsAt !== undefined ? { turnAt: sidecarStartsAt } : {}),
  });
  const signal = stopSignal(container, assumptions.kubeVersion);
  if (signal.loc === undefined) notes.add(`${container.name}: ${signal.because}`);
  if (container.pid1.shellUnknown) {
    notes.add(
      `${container.name}: the image's /bin/sh is unknown: PID 1 (${container.pid1.command}) is taken to keep the server as its child, as dash does`,
    );
  }
  if (container.pid1.form === "unknown" && container.pid1.origin !== "image-default") {
    notes.add(`${container.name}: PID 1 (${container.pid1.command}) is taken to exec the server`);
  }
  // containerd parses only `SIGNAME` or a number: `STOPSIGNAL QUIT` fails the kill (docker-library/php#907).
  const unparsable = !isSignalSpelling(signal.value);
  const ignored = container.lifecycleStopSignal ? undefined : ignoredByPid1(signal.value);
  signals.push({
    at: stopAt,
    signal: signal.value,
    from: "stop-signal",
    delivered: !wrapper && !unparsable && !exitedInHook && !ignored,
    note: exitedInHook
      ? "the server has already exited under its preStop hook: nothing to signal"
      : unparsable
        ? `the runtime cannot parse stop signal "${signal.value}" (FailedKillPod): nothing is sent`
        : wrapper
          ? "PID 1 is a shell that does not exec the server: the kernel drops the signal"
          : (ignored ?? signal.because),
  });
  signals.push({
    at: sigkillAt,
    signal: "SIGKILL",
    from: "grace-period",
    delivered: true,
    note: "grace period over",
  });
  signals.sort((a, b) => a.at - b.at);
  const pctDerived = container.role === "fpm" ? processControlTimeout(container) : undefined;
  const pct = pctDerived?.value ?? 0;
  if (pctDerived && pctDerived.loc === undefined && container.unseenConfigs.length > 0) {
    notes.add(
      `${container.name}: process_control_timeout read as 0; ${container.unseenConfigs.join(", ")} is not among the inputs`,
    );
  }
  const reaction = reactionOf(container.role, signals, pct, R, upstreamExitAt, heldUntil);
  return {
    container: container.name,
    role: container.role,
    sidecar: container.sidecar,
    preStop: { kind: hook?.kind ?? "none", endsAt: hookEnd, overran, failure },
    signals,
    stopSignalAt: stopAt,
    sigkillAt,
    ...reaction,
    ...(container.role === "fpm" ? { processControlTimeoutSeconds: pct } : {}),
  };
}

/**
 * Turns each container's reaction into the windows in which requests fail. The front decides how long
 * requests reach a pod with nginx: `l7` (an ingress balancing each request to ready pod IPs, as
 * ingress-nginx does) until the endpoint removal has propagated; `l4` (a kube-proxy Service, connection
 * level) on established client keep-alive connections until nginx closes them.
 */
function failureWindowsOf(
  containers: ContainerTimeline[],
  E: number,
  R: number,
  assumedFront: Front,
): FailureWindow[] {
  const windows: FailureWindow[] = [];
  const nginx = containers.find((c) => c.role === "nginx");
  const serving = containers.filter((c) => c.role === "fpm" || c.role === "nginx");
  const front = nginx ?? serving[0];
  if (!front) return windows;
  // New connections reach the pod until the propagation budget is spent, or until the front closes.
  if (front.closesAt < E) {
    windows.push({
      container: front.container,
      kind: front.afterClose,
      cause: "closed-before-propagation",
      from: front.closesAt,
      to: E,
      explanation:
        front.afterClose === "backlog"
          ? `${front.container} stops answering at ${fmt(front.closesAt)} while endpoints still route to the pod until ${fmt(E)}: new connections wait in php-fpm's open backlog, then get 502`
          : `${front.container} closes its listener at ${fmt(front.closesAt)} while endpoints still route to the pod until ${fmt(E)}: new connections are refused (502)`,
    });
  }
  const lastArrival = Math.min(E, front.closesAt);
  for (const c of serving) {
    if (nginx && c.role === "fpm") {
      const nginxOpen = Math.min(E, nginx.closesAt);
      if (c.closesAt < nginxOpen) {
        windows.push({
          container: c.container,
          kind: c.afterClose,
          cause: "fpm-closed-behind-nginx",
          from: c.closesAt,
          to: nginxOpen,
          explanation: `php-fpm stops taking new requests at ${fmt(c.closesAt)} while nginx in the same pod still accepts them until ${fmt(nginxOpen)}: they get 502`,
        });
      }
    }
    if (assumedFront === "l4" && nginx && c.role === "fpm") {
      // Keep-alive clients pinned to this pod's nginx send past the propagation, until nginx closes.
      const from = Math.max(E, c.closesAt);
      if (from < nginx.closesAt) {
        windows.push({
          container: c.container,
          kind: c.afterClose,
          cause: "keepalive-pinned",
          from,
          to: nginx.closesAt,
          explanation: `front l4: clients' keep-alive connections stay on this pod's nginx after php-fpm stops at ${fmt(c.closesAt)}, until nginx closes them at ${fmt(nginx.closesAt)}: their requests get 502`,
        });
      }
    }
    const arrivals =
      assumedFront === "l4" && nginx
        ? Math.max(lastArrival, Math.min(nginx.closesAt, nginx.exitAt))
        : lastArrival;
    windows.push(...inFlightWindows(c, arrivals, E, R, assumedFront));
  }
  return windows.sort((a, b) => a.from - b.from);
}

function inFlightWindows(
  c: ContainerTimeline,
  lastArrival: number,
  E: number,
  R: number,
  front: Front,
): FailureWindow[] {
  const out: FailureWindow[] = [];
  for (const kill of c.kills ?? []) {
    // Requests arrive until `lastArrival` and run at most R: a kill after that finds none in flight.
    // Behind an ingress (l7), requests are sent on idle keep-alive connections to the pod only while
    // endpoints still route to it; behind a kube-proxy Service (l4), clients hold them until nginx closes.
    const keepAliveUntil = front === "l4" ? Number.POSITIVE_INFINITY : E;
    if (kill.kind === "keepalive-reset" ? kill.at >= keepAliveUntil : kill.at >= lastArrival + R) continue;
    out.push({
      container: c.container,
      kind: kill.kind,
      cause: kill.cause,
      from: kill.at,
      to: kill.at,
      ...(kill.runningLongerThan !== undefined ? { runningLongerThan: kill.runningLongerThan } : {}),
      explanation: kill.explanation,
    });
  }
  return out;
}

function eventsOf(containers: ContainerTimeline[], E: number, grace: number): TimelineEvent[] {
  const events: TimelineEvent[] = [
    {
      at: 0,
      container: undefined,
      text: "pod marked for deletion: endpoint removal and preStop hooks start",
    },
    {
      at: E,
      container: undefined,
      text: `endpoint removal has propagated (budget ${fmt(E)}): no new connections`,
    },
    { at: grace, container: undefined, text: `grace period (${fmt(grace)}) ends` },
  ];
  for (const c of containers) {
    if (c.preStop.kind !== "none") {
      events.push({
        at: c.preStop.endsAt,
        container: c.container,
        text: `preStop (${c.preStop.kind}) ${c.preStop.failure ? `fails: ${c.preStop.failure}` : "ends"}`,
      });
    }
    for (const s of c.signals) {
      if (s.from === "grace-period" && s.at > c.exitAt) continue;
      if (!s.delivered && s.from === "preStop" && c.preStop.failure) continue;
      events.push({
        at: s.at,
        container: c.container,
        text: `${s.signal} ${s.delivered ? "delivered" : "not delivered"}: ${s.note}`,
      });
    }
    if (c.drain)
      events.push({
        at: c.drain.from,
        container: c.container,
        text: `graceful finish until ${fmt(c.drain.until)}`,
      });
    events.push({
      at: c.exitAt,
      container: c.container,
      text: `${c.container} exits${c.drain ? " (at the latest)" : ""}`,
    });
  }
  return events.sort((a, b) => a.at - b.at);
}

export function fmt(seconds: number): string {
  return Number.isFinite(seconds) ? `${Number(seconds.toFixed(1))}s` : "never";
}

/** nginx with `fastcgi_keep_conn on` and an upstream `keepalive` pool (connections cached to php-fpm). */
function usesFastcgiKeepAlive(container: Container): boolean {
  if (container.role !== "nginx") return false;
  const on = (key: string) => container.settings.filter((s) => s.scope === "nginx" && s.key === key);
  return (
    on("fastcgi_keep_conn").some((s) => s.value.trim() === "on") &&
    on("keepalive").some((s) => Number(s.value) > 0)
  );
}

/** A stop signal spelled as the container runtimes parse it: `SIGQUIT` or a number, not `QUIT`. */
export function isSignalSpelling(value: string): boolean {
  return /^SIG[A-Z0-9+-]+$/.test(value) || /^\d+$/.test(value);
}
