import { createHash } from "node:crypto";
import { type CheckResult, checkSources } from "../engine/check.js";
import type { Assumptions } from "../model/types.js";
import { type Finding, SEVERITY_ORDER, type Severity } from "../rules/types.js";
import {
  type AdmissionRequest,
  type AdmissionReviewAnswer,
  answer,
  REVIEWED_KINDS,
  type Refusal,
  readAdmissionReview,
} from "./admission.js";
import { overBudget, type ReviewBudget } from "./budget.js";
import type { ReviewCache } from "./cache.js";
import { fixObject } from "./fixes.js";
import { diffJson } from "./json-patch.js";

/** The label or annotation an object (or its pod template) carries to be mutated. */
export const INJECT_KEY = "fpm-graceful.io/inject";

export type ReviewMode = "mutate" | "validate";
/** `none` denies nothing (the word `check --fail-on` uses); `never` is kept as its alias. */
export type DenyOn = Severity | "none" | "never";
/** What an object gets when it cannot be reviewed: an internal error, a budget overrun, a timeout. */
export type OnError = "allow" | "deny";
/** Why an object was answered without a review. */
export type FailureKind = "budget" | "error" | "timeout" | "busy";

export interface ReviewConfig {
  assumptions: Assumptions;
  /** Validate denies objects with findings at or above this severity; `none` (or `never`) only warns. */
  denyOn: DenyOn;
  /**
   * The failure policy for objects that cannot be reviewed (over the budget, an internal error, out of
   * time): `/validate` allows them with a message (`allow`, the default) or denies them (`deny`).
   * `/mutate` always allows them: its webhook's failurePolicy is `Ignore`.
   */
  onError?: OnError;
  /** Caps on what one review may cost; without it, any object is reviewed. */
  budget?: ReviewBudget;
  /**
   * Mutate every object that reaches `/mutate`, not only those that opt in: for a configuration whose
   * namespaceSelector does the opting in.
   */
  injectAll?: boolean;
  /** Answers by object text, shared by the server's requests (see `ReviewCache`). */
  cache?: ReviewCache;
}

/** What happened, for the server's log line and metrics. */
export interface ReviewSummary {
  uid?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  operation?: string;
  dryRun?: boolean;
  findings: number;
  patchOperations: number;
  denied: boolean;
  /** Why the object was let through without a review, when it was. */
  skipped?: string;
  /** Answered from the cache. */
  cached?: boolean;
  /** Answered per the failure policy, without a review. */
  failure?: FailureKind;
}

export type ReviewOutcome =
  | { answer: AdmissionReviewAnswer; summary: ReviewSummary }
  | { refusal: Refusal; summary: ReviewSummary };

/** kubectl prints each warning on a line; the API server asks for 120 characters at most. */
const WARNING_WIDTH = 120;
const MAX_WARNINGS = 12;
const MAX_DENIAL_CHARS = 3000;

/**
 * Reviews one AdmissionReview (the parsed JSON body) with the same check and fixes as the CLI. Pure:
 * no I/O, no clock, so the server and the tests call it alike.
 * - `validate`: allowed with one short warning per finding, or denied (per `denyOn`) with the findings
 *   as `status.message`.
 * - `mutate`: always allowed; objects that opt in (`fpm-graceful.io/inject: "true"`) get the fixes as an
 *   RFC 6902 JSONPatch, objects already correct get none. `dryRun` changes nothing: there are no side
 *   effects to skip, and the API server still expects the patch.
 *
 * @example
 *   const outcome = review(JSON.parse(body), "validate", { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "error" });
 *   if ("answer" in outcome) reply(200, outcome.answer);
 */
export function review(
  body: unknown,
  mode: ReviewMode,
  config: ReviewConfig,
  /** The body's size in bytes, for the budget (0: unknown). */
  bytes = 0,
): ReviewOutcome {
  const request = readAdmissionReview(body);
  if ("httpStatus" in request) return { refusal: request, summary: emptySummary() };
  const summary: ReviewSummary = {
    ...emptySummary(),
    uid: request.uid,
    kind: request.kind.kind || kindOf(request.object),
    namespace: request.namespace,
    name: request.name || nameOf(request.object),
    operation: request.operation,
    dryRun: request.dryRun,
  };
  const allow = (skipped: string, message?: string): ReviewOutcome => ({
    answer: answer({
      uid: request.uid,
      allowed: true,
      ...(message ? { status: { code: 200, message } } : {}),
    }),
    summary: { ...summary, skipped },
  });
  const skip = reasonToSkip(request, mode, config.injectAll === true);
  if (skip) return allow(skip.reason, skip.message);
  const over = config.budget
    ? overBudget(request.object as Record<string, unknown>, bytes, config.budget)
    : undefined;
  if (over) return failureOutcome(request.uid, mode, config.onError, "budget", over, summary);
  const view = reviewedView(request.object as Record<string, unknown>, request.namespace);
  const key = config.cache ? cacheKey(mode, summary.kind ?? "", request.name, view) : "";
  const cached = config.cache?.get(key);
  if (cached) {
    const { response, ...counts } = cached;
    return {
      answer: answer({ uid: request.uid, ...response }),
      summary: { ...summary, ...counts, cached: true },
    };
  }
  const outcome =
    mode === "mutate" ? mutate(request, view, config, summary) : validate(request, view, config, summary);
  if (config.cache && "answer" in outcome) {
    const { uid: _uid, ...response } = outcome.answer.response;
    const { findings, patchOperations, denied } = outcome.summary;
    config.cache.set(key, { response, findings, patchOperations, denied });
  }
  return outcome;
}

/**
 * The answer for an object that was not reviewed (over the budget, an internal error, out of time): the
 * message says why and which policy decided. `/validate` allows or denies per `onError`; `/mutate` allows.
 *
 * @example
 *   failureOutcome(uid, "validate", "deny", "timeout", "the review took longer than 2 s");
 */
export function failureOutcome(
  uid: string,
  mode: ReviewMode,
  onError: OnError | undefined,
  failure: FailureKind,
  why: string,
  summary: ReviewSummary = emptySummary(),
): ReviewOutcome {
  const deny = mode === "validate" && onError === "deny";
  const message = `fpm-graceful: object not reviewed: ${why}; ${deny ? "denied (--on-error deny)" : mode === "mutate" ? "allowed unchanged (mutation is best effort)" : "allowed (--on-error allow)"}`;
  return {
    answer: answer({
      uid,
      allowed: !deny,
      status: deny ? { code: 403, reason: "Forbidden", message } : { code: 200, message },
      warnings: [short(message)],
    }),
    summary: { ...summary, uid, denied: deny, failure },
  };
}

/**
 * A digest of what the answer depends on, not the text itself: at 1,000 distinct objects a second, keeping
 * each object's 5 KB of text in the cache until it is evicted made the old generation churn, and the
 * collector's pauses set the p99 latency (13 ms against 4 ms with short keys).
 */
function cacheKey(mode: ReviewMode, kind: string, name: string, view: Record<string, unknown>): string {
  return createHash("sha256")
    .update(`${mode}\n${kind}\n${name}\n${JSON.stringify(view)}`)
    .digest("base64");
}

function emptySummary(): ReviewSummary {
  return { findings: 0, patchOperations: 0, denied: false };
}

function reasonToSkip(
  request: AdmissionRequest,
  mode: ReviewMode,
  injectAll: boolean,
): { reason: string; message?: string } | undefined {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE")
    return { reason: `operation ${request.operation}` };
  if (request.object === null)
    return { reason: "no object", message: "fpm-graceful: request.object is missing: nothing to review" };
  const kind = request.kind.kind || kindOf(request.object);
  if (!(REVIEWED_KINDS as readonly string[]).includes(kind)) return { reason: `kind ${kind || "unknown"}` };
  // A pod's spec cannot change after creation: the API server would reject the patch, and re-reviewing
  // status and label updates only repeats what its creation was told.
  if (kind === "Pod" && request.operation === "UPDATE") return { reason: "pod update" };
  const owner = controllerOf(request.object);
  if (mode === "validate" && owner)
    // Its owner (a Deployment, a ReplicaSet) was reviewed; warnings here would reach only a controller,
    // and a denial would stall a rollout the owner's admission already allowed.
    return { reason: `controlled by ${owner}` };
  if (mode === "mutate") {
    if (kind === "ReplicaSet" && owner)
      // The Deployment controller finds its ReplicaSet by comparing pod templates: a mutated template
      // would never match, and the controller would create ReplicaSets in a loop. Mutate the Deployment.
      return { reason: `ReplicaSet controlled by ${owner}` };
    if (!injectAll && !optedIn(request.object)) return { reason: "not opted in" };
  }
  return undefined;
}

/** `subject` is the reviewed view: a patch computed on it applies to the original (fixes touch `spec`). */
function mutate(
  request: AdmissionRequest,
  subject: Record<string, unknown>,
  config: ReviewConfig,
  summary: ReviewSummary,
): ReviewOutcome {
  const { fixed, applied, skipped } = fixObject(subject, { assumptions: config.assumptions });
  const operations = diffJson(subject, fixed);
  const warnings = [
    ...applied.map((a) => short(`fpm-graceful fixed ${a}`)),
    ...skipped.map((s) => short(`fpm-graceful cannot fix here ${s}`)),
  ];
  return {
    answer: answer({
      uid: request.uid,
      allowed: true,
      ...(operations.length > 0
        ? {
            patchType: "JSONPatch" as const,
            patch: Buffer.from(JSON.stringify(operations)).toString("base64"),
          }
        : {}),
      ...(warnings.length > 0 ? { warnings: capped(warnings) } : {}),
    }),
    summary: { ...summary, findings: applied.length + skipped.length, patchOperations: operations.length },
  };
}

function validate(
  request: AdmissionRequest,
  object: Record<string, unknown>,
  config: ReviewConfig,
  summary: ReviewSummary,
): ReviewOutcome {
  const result = checkObject(object, request, config.assumptions);
  const findings = result.findings;
  const problems = result.problems.map((p) => short(`fpm-graceful could not read ${p.message}`));
  const blocking =
    config.denyOn === "never" || config.denyOn === "none"
      ? []
      : findings.filter((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[config.denyOn as Severity]);
  const warnings = capped([...problems, ...findings.map(warningLine)]);
  const base = { ...summary, findings: findings.length };
  if (blocking.length > 0) {
    return {
      answer: answer({
        uid: request.uid,
        allowed: false,
        status: { code: 403, reason: "Forbidden", message: denialMessage(summary, blocking) },
        ...(warnings.length > 0 ? { warnings } : {}),
      }),
      summary: { ...base, denied: true },
    };
  }
  return {
    answer: answer({ uid: request.uid, allowed: true, ...(warnings.length > 0 ? { warnings } : {}) }),
    summary: base,
  };
}

/**
 * The object as `check` reads it: JSON text is YAML, so the model's positions stay meaningful. The path
 * names the admitted object, as `<admission:Deployment/shop/app>`.
 */
export function checkObject(
  object: Record<string, unknown>,
  request: AdmissionRequest,
  assumptions: Assumptions,
): CheckResult {
  const kind = request.kind.kind || kindOf(object);
  const path = `<admission:${kind}/${request.namespace || "-"}/${request.name || nameOf(object)}>`;
  // The object is already a value: the model reads it as a document without serialising and re-parsing it.
  const value = reviewedView(object, request.namespace);
  return checkSources([{ path, kind: "kubernetes", text: "", values: [value] }], { assumptions });
}

function warningLine(finding: Finding): string {
  const container = finding.container ? ` (${finding.container})` : "";
  return short(`fpm-graceful ${finding.severity} ${finding.rule}${container}: ${finding.message}`);
}

function denialMessage(summary: ReviewSummary, blocking: Finding[]): string {
  const lines = [
    `fpm-graceful: ${summary.kind} ${summary.namespace ? `${summary.namespace}/` : ""}${summary.name} would fail requests when its pods stop:`,
  ];
  for (const f of blocking) {
    lines.push(`- ${f.severity} ${f.rule}${f.container ? ` (${f.container})` : ""}: ${f.message}`);
    if (f.fix) lines.push(`  fix: ${f.fix}`);
  }
  lines.push(
    "Run `fpm-graceful check` on the manifest for details; silence a rule with the annotation fpm-graceful.io/ignore.",
  );
  const text = lines.join("\n");
  return text.length > MAX_DENIAL_CHARS ? `${text.slice(0, MAX_DENIAL_CHARS - 1)}…` : text;
}

/**
 * One line of at most `WARNING_WIDTH` characters, each whitespace run as one space. The pattern matches only
 * runs that change (two or more characters, or one that is not a space): `/\s+/g` matched every space of a
 * finding, and replacing them one by one cost 8 µs a warning, more than reading the object's containers.
 */
function short(line: string): string {
  const flat = line.replace(/\s{2,}|[^\S ]/g, " ").trim();
  return flat.length > WARNING_WIDTH ? `${flat.slice(0, WARNING_WIDTH - 1)}…` : flat;
}

function capped(lines: string[]): string[] {
  if (lines.length <= MAX_WARNINGS) return lines;
  return [
    ...lines.slice(0, MAX_WARNINGS - 1),
    `fpm-graceful: ${lines.length - MAX_WARNINGS + 1} more findings`,
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function metadataOf(object: unknown): Record<string, unknown> {
  return isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
}

function kindOf(object: unknown): string {
  return isRecord(object) && typeof object.kind === "string" ? object.kind : "";
}

function nameOf(object: unknown): string {
  const metadata = metadataOf(object);
  if (typeof metadata.name === "string" && metadata.name) return metadata.name;
  // Pods of a ReplicaSet are created with generateName only: the API server names them after admission.
  return typeof metadata.generateName === "string" ? `${metadata.generateName}*` : "";
}

function controllerOf(object: unknown): string | undefined {
  const owners = metadataOf(object).ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  const owner = owners.find((o) => isRecord(o) && o.controller === true) as
    | Record<string, unknown>
    | undefined;
  return owner ? `${owner.kind}/${owner.name}` : undefined;
}

/** Opted in by label or annotation on the object or on its pod template (`spec.template.metadata`). */
export function optedIn(object: unknown): boolean {
  const template = isRecord(object) && isRecord(object.spec) ? object.spec.template : undefined;
  return [metadataOf(object), metadataOf(template)].some((metadata) =>
    [metadata.labels, metadata.annotations].some((map) => isRecord(map) && map[INJECT_KEY] === "true"),
  );
}

/**
 * On CREATE the object often has no namespace yet (the request says it): the model would read
 * `default`. Added only where `metadata` exists, so a patch computed from the copy still applies to the
 * original.
 */
function withNamespace(object: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const metadata = object.metadata;
  if (!namespace || !isRecord(metadata) || typeof metadata.namespace === "string") return object;
  return { ...object, metadata: { ...metadata, namespace } };
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The object without what the model never reads and the API server sends anyway: `managedFields`, the
 * `last-applied-configuration` copy and `status` are most of a typical object's bytes, and parsing is
 * most of a review's time. Fixes touch only `spec`, so a patch computed on this view applies to the
 * original.
 */
export function reviewedView(object: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const { status: _status, ...rest } = withNamespace(object, namespace);
  const metadata = rest.metadata;
  if (!isRecord(metadata)) return rest;
  const { managedFields: _managedFields, ...kept } = metadata;
  if (isRecord(kept.annotations) && LAST_APPLIED in kept.annotations) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = kept.annotations;
    kept.annotations = annotations;
  }
  return { ...rest, metadata: kept };
}
