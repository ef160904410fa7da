import { rule as fpmHardStop } from "./fpm-hard-stop.js";
import { rule as fpmStopsBeforeNginx } from "./fpm-stops-before-nginx.js";
import { rule as gracePeriodShort } from "./grace-period-short.js";
import { rule as nginxHardStop } from "./nginx-hard-stop.js";
import { rule as nginxStopsFirst } from "./nginx-stops-first.js";
import { rule as pid1Wrapper } from "./pid1-wrapper.js";
import { rule as prestopDelayMissing } from "./prestop-delay-missing.js";
import { rule as prestopDelayShort } from "./prestop-delay-short.js";
import { rule as prestopKillOverridden } from "./prestop-kill-overridden.js";
import { rule as prestopKillSyntax } from "./prestop-kill-syntax.js";
import { rule as prestopSleepNative } from "./prestop-sleep-native.js";
import { rule as processControlTimeoutIgnored } from "./process-control-timeout-ignored.js";
import { rule as processControlTimeoutMissing } from "./process-control-timeout-missing.js";
import { rule as processControlTimeoutShort } from "./process-control-timeout-short.js";
import { rule as readinessProbeMissing } from "./readiness-probe-missing.js";
import { rule as rolloutNoCapacity } from "./rollout-no-capacity.js";
import { rule as stopSignalNative } from "./stop-signal-native.js";
import { rule as stopSignalSyntax } from "./stop-signal-syntax.js";
import type { Rule } from "./types.js";

/** Every rule, sorted by id. Adding a rule is one import here, its file, its doc page and its tests. */
export const RULES: readonly Rule[] = [
  fpmHardStop,
  fpmStopsBeforeNginx,
  gracePeriodShort,
  nginxHardStop,
  nginxStopsFirst,
  pid1Wrapper,
  prestopDelayMissing,
  prestopDelayShort,
  prestopKillOverridden,
  prestopKillSyntax,
  prestopSleepNative,
  processControlTimeoutIgnored,
  processControlTimeoutMissing,
  processControlTimeoutShort,
  readinessProbeMissing,
  rolloutNoCapacity,
  stopSignalNative,
  stopSignalSyntax,
];
