import type { Container, SourceLocation, Workload } from "../../model/types.js";
import { fmt } from "../../timeline/timeline.js";
import type { FailureCause, FailureWindow, SignalDelivery } from "../../timeline/types.js";
import type { RuleContext, Unknown } from "../types.js";

export { fmt };

/** Where a finding about a container's stop signal reads best: the setting that decides it. */
export function stopSignalLoc(container: Container): SourceLocation {
  const { dockerfile, dockerfileFromLine } = container.imageFacts;
  // An inherited stop signal is changed where the fix writes STOPSIGNAL: after the linked stage's FROM.
  const from =
    dockerfile && dockerfileFromLine !== undefined
      ? { file: dockerfile, line: dockerfileFromLine, column: 1 }
      : undefined;
  return container.lifecycleStopSignal?.loc ?? container.imageFacts.stopSignal.loc ?? from ?? container.loc;
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

/**
 * Whether the container's preStop is a drain hook (or one like it): it sends SIGQUIT only once php-fpm has
 * no request in flight and waits for it to exit, so neither process_control_timeout nor the stop signal
 * decides anything (src/drain/hook.ts).
 */
export function drainsWhenIdle(container: Container): boolean {
  const hook = container.preStop;
  return (
    hook?.kind === "exec" &&
    hook.analysis.waitsForExit === true &&
    hook.analysis.kills.some((k) => k.whenIdle)
  );
}

/** The container's stop signal when it is unknown (an image the table does not know, no Dockerfile linked). */
export function unknownStopSignal(container: Container): Unknown | undefined {
  const signal = container.imageFacts.stopSignal;
  if (container.lifecycleStopSignal || signal.loc !== undefined || !signal.unknown) return undefined;
  return {
    fact: `the stop signal of ${container.name}'s image ${container.image || ""} is unknown; SIGTERM, the runtime's default, is assumed`.replace(
      "  ",
      " ",
    ),
    settle: `if the image sets STOPSIGNAL, link its Dockerfile (\`--dockerfile ${container.name}=PATH\`) or declare it (annotation \`fpm-graceful.io/stop-signal.${container.name}: SIGQUIT\`)`,
  };
}

/**
 * The containers of a role whose stop is hard (a failure window of `cause`), each with the signal that
 * opened the window (a stop signal, or one sent by the preStop), shared by `fpm-hard-stop` and
 * `nginx-hard-stop`.
 */
export function hardStops(
  context: RuleContext,
  role: "fpm" | "nginx",
  cause: FailureCause,
): { container: Container; window: FailureWindow; signal: SignalDelivery | undefined }[] {
  return context.workload.containers
    .filter((c) => c.role === role)
    .flatMap((container) => {
      const window = context.windows(cause, container)[0];
      if (!window) return [];
      const signal = context.timelineOf(container).signals.find((s) => s.delivered && s.at === window.from);
      return [{ container, window, signal }];
    });
}
