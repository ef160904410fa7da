/** The rehearsal's public API: run strategies against real nginx + php-fpm, and render what was measured. */
export { type ClassifyContext, classify, FAILURE_KINDS, type FailureKind } from "./classify.js";
export type { MixEntry, RequestRecord } from "./load.js";
export type {
  ContainerPlan,
  PodPlan,
  PreStopPlan,
  ReadinessPlan,
  RehearsalPlan,
  RehearsalRole,
  RolloutPlan,
  StopSignal,
  Topology,
} from "./plan.js";
export { renderHtml, renderJson, renderTable, toJson } from "./report.js";
export type {
  ClassifiedRequest,
  PodTermination,
  RehearsalResult,
  RehearsalScenario,
  StrategyResult,
} from "./result.js";
export { DEFAULT_APP, RehearseError, type RehearseOptions, rehearse } from "./run.js";
export { STRATEGY_NAMES, type StrategyName, type StrategyScenario, strategyPlan } from "./strategies.js";
