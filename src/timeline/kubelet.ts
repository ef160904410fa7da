/**
 * The kubelet's termination contract, as one set of pure functions that the model (`timeline.ts`) and the
 * rehearsal's kubelet (`rehearse/kubelet.ts`) both follow, so that they cannot drift apart. From
 * kubernetes/kubernetes `pkg/kubelet/kuberuntime/kuberuntime_container.go` (`killContainer`):
 *
 *   if preStop != nil && gracePeriod > 0 { gracePeriod -= executePreStopHook(…, gracePeriod) }
 *   if ordering != nil && gracePeriod > 0 { gracePeriod -= int64(ordering.waitForTurn(name, gracePeriod)) }
 *   if gracePeriod < minimumGracePeriodInSeconds { gracePeriod = minimumGracePeriodInSeconds }
 *   runtimeService.StopContainer(ctx, containerID, gracePeriod)   // stop signal, SIGKILL gracePeriod later
 *
 * `executePreStopHook` waits for the hook at most `gracePeriod` seconds and returns the elapsed time truncated
 * to whole seconds; `waitForTurn` (`kuberuntime_termination_order.go`) waits, at most the remaining grace,
 * until the containers this one must outlive have exited, and its float seconds are truncated too. Every
 * container runs these steps at once (`killContainersWithSyncResult` starts one goroutine per container).
 *
 * @example
 *   stopInstants({ graceSeconds: 30, preStopSeconds: 10.9 }); // { stopAt: 10.9, sigkillAt: 30.9 }
 */

/** kubelet's `minimumGracePeriodInSeconds`: at least this long between the stop signal and SIGKILL. */
export const MINIMUM_GRACE_SECONDS = 2;

/** Grace seconds left after a preStop hook that ran `elapsedSeconds` (whole seconds are subtracted). */
export function graceAfterPreStop(graceSeconds: number, elapsedSeconds: number): number {
  if (graceSeconds <= 0) return graceSeconds;
  return graceSeconds - Math.floor(Math.min(elapsedSeconds, graceSeconds));
}

/** Grace seconds left after waiting `waitedSeconds` for this container's turn (whole seconds subtracted). */
export function graceAfterTurn(remainingSeconds: number, waitedSeconds: number): number {
  if (remainingSeconds <= 0) return remainingSeconds;
  return remainingSeconds - Math.floor(Math.min(waitedSeconds, remainingSeconds));
}

/** The seconds the runtime waits between the stop signal and SIGKILL: what is left, at least 2. */
export function stopGraceSeconds(remainingSeconds: number): number {
  return Math.max(MINIMUM_GRACE_SECONDS, remainingSeconds);
}

/**
 * The containers each container must wait for before its stop signal (`newTerminationOrdering`): main
 * containers none; a native sidecar every main container, and the sidecar declared right after it (so
 * sidecars stop in reverse order of declaration). `containers` in declaration order, sidecars (init
 * containers) first. A Map: container names are data, never object keys.
 */
export function stopPrerequisites(
  containers: readonly { name: string; sidecar: boolean }[],
): Map<string, string[]> {
  const mains = containers.filter((c) => !c.sidecar).map((c) => c.name);
  const prerequisites = new Map<string, string[]>(mains.map((name) => [name, []]));
  let later: string | undefined;
  for (const sidecar of containers.filter((c) => c.sidecar).reverse()) {
    prerequisites.set(sidecar.name, later === undefined ? [...mains] : [...mains, later]);
    later = sidecar.name;
  }
  return prerequisites;
}

/**
 * When the stop signal and SIGKILL come, in seconds since deletion, for a container whose preStop hook ends
 * at `preStopSeconds` (undefined: no hook) and whose turn comes at `turnAt` (native sidecars: when the
 * containers it waits for have exited; undefined: no ordering).
 */
export function stopInstants(input: {
  graceSeconds: number;
  preStopSeconds: number | undefined;
  turnAt?: number;
}): { stopAt: number; sigkillAt: number } {
  let remaining = input.graceSeconds;
  let at = 0;
  if (input.preStopSeconds !== undefined && remaining > 0) {
    at = Math.min(input.preStopSeconds, remaining);
    remaining = graceAfterPreStop(remaining, at);
  }
  if (input.turnAt !== undefined && remaining > 0) {
    const waited = Math.min(Math.max(0, input.turnAt - at), remaining);
    at += waited;
    remaining = graceAfterTurn(remaining, waited);
  }
  return { stopAt: at, sigkillAt: at + stopGraceSeconds(remaining) };
}
