import type { Container, SourceLocation, Workload } from "../../model/types.js";
import { fmt } from "../../timeline/timeline.js";

export { fmt };

/** Where a finding about a container's stop signal reads best: the setting that decides it. */
export function stopSignalLoc(container: Container): SourceLocation {
  return container.lifecycleStopSignal?.loc ?? container.imageFacts.stopSignal.loc ?? container.loc;
}

/** Where a finding about a container's preStop reads best: the hook, or the container's name. */
export function preStopLoc(container: Container): SourceLocation {
  return container.preStop?.loc ?? container.loc;
}

/** Containers that serve requests: php-fpm, and nginx in front of it. */
export function servingContainers(workload: Workload): Container[] {
  return workload.containers.filter((c) => c.role === "fpm" || c.role === "nginx");
}

/** Workloads that run to completion serve no traffic and have no rollout to protect. */
export function servesTraffic(workload: Workload): boolean {
  return workload.kind !== "Job" && workload.kind !== "CronJob";
}

/** Rounds a propagation budget and margin up to a whole number of seconds for a suggested preStop. */
export function suggestedDelay(propagationSeconds: number): number {
  return Math.ceil(propagationSeconds) + 1;
}
