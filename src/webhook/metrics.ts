/**
 * The webhook's Prometheus metrics, through `prom-client` (the ecosystem's client: exposition format,
 * escaping, and the process metrics every Node service exports). The names are the ones the webhook has
 * always exposed. Every label value comes from a closed set: a kind the webhook reviews or `other`, a
 * known path or `other`, a status code it sends or `other`. A value taken from the request would let a
 * client make series without bound (issue 16: 50,000 distinct kinds made 50,002 series and 463 MB).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { REVIEWED_KINDS } from "./admission.js";

const PREFIX = "fpm_graceful_webhook";
/** Seconds; admission calls time out at `timeoutSeconds` (5 s in our manifests), reviews take ~1 ms. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const METRIC_PATHS = ["/mutate", "/validate", "/healthz", "/livez", "/readyz", "/metrics"] as const;
const CODES = ["200", "400", "404", "405", "408", "413", "415", "422", "499", "500", "503"] as const;
export const REVIEW_OUTCOMES = [
  "reviewed",
  "skipped",
  "refused",
  "error",
  "budget",
  "timeout",
  "busy",
] as const;
export type ReviewMetricOutcome = (typeof REVIEW_OUTCOMES)[number];

function closed(value: string, set: readonly string[]): string {
  return set.includes(value) ? value : "other";
}

/** The kind label: one of the kinds the webhook reviews, else `other`. */
export function kindLabel(kind: string | undefined): string {
  return closed(kind ?? "", REVIEWED_KINDS);
}

export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
  bytes: number;
}

/** Every metric the server exposes on `/metrics`, in a registry of its own (tests run several servers). */
export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: `${PREFIX}_requests_total`,
    help: "HTTP requests by path and status code.",
    labelNames: ["path", "code"],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: `${PREFIX}_request_duration_seconds`,
    help: "Time from the request's arrival to the end of the answer, by path.",
    labelNames: ["path"],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly reviews = new Counter({
    name: `${PREFIX}_reviews_total`,
    help: "AdmissionReviews answered, by mode, kind and outcome (reviewed, skipped, refused, error, budget, timeout, busy).",
    labelNames: ["mode", "kind", "outcome"],
    registers: [this.registry],
  });
  private readonly patches = new Counter({
    name: `${PREFIX}_patches_total`,
    help: "Mutations answered with a JSONPatch, by kind.",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  private readonly denials = new Counter({
    name: `${PREFIX}_denials_total`,
    help: "Validations that denied the object, by kind.",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  private readonly reloads = new Counter({
    name: `${PREFIX}_certificate_reloads_total`,
    help: "Certificate reloads after the files changed, by result (ok, error).",
    labelNames: ["result"],
    registers: [this.registry],
  });
  private readonly dropped = new Counter({
    name: `${PREFIX}_connections_dropped_total`,
    help: "Connections closed at once because --max-connections were open.",
    registers: [this.registry],
  });
  private readonly inFlightGauge = new Gauge({
    name: `${PREFIX}_in_flight_requests`,
    help: "Requests being answered now.",
    registers: [this.registry],
  });
  private readonly readyGauge = new Gauge({
    name: `${PREFIX}_ready`,
    help: "1 while the server takes reviews, 0 once it is shutting down.",
    registers: [this.registry],
  });
  /** Read from the cache when `/metrics` is scraped. */
  cacheStats: () => CacheStats = () => ({ hits: 0, misses: 0, size: 0, bytes: 0 });
  private inFlightCount = 0;
  private isReady = true;
  private readonly reloadCounts = { ok: 0, error: 0 };

  constructor() {
    const stats = () => this.cacheStats();
    const counterOf = (name: string, help: string, read: (s: CacheStats) => number) =>
      new Counter({
        name: `${PREFIX}_${name}`,
        help,
        registers: [this.registry],
        collect() {
          // The cache counts; the counter shows its count at scrape time.
          this.reset();
          this.inc(read(stats()));
        },
      });
    const gaugeOf = (name: string, help: string, read: (s: CacheStats) => number) =>
      new Gauge({
        name: `${PREFIX}_${name}`,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(stats()));
        },
      });
    counterOf(
      "review_cache_hits_total",
      "Reviews answered from the cache (identical objects).",
      (s) => s.hits,
    );
    counterOf("review_cache_misses_total", "Reviews computed (not in the cache).", (s) => s.misses);
    gaugeOf("review_cache_entries", "Answers held in the cache.", (s) => s.size);
    gaugeOf(
      "review_cache_bytes",
      "Bytes the cached answers hold, about (bounded by --cache-size).",
      (s) => s.bytes,
    );
    this.readyGauge.set(1);
    collectDefaultMetrics({ register: this.registry });
  }

  countRequest(path: string, code: number, seconds: number): void {
    const label = closed(path, METRIC_PATHS);
    this.requests.inc({ path: label, code: closed(String(code), CODES) });
    this.latency.observe({ path: label }, seconds);
  }

  countReview(
    mode: "mutate" | "validate",
    kind: string | undefined,
    outcome: ReviewMetricOutcome,
    effects: { patched?: boolean; denied?: boolean } = {},
  ): void {
    const label = kindLabel(kind);
    this.reviews.inc({ mode, kind: label, outcome });
    if (effects.patched) this.patches.inc({ kind: label });
    if (effects.denied) this.denials.inc({ kind: label });
  }

  countReload(result: "ok" | "error"): void {
    this.reloads.inc({ result });
    this.reloadCounts[result]++;
  }

  countDroppedConnection(): void {
    this.dropped.inc();
  }

  /** Reloads so far by result (what `certificate_reloads_total` shows). */
  reloadCount(result: "ok" | "error"): number {
    return this.reloadCounts[result];
  }

  get inFlight(): number {
    return this.inFlightCount;
  }
  set inFlight(count: number) {
    this.inFlightCount = count;
    this.inFlightGauge.set(count);
  }
  get ready(): boolean {
    return this.isReady;
  }
  set ready(ready: boolean) {
    this.isReady = ready;
    this.readyGauge.set(ready ? 1 : 0);
  }

  /** The exposition text (`Content-Type` in `contentType`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
