/**
 * What one review may cost. The model's work grows with the object's containers and bytes, and the API
 * server waits for the answer: an object over the budget is answered at once, without a review, with a
 * message that says which bound it passed (allowed or denied per the failure policy, `review.ts`).
 */
export interface ReviewBudget {
  /** The AdmissionReview body's size in bytes (the object is most of it). */
  maxObjectBytes: number;
  /** Containers, init containers and ephemeral containers of the pod spec, together. */
  maxContainers: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The pod spec of a Pod (`spec`) or a workload (`spec.template.spec`), if there is one. */
function podSpecOf(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const spec = object.spec;
  if (!isRecord(spec)) return undefined;
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) return template.spec;
  return spec;
}

/**
 * Containers of every kind in the object's pod spec: a count of three arrays, no walk of the object, so it
 * costs the same for 5 containers and 80,000.
 *
 * @example
 *   containerCount({ kind: "Pod", spec: { containers: [{ name: "a" }], initContainers: [] } }) === 1;
 */
export function containerCount(object: Record<string, unknown>): number {
  const podSpec = podSpecOf(object);
  if (!podSpec) return 0;
  let count = 0;
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    const list = podSpec[field];
    if (Array.isArray(list)) count += list.length;
  }
  return count;
}

/** Why a body of `bytes` is over the budget, or undefined: checked before the body is parsed. */
export function bytesOverBudget(bytes: number, budget: ReviewBudget): string | undefined {
  return bytes > budget.maxObjectBytes
    ? `the review is ${bytes} bytes, over the webhook's budget of ${budget.maxObjectBytes} (--max-object)`
    : undefined;
}

/**
 * Why the object is over the budget, as the answer's message says it, or undefined when it is within.
 *
 * @example
 *   overBudget(object, body.length, { maxObjectBytes: 1572864, maxContainers: 250 });
 *   // "the object has 20000 containers, over the webhook's budget of 250 (--max-containers)"
 */
export function overBudget(
  object: Record<string, unknown>,
  bytes: number,
  budget: ReviewBudget,
): string | undefined {
  const tooLarge = bytesOverBudget(bytes, budget);
  if (tooLarge) return tooLarge;
  const containers = containerCount(object);
  if (containers > budget.maxContainers)
    return `the object has ${containers} containers, over the webhook's budget of ${budget.maxContainers} (--max-containers)`;
  return undefined;
}
