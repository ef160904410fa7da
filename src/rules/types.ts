import type { FixTargets } from "../advice/values.js";
import type { Fix } from "../fix/types.js";
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

export interface RuleContext {
  workload: Workload;
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
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  helmSource?: string;
  /** `Kind/namespace/name`. */
  workload: string;
  container?: string;
  /** The edits `fix` applies for this finding (absent when it needs a change by hand). */
  autofix?: Fix;
  /** Unknown facts the finding rests on; such a finding is a warning at most. */
  assumed?: Unknown[];
}

/** Fills `{{name}}` placeholders; an unknown name is left visible rather than silently dropped. */
export function render(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in data ? String(data[name]) : whole,
  );
}

/**
 * A finding a suppression silenced (the `fpm-graceful.io/ignore…` annotations, or `off` in the config file),
 * kept so that every report can count it and say why.
 */
export interface SuppressedFinding extends Finding {
  suppression: { reason: string; source: string };
}
