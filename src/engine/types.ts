/** What the engine takes and gives: the options of a check, and its result (the JSON contract of `check --format json`). */
import type { BuildOptions, LeftAlone } from "../model/build.js";
import type { Assumptions, ContainerRole, Problem, RoleEvidence } from "../model/types.js";
import type { Finding, Report, Rule, Severity, SuppressedFinding } from "../rules/types.js";
import type { Timeline } from "../timeline/types.js";

export interface CheckOptions extends BuildOptions {
  assumptions: Assumptions;
  /** Rules switched off (`rules: {id: off}` in `.fpm-graceful.yaml`), or given another severity. */
  ruleSettings?: Record<string, Severity | "off">;
  rules?: readonly Rule[];
  /**
   * Called with each finding and the report it was rendered from (its `messageId` and `data`): the rule
   * tester matches reports by message id and data, as ESLint's RuleTester does, without widening `Finding`.
   */
  onReport?: (finding: Finding, report: Report) => void;
}

export interface WorkloadResult {
  id: string;
  file: string;
  line: number;
  helmSource?: string;
  containers: ContainerResult[];
  timeline: Timeline;
}

/** A container as the report shows it: its role and the evidence that decided it, its image facts, its links. */
export interface ContainerResult {
  name: string;
  role: ContainerRole;
  /** The deciding evidence in words (`runs php artisan queue:work, from the manifest's command/args`), or why none. */
  roleBasis: string;
  /** Every piece of evidence weighed, the deciding one first. */
  evidence: RoleEvidence[];
  image: string;
  stopSignal: { value: string; basis: string; unknown: boolean };
  shell: string;
  links: string[];
}

/** The result of `check`, and the JSON contract of `check --format json`. */
export interface CheckResult {
  findings: Finding[];
  problems: Problem[];
  workloads: WorkloadResult[];
  /** Inputs read and deliberately not checked (a Go service's Dockerfile, a Helm test hook), each with why. */
  leftAlone: LeftAlone[];
  /** Findings an ignore annotation or the config file silenced, each with what did it (absent when none). */
  suppressed?: SuppressedFinding[];
}
