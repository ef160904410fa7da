/**
 * The `admission.k8s.io/v1` AdmissionReview as the API server sends it and the answer it expects
 * (kubernetes.io "Dynamic Admission Control"). Only the fields this webhook reads or writes are typed.
 */

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

/** The kinds whose pod template (or pod spec) the model reads; anything else is allowed untouched. */
export const REVIEWED_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"] as const;
export type ReviewedKind = (typeof REVIEWED_KINDS)[number];

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  operation: Operation;
  name: string;
  namespace: string;
  dryRun: boolean;
  /** `null` for DELETE and CONNECT. */
  object: Record<string, unknown> | null;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patchType?: "JSONPatch";
  /** Base64 of the JSON text of the RFC 6902 operations. */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewAnswer {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}

/**
 * A body that is not an AdmissionReview we can answer: no answer can carry a uid the API server would
 * accept, so the server replies with this HTTP status and message instead (and the webhook's
 * failurePolicy decides).
 */
export interface Refusal {
  httpStatus: 400 | 422;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads an AdmissionReview body (already parsed from JSON). Never throws: anything that is not an
 * `admission.k8s.io/v1` AdmissionReview with a `request.uid` is a refusal saying what is wrong.
 *
 * @example
 *   const read = readAdmissionReview(JSON.parse(body));
 *   if ("httpStatus" in read) reply(read.httpStatus, read.message);
 */
export function readAdmissionReview(body: unknown): AdmissionRequest | Refusal {
  if (!isRecord(body)) return { httpStatus: 400, message: "the body is not a JSON object" };
  if (body.kind !== "AdmissionReview")
    return { httpStatus: 400, message: `expected kind AdmissionReview, got ${describe(body.kind)}` };
  if (body.apiVersion !== ADMISSION_API_VERSION)
    return {
      httpStatus: 400,
      message: `expected apiVersion ${ADMISSION_API_VERSION} (admissionReviewVersions: [v1]), got ${describe(body.apiVersion)}`,
    };
  const request = body.request;
  if (!isRecord(request)) return { httpStatus: 400, message: "the AdmissionReview has no request" };
  if (typeof request.uid !== "string" || request.uid === "")
    return { httpStatus: 400, message: "the AdmissionReview's request has no uid" };
  const kind = isRecord(request.kind) ? request.kind : {};
  const object = request.object;
  if (object !== undefined && object !== null && !isRecord(object))
    return { httpStatus: 422, message: "request.object is not an object" };
  return {
    uid: request.uid,
    kind: {
      group: typeof kind.group === "string" ? kind.group : "",
      version: typeof kind.version === "string" ? kind.version : "",
      kind: typeof kind.kind === "string" ? kind.kind : "",
    },
    operation: (typeof request.operation === "string" ? request.operation : "CREATE") as Operation,
    name: typeof request.name === "string" ? request.name : "",
    namespace: typeof request.namespace === "string" ? request.namespace : "",
    dryRun: request.dryRun === true,
    object: isRecord(object) ? object : null,
  };
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value).slice(0, 80);
}

/** The answer the API server expects: same apiVersion and kind, the request's uid echoed. */
export function answer(response: AdmissionResponse): AdmissionReviewAnswer {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}
