/**
 * Every default of the webhook in one table: the CLI's option defaults and help, the server, the generated
 * manifests and docs/WEBHOOK.md ("Defaults") read them from here, and `test/webhook/defaults.test.ts` fails
 * when the doc's table says otherwise.
 *
 * Why these values:
 * - `maxBodyBytes`: the API server's own limit on a request body is about 3 MB (etcd's 1.5 MiB object, as
 *   JSON inside the AdmissionReview).
 * - `maxObjectBytes` / `maxContainers`: a review's cost grows with the object (issue 16: an 18,565-container,
 *   3 MiB object took 6–11 s of CPU). Real pods have a handful of containers; 200 leaves room for generated
 *   ones while a review at the cap (about 0.2–0.9 s of CPU here) stays inside `reviewTimeoutSeconds`.
 * - `reviewTimeoutSeconds`: the manifests' `timeoutSeconds` is 5 s; an answer must reach the API server
 *   before it gives up, so the review's own bound is shorter.
 * - `inlineMaxBytes` / `inlineMaxContainers`: smaller reviews take 50–120 µs on the event loop, less than a
 *   hand-off to a worker thread; anything larger runs in the pool.
 * - `cacheBytes`: a byte bound, not an entry count (600 answers of 245 KB grew the old cache to 1.6 GB).
 * - `maxConnections` / `handshakeTimeoutSeconds`: Node's defaults (no cap, 120 s) let 21k idle raw
 *   connections hold 889 MB; the API server keeps a few keep-alive connections per replica.
 * - `drainSeconds`, `preStopSeconds`, `graceSeconds`: the webhook's own graceful stop
 *   (grace ≥ preStop + drain + margin).
 *
 * @example
 *   const timeoutMs = WEBHOOK_DEFAULTS.reviewTimeoutSeconds * 1000;
 */
export const WEBHOOK_DEFAULTS = {
  port: 8443,
  address: "0.0.0.0",
  /** Validate denies nothing by default: it warns (`--deny-on none`). */
  denyOn: "none",
  /** Internal errors, overrun budgets and timeouts are allowed with a message unless `--on-error deny`. */
  onError: "allow",
  maxBodyBytes: 3 * 1024 * 1024,
  maxObjectBytes: 1536 * 1024,
  maxContainers: 200,
  reviewTimeoutSeconds: 2,
  inlineMaxBytes: 64 * 1024,
  inlineMaxContainers: 8,
  /** Reviews waiting for a worker beyond these are answered per the failure policy at once. */
  maxQueuedReviews: 16,
  cacheBytes: 16 * 1024 * 1024,
  maxConnections: 512,
  handshakeTimeoutSeconds: 5,
  requestTimeoutSeconds: 10,
  drainSeconds: 10,
  preStopSeconds: 5,
  graceSeconds: 30,
  reloadDebounceMs: 250,
  reloadPollSeconds: 60,
} as const;

/** The doc's word for a byte count: `3 MiB`, `64 KiB`. */
export function bytesText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}
