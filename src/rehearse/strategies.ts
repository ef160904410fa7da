/**
 * The built-in strategies as plans, computed for a scenario (propagation, longest request, load).
 * - `naive`: no preStop, SIGTERM (a custom image without STOPSIGNAL).
 * - `seed`: the widely copied recipe, literally (FACTS.md, "The widely copied recipe").
 * - `recommended`: what FACTS.md's "correct setup" prescribes for this scenario.
 */
import { GRACE_MARGIN_SECONDS, recommend } from "../advice/values.js";
import { drainHookCommand, drainHookMaxSeconds } from "../drain/hook.js";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { FPM_PORT } from "./configs.js";
import type { MixEntry } from "./load.js";
import type { ContainerPlan, PodPlan, RehearsalPlan, StopSignal, Topology } from "./plan.js";

export type StrategyName = "naive" | "seed" | "recommended" | "drain";
export const STRATEGY_NAMES: readonly StrategyName[] = ["naive", "seed", "recommended", "drain"];

export interface StrategyScenario {
  topology: Topology;
  propagationSeconds: number;
  jitterSeconds: number;
  replicas: number;
  rps: number;
  mix: MixEntry[];
  /** The seed recipe's image STOPSIGNAL: SIGQUIT (official php-fpm image) or SIGTERM (custom image). */
  seedStopSignal: "SIGQUIT" | "SIGTERM";
}

/** The seed recipe's preStop, literally. */
export const SEED_PRESTOP = ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"];
export const SEED_PHP_INI_LINE = "process_control_timeout=5s";

export function strategyPlan(name: StrategyName, scenario: StrategyScenario): RehearsalPlan {
  switch (name) {
    case "naive":
      return naivePlan(scenario);
    case "seed":
      return seedPlan(scenario);
    case "recommended":
      return recommendedPlan(scenario);
    case "drain":
      return drainPlan(scenario);
  }
}

/**
 * When the image cannot be changed: php-fpm stops with SIGTERM (no STOPSIGNAL) and process_control_timeout
 * is 0, and its preStop is the drain hook `fix` writes (src/drain/hook.ts), with the same recommended
 * values. The rehearsal's pods share the host's network namespace, so the hook filters connections by the
 * pod's address, which the kubelet emulation hands every hook as POD_IP (the downward API's status.podIP).
 */
/**
 * The values `fix`, `init` and the webhook write, from the same formula (advice/values.ts); the
 * rehearsal's propagation is its budget plus the per-connection jitter it adds.
 */
function scenarioAdvice(scenario: StrategyScenario, fpmIsSidecar: boolean) {
  return recommend({
    propagationSeconds: scenario.propagationSeconds + scenario.jitterSeconds,
    longestRequestSeconds: Math.ceil(longestRequestSeconds(scenario.mix)),
    kubeVersion: DEFAULT_ASSUMPTIONS.kubeVersion,
    fpmIsSidecar,
  });
}

function drainPlan(scenario: StrategyScenario): RehearsalPlan {
  const advice = scenarioAdvice(scenario, false);
  const params = {
    propagationSeconds: advice.preStopSeconds,
    longestRequestSeconds: advice.processControlTimeoutSeconds,
    listen: { kind: "tcp" as const, port: FPM_PORT },
    podIpEnv: "POD_IP",
  };
  const grace = Math.max(
    advice.gracePeriodSeconds,
    Math.ceil(drainHookMaxSeconds(params)) + GRACE_MARGIN_SECONDS,
  );
  const php = fpm(scenario, {
    stopSignal: "SIGTERM",
    stopSignalSource: "default",
    preStop: { kind: "exec", command: drainHookCommand(params) },
  });
  const containers =
    scenario.topology === "sidecar"
      ? [nginx({ preStop: { kind: "sleep", seconds: advice.preStopSeconds } }), php]
      : [php];
  return build(
    scenario,
    "drain",
    `SIGTERM image, process_control_timeout 0, preStop drain hook (waits ${advice.preStopSeconds}s, then until idle, at most ${advice.processControlTimeoutSeconds}s, then SIGQUIT), grace ${grace}s`,
    { gracePeriodSeconds: grace, containers },
    [
      `The drain hook waits ${advice.preStopSeconds}s for the endpoint removal, then until php-fpm has no connection in progress, and only then sends SIGQUIT: with process_control_timeout 0 nothing is in flight to kill.`,
      "It waits for php-fpm to exit, so the kubelet's SIGTERM after the hook finds nothing to stop.",
    ],
  );
}

/** Workers per pod: the load's concurrency share, doubled for the rollout, within 8..64. */
export function workersFor(scenario: StrategyScenario): number {
  const meanSeconds = scenario.mix.reduce((sum, e) => sum + (e.share * e.ms) / 1000, 0);
  const perPod = (scenario.rps * meanSeconds) / Math.max(1, scenario.replicas);
  return Math.min(64, Math.max(8, Math.ceil(perPod * 2) + 4));
}

export function longestRequestSeconds(mix: MixEntry[]): number {
  return Math.max(0, ...mix.map((e) => e.ms / 1000));
}

function fpm(scenario: StrategyScenario, fields: Partial<ContainerPlan>): ContainerPlan {
  return {
    name: "php-fpm",
    role: "fpm",
    stopSignal: "SIGTERM",
    stopSignalSource: "default",
    pid1: "exec",
    maxChildren: workersFor(scenario),
    ...fields,
  };
}

function nginx(fields: Partial<ContainerPlan> = {}): ContainerPlan {
  // The official nginx image sets STOPSIGNAL SIGQUIT.
  return {
    name: "nginx",
    role: "nginx",
    stopSignal: "SIGQUIT",
    stopSignalSource: "image",
    pid1: "exec",
    ...fields,
  };
}

function build(
  scenario: StrategyScenario,
  name: string,
  description: string,
  pod: PodPlan,
  notes: string[],
): RehearsalPlan {
  const plan: RehearsalPlan = {
    name,
    description,
    topology: scenario.topology,
    pod,
    rollout: { maxSurge: 1, maxUnavailable: 0 },
    notes,
  };
  if (scenario.topology === "separate") plan.nginxPod = { gracePeriodSeconds: 30, containers: [nginx()] };
  return plan;
}

function naivePlan(scenario: StrategyScenario): RehearsalPlan {
  const term = { stopSignal: "SIGTERM" as StopSignal, stopSignalSource: "default" as const };
  const containers =
    scenario.topology === "sidecar" ? [nginx(term), fpm(scenario, term)] : [fpm(scenario, term)];
  return build(scenario, "naive", "no preStop, SIGTERM at deletion", { gracePeriodSeconds: 30, containers }, [
    "SIGTERM reaches php-fpm at the moment of deletion, while the endpoint removal is still propagating: in-flight requests die (502) and new connections are refused.",
  ]);
}

function seedPlan(scenario: StrategyScenario): RehearsalPlan {
  const php = fpm(scenario, {
    stopSignal: scenario.seedStopSignal,
    stopSignalSource: "image",
    preStop: { kind: "exec", command: [...SEED_PRESTOP] },
    phpIniLines: [SEED_PHP_INI_LINE],
  });
  const containers = scenario.topology === "sidecar" ? [nginx(), php] : [php];
  return build(
    scenario,
    "seed",
    `preStop 'sleep 10 && kill -SIGQUIT 1', process_control_timeout=5s in php.ini, grace 30s, STOPSIGNAL ${scenario.seedStopSignal}`,
    { gracePeriodSeconds: 30, containers },
    [
      "process_control_timeout=5s in a php.ini conf.d file is not read by php-fpm (php-fpm -tt prints 0s): a SIGQUIT kills in-flight requests at once.",
      "With dash as /bin/sh, `kill -SIGQUIT 1` fails (`Illegal option -S`); with busybox it sends SIGQUIT and the hook returns.",
      scenario.seedStopSignal === "SIGTERM"
        ? "The image's stop signal is SIGTERM: it follows the hook and kills in-flight requests."
        : "The image's stop signal SIGQUIT follows the hook at +10 s: with process_control_timeout 0 it kills requests still running.",
      ...(scenario.topology === "sidecar"
        ? [
            "nginx has no preStop: it gets SIGQUIT at deletion and refuses new connections while the endpoint removal propagates.",
          ]
        : []),
    ],
  );
}

function recommendedPlan(scenario: StrategyScenario): RehearsalPlan {
  const longest = Math.ceil(longestRequestSeconds(scenario.mix));
  const advice = scenarioAdvice(scenario, scenario.topology === "sidecar");
  const { preStopSeconds, processControlTimeoutSeconds: pct, gracePeriodSeconds: grace } = advice;
  const margin = GRACE_MARGIN_SECONDS;
  if (scenario.topology === "sidecar") {
    // php-fpm as a native sidecar gets its stop signal only after nginx has exited: nginx keeps serving
    // until php-fpm's work is done, and php-fpm drains nothing new.
    const containers = [
      nginx({ preStop: { kind: "sleep", seconds: preStopSeconds } }),
      fpm(scenario, {
        stopSignal: "SIGQUIT",
        stopSignalSource: "image",
        processControlTimeoutSeconds: pct,
        sidecar: true,
      }),
    ];
    return build(
      scenario,
      "recommended",
      `nginx preStop sleep ${preStopSeconds}s then SIGQUIT; php-fpm native sidecar, SIGQUIT, process_control_timeout ${pct}s in [global]; grace ${grace}s`,
      { gracePeriodSeconds: grace, containers },
      [
        `preStop sleep ${preStopSeconds}s covers the endpoint propagation (${scenario.propagationSeconds}s): nginx gets SIGQUIT only once no new connections arrive.`,
        "php-fpm is a native sidecar: it gets SIGQUIT after nginx has finished its in-flight requests and exited.",
      ],
    );
  }
  const containers = [
    fpm(scenario, {
      stopSignal: "SIGQUIT",
      stopSignalSource: "image",
      preStop: { kind: "sleep", seconds: preStopSeconds },
      processControlTimeoutSeconds: pct,
    }),
  ];
  return build(
    scenario,
    "recommended",
    `preStop sleep ${preStopSeconds}s, STOPSIGNAL SIGQUIT, process_control_timeout ${pct}s in [global], grace ${grace}s`,
    { gracePeriodSeconds: grace, containers },
    [
      `preStop sleep ${preStopSeconds}s covers the endpoint propagation (${scenario.propagationSeconds}s): php-fpm gets SIGQUIT once no new connections arrive.`,
      `process_control_timeout ${pct}s in fpm's [global] lets the longest request (${longest}s) finish; grace ${grace}s covers preStop + drain + ${margin}s.`,
    ],
  );
}
