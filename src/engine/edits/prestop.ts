import { type FixTargets, GRACE_MARGIN_SECONDS } from "../../advice/values.js";
import { type DrainHookParams, drainHookCommand, drainHookMaxSeconds } from "../../drain/hook.js";
import type { Fix } from "../../fix/types.js";
import { processControlTimeout } from "../../model/effective.js";
import { listenerOf } from "../../model/listener.js";
import { execScript, targetsServer, userCommands } from "../../model/shell.js";
import type { Container, Workload } from "../../model/types.js";
import { processControlTimeoutFix, stopSignalFix } from "./php-fpm.js";
import { graceEdits, manifest } from "./pod.js";

/** Edits of a container's preStop: a wait that keeps the user's own commands, or the drain hook. */

/**
 * A preStop that waits `seconds` before the stop signal: native `sleep` where the version has it, else
 * `exec: [sleep, N]`. A user's hook is never lost: one that only waits or signals the server (what the stop
 * signal then does) is replaced, and the description says what it drops; one that runs a command of its
 * own (`php artisan horizon:terminate`, a deregistration call) keeps it, the wait put in front; an
 * `httpGet` hook cannot carry a wait, and is left for a change by hand.
 */
export function preStopSleepFix(
  workload: Workload,
  container: Container,
  targets: FixTargets,
  seconds = targets.preStopSeconds,
  drainWhenNeeded = true,
): Fix | undefined {
  if (workload.kind === "Image") return undefined;
  // A wait alone leaves php-fpm's stop as hard as it was when nothing among the inputs can fix it.
  const why = drainWhenNeeded ? drainReason(workload, container, targets) : undefined;
  const drain = why ? drainHookFix(workload, container, targets, why) : undefined;
  if (drain) return drain;
  const hook = container.preStop;
  if (hook?.kind === "httpGet") return undefined;
  const path = [...container.path, "lifecycle", "preStop"];
  if (hook?.kind === "exec") {
    const own = userCommands(hook.script);
    if (own.length > 0) {
      // Its own commands and a kill of the server: which to keep is the user's call.
      if (hook.analysis.kills.some(targetsServer)) return undefined;
      const wait = seconds - hook.analysis.delaySeconds;
      if (wait <= 0) return undefined;
      const { shell } = execScript(hook.command);
      const command =
        shell === "none"
          ? ["/bin/sh", "-c", `sleep ${wait}; exec ${hook.command.map(shellQuote).join(" ")}`]
          : [hook.command[0] ?? "/bin/sh", hook.command[1] ?? "-c", `sleep ${wait}; ${hook.script}`];
      return {
        description: `${container.name}: preStop waits ${wait}s, then runs its own command as before (\`${own[0]}\`${own.length > 1 ? ", …" : ""})`,
        edits: [manifest(workload, [...path, "exec", "command"], command), ...graceEdits(workload, targets)],
      };
    }
  }
  const value = targets.nativeSleep
    ? { sleep: { seconds } }
    : { exec: { command: ["sleep", String(seconds)] } };
  const dropped =
    hook?.kind === "exec" && hook.analysis.kills.length > 0
      ? ` (replaces \`${hook.script}\`: the stop signal that follows the hook signals the server)`
      : "";
  return {
    description: `${container.name}: preStop ${targets.nativeSleep ? `sleep: {seconds: ${seconds}}` : `exec: [sleep, "${seconds}"]`}${dropped}`,
    edits: [manifest(workload, path, value), ...graceEdits(workload, targets)],
  };
}

/**
 * Why php-fpm needs the drain hook: its stop is not graceful (a stop signal other than SIGQUIT, or
 * process_control_timeout 0) and no edit among the inputs can change that (no Dockerfile to set
 * STOPSIGNAL, no config to hold a `[global]`). Undefined when a Dockerfile or config fix can do it, or when
 * the hook is already there.
 */
function drainReason(workload: Workload, container: Container, targets: FixTargets): string | undefined {
  if (container.role !== "fpm" || container.sidecar || drainsAlready(container)) return undefined;
  const signal = container.lifecycleStopSignal?.value ?? container.imageFacts.stopSignal.value;
  const unknown =
    container.imageFacts.stopSignal.loc === undefined && container.imageFacts.stopSignal.unknown;
  if (!container.lifecycleStopSignal && (signal !== "SIGQUIT" || unknown) && !stopSignalFix(container)) {
    return unknown
      ? `the image's stop signal is unknown and no Dockerfile among the inputs sets it`
      : `the image stops php-fpm with ${signal} and no Dockerfile among the inputs can change that`;
  }
  if (processControlTimeout(container).value <= 0 && !processControlTimeoutFix(workload, container, targets))
    return "no php-fpm config among the inputs can take a [global] process_control_timeout";
  return undefined;
}

function drainsAlready(container: Container): boolean {
  const hook = container.preStop;
  return hook?.kind === "exec" && hook.analysis.kills.some((k) => k.whenIdle) === true;
}

/**
 * The drain hook (src/drain/hook.ts) as php-fpm's preStop: wait the preStop delay, then until php-fpm has
 * no request in flight (at most the recommended process_control_timeout), SIGQUIT, wait for it to exit.
 * It needs neither STOPSIGNAL nor process_control_timeout; the grace period is raised to cover it. Not for
 * a listener the inputs do not show, nor over a hook that runs commands of its own.
 */
function drainHookFix(
  workload: Workload,
  container: Container,
  targets: FixTargets,
  why: string,
): Fix | undefined {
  const hook = container.preStop;
  if (hook?.kind === "httpGet" || (hook?.kind === "exec" && userCommands(hook.script).length > 0))
    return undefined;
  const known = listenerOf(container);
  // The declared containerPort is only a claim; if it is wrong the hook finds nothing in flight and
  // degrades to "wait, then SIGQUIT", still no worse than without it. The description says so.
  const declared = container.ports[0];
  const listener =
    known.kind === "unknown" && declared !== undefined
      ? {
          kind: "tcp" as const,
          port: declared,
          loopbackOnly: false,
          because: `the declared containerPort ${declared} (assumed)`,
        }
      : known;
  if (
    listener.kind === "unknown" ||
    (listener.kind === "tcp" && !(listener.port >= 1 && listener.port <= 65535))
  )
    return undefined;
  const params: DrainHookParams = {
    propagationSeconds: targets.preStopSeconds,
    longestRequestSeconds: targets.processControlTimeoutSeconds,
    listen:
      listener.kind === "unix" ? { kind: "unix", path: listener.path } : { kind: "tcp", port: listener.port },
  };
  let command: string[];
  let grace: number;
  try {
    command = drainHookCommand(params);
    grace = Math.max(
      targets.gracePeriodSeconds,
      Math.ceil(drainHookMaxSeconds(params)) + GRACE_MARGIN_SECONDS,
    );
  } catch {
    // The generator refuses values out of range (a socket path it cannot quote, a bound over an hour): no hook.
    return undefined;
  }
  return {
    description: `${container.name}: preStop drain hook (waits ${params.propagationSeconds}s, then until no request is in flight on ${listener.kind === "unix" ? listener.path : `port ${listener.port}`}, at most ${params.longestRequestSeconds}s, then SIGQUIT and waits for php-fpm to exit; needs /bin/sh, sleep and /proc in the image; listener: ${listener.because}), because ${why}`,
    edits: [
      manifest(workload, [...container.path, "lifecycle", "preStop"], {
        exec: { command },
      }),
      ...graceEdits(workload, { ...targets, gracePeriodSeconds: grace }),
    ],
  };
}

/** The drain hook for php-fpm where nothing else among the inputs can make its stop graceful, else undefined. */
export function drainFixIfNeeded(
  workload: Workload,
  container: Container,
  targets: FixTargets,
): Fix | undefined {
  if (workload.kind === "Image") return undefined;
  const why = drainReason(workload, container, targets);
  return why ? drainHookFix(workload, container, targets, why) : undefined;
}

/** A word as `sh` reads it back unchanged. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
