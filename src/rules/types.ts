import type { FixTargets } from "../advice/values.js";
import type { Fix } from "../fix/types.js";

export type { Edit, Fix } from "../fix/types.js";

import type { Assumptions, Container, SourceLocation, Workload } from "../model/types.js";
import type { ContainerTimeline, FailureCause, FailureWindow, Timeline } from "../timeline/types.js";

export type Severity = "error" | "warning" | "info";

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** What a rule is, kept apart from what it does (as ESLint's `meta`). */
export interface RuleMeta {
  id: string;
  severity: Severity;
  /**
   * Whether `fix` can apply this rule's findings: the rule attaches edits (`report({fix})`) where the place
   * to change is among the inputs. A test holds it to the rule's source.
   */
  fixable?: boolean;
  /** One sentence: what fails when this rule fires. */
  description: string;
  /** Message templates by id; `{{name}}` is replaced with the report's data. */
  messages: Record<string, string>;
  /** How to fix, as a template with the same data. */
  fix: Record<string, string>;
  /** Also runs on `Image/-/<path>` pseudo-workloads (a Dockerfile or configs given without a manifest). */
  appliesToImages?: boolean;
}

/** A fact a finding rests on that the tool could not read, and what would settle it. */
export interface Unknown {
  fact: string;
  settle: string;
}

export interface Report {
  messageId: string;
  /**
   * Facts this finding rests on that are unknown (an image's stop signal, a role guessed from a name):
   * the engine then reports it as a warning at most and says what is assumed and how to settle it.
   */
  restsOn?: (Unknown | undefined)[];
  /** The edits that fix this finding, when the place to change is among the inputs. */
  fix?: Fix | undefined;
  data: Record<string, string | number>;
  loc: SourceLocation;
  container?: Container;
  severity?: Severity;
}

/**
 * The edit builders a rule attaches to its reports, handed over by the engine (as ESLint's `context` hands a
 * rule its `fixer`): a rule never imports the builders or the appliers. Every builder is bound to the
 * workload being checked and to its `targets` (src/advice/values.ts), so the number in a rule's message and
 * the number its fix writes come from one place. Each answers undefined when the place to change is not
 * among the inputs (an image with no Dockerfile, stdin for a file-only change): the finding then says how
 * to fix it by hand.
 *
 * @example
 *   context.report({ messageId: "default", loc, data, fix: context.fixer.preStopSleep(container) });
 */
export interface Fixer {
  /** `terminationGracePeriodSeconds` raised to `seconds` (default: the targets'), when it is below. */
  gracePeriod(seconds?: number): Fix | undefined;
  /**
   * A preStop that waits (`seconds`, default the targets' preStop), keeping a hook's own commands; with
   * `drainWhenNeeded` (the default) the drain hook instead where nothing else can make php-fpm stop gracefully.
   */
  preStopSleep(
    container: Container,
    options?: { seconds?: number; drainWhenNeeded?: boolean },
  ): Fix | undefined;
  /** The drain hook for php-fpm where nothing among the inputs can make its stop graceful, else undefined. */
  drainIfNeeded(container: Container): Fix | undefined;
  /** `STOPSIGNAL SIGQUIT` in the container's Dockerfile. */
  stopSignal(container: Container): Fix | undefined;
  /** The Dockerfile's STOPSIGNAL spelt as runtimes parse it (`QUIT` → `SIGQUIT`). */
  respellStopSignal(container: Container): Fix | undefined;
  /** `process_control_timeout` in php-fpm's `[global]`, where a config or Dockerfile among the inputs can hold it. */
  processControlTimeout(container: Container): Fix | undefined;
  /** A tcpSocket readiness probe on `port`. */
  readinessProbe(container: Container, port: number): Fix | undefined;
  /** `strategy: RollingUpdate` with maxSurge 1, maxUnavailable 0 (Deployments). */
  rollingUpdate(): Fix | undefined;
  /** A PodDisruptionBudget selecting the workload's pods, never by a release label. */
  disruptionBudget(): Fix | undefined;
  /** `exec` before the last command of PID 1's `sh -c` script. */
  execServer(container: Container): Fix | undefined;
  /** Fixes that only work together, as one; undefined when any of them is. */
  combine(...fixes: (Fix | undefined)[]): Fix | undefined;
}

export interface RuleContext {
  workload: Workload;
  /** The edit builders for this workload's reports. */
  fixer: Fixer;
  /** The values every fix of this workload writes (preStop, process_control_timeout, grace period). */
  targets: FixTargets;
  timeline: Timeline;
  assumptions: Assumptions;
  /** The container's predicted termination. */
  timelineOf(container: Container): ContainerTimeline;
  /** Failure windows of a cause (optionally of one container). */
  windows(cause: FailureCause, container?: Container): FailureWindow[];
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** A finding as every output renders it: the JSON contract of `check --format json`. */
export interface Finding extends SourceLocation {
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
  /** `Kind/namespace/name`. */
  workload: string;
  container?: string;
  /** The edits `fix` applies for this finding (absent when it needs a change by hand). */
  autofix?: Fix;
  /** Unknown facts the finding rests on; such a finding is a warning at most. */
  assumed?: Unknown[];
}

/**
 * A finding a suppression silenced: kept, counted and shown as suppressed in every format (SARIF
 * `suppressions`). `source` is the annotation key that silenced it (`fpm-graceful.io/ignore`,
 * `fpm-graceful.io/ignore.<container>`) or `config` (`rules: {id: off}` in the config file); `reason` is the
 * text the annotation gives after the ids, empty when it gives none.
 */
export interface SuppressedFinding extends Finding {
  suppression: { reason: string; source: string };
}

/** Fills `{{name}}` placeholders; an unknown name is left visible rather than silently dropped. */
export function render(template: string, data: Record<string, string | number>): string {
  const parts = templateParts(template);
  let text = parts[0] ?? "";
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] ?? "";
    text += (name in data ? String(data[name]) : `{{${name}}}`) + (parts[i + 1] ?? "");
  }
  return text;
}

/**
 * A template split once into text and names (`["a ", "name", " b"]`): every finding renders its message
 * and fix, and a pattern replace with a callback per finding was a few per cent of a webhook review. The
 * templates are the rules' own, so the table stays small; it is emptied if ever it is not.
 */
const TEMPLATE_PARTS = new Map<string, string[]>();

function templateParts(template: string): string[] {
  let parts = TEMPLATE_PARTS.get(template);
  if (!parts) {
    parts = template.split(/\{\{(\w+)\}\}/);
    if (TEMPLATE_PARTS.size >= 1024) TEMPLATE_PARTS.clear();
    TEMPLATE_PARTS.set(template, parts);
  }
  return parts;
}

/**
 * A finding a suppression silenced (the `fpm-graceful.io/ignore…` annotations, or `off` in the config file),
 * kept so that every report can count it and say why.
 */
export interface SuppressedFinding extends Finding {
  suppression: { reason: string; source: string };
}
