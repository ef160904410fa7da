/**
 * The webhook's Prometheus metrics, in the text exposition format (prometheus.io "Exposition formats",
 * version 0.0.4). A handful of counters and one histogram do not justify a dependency; label values come
 * from fixed sets (known paths, status codes, kinds), so cardinality stays bounded.
 */

const PREFIX = "fpm_graceful_webhook";
/** Seconds; admission calls time out at `timeoutSeconds` (5 s in our manifests), reviews take ~1 ms. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`,
  );
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
    return lines.join("\n");
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; buckets: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.bounds.length; i++)
      if (value <= (this.bounds[i] as number)) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      for (const [i, bound] of this.bounds.entries())
        lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(bound) })} ${s.buckets[i]}`);
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join("\n");
  }
}

/** Every metric the server exposes on `/metrics`. */
export class WebhookMetrics {
  readonly requests = new Counter(`${PREFIX}_requests_total`, "HTTP requests by path and status code.");
  readonly latency = new Histogram(
    `${PREFIX}_request_duration_seconds`,
    "Time from the request's arrival to the end of the answer, by path.",
    LATENCY_BUCKETS,
  );
  readonly reviews = new Counter(
    `${PREFIX}_reviews_total`,
    "AdmissionReviews answered, by mode, kind and outcome (reviewed, skipped, refused, error).",
  );
  readonly patches = new Counter(`${PREFIX}_patches_total`, "Mutations answered with a JSONPatch, by kind.");
  readonly denials = new Counter(`${PREFIX}_denials_total`, "Validations that denied the object, by kind.");
  readonly certificateReloads = new Counter(
    `${PREFIX}_certificate_reloads_total`,
    "Certificate reloads after the files changed, by result (ok, error).",
  );
  inFlight = 0;
  ready = true;
  cacheStats: () => { hits: number; misses: number; size: number } = () => ({ hits: 0, misses: 0, size: 0 });

  render(): string {
    const gauges = [
      `# HELP ${PREFIX}_in_flight_requests Requests being answered now.`,
      `# TYPE ${PREFIX}_in_flight_requests gauge`,
      `${PREFIX}_in_flight_requests ${this.inFlight}`,
      `# HELP ${PREFIX}_ready 1 while the server takes reviews, 0 once it is shutting down.`,
      `# TYPE ${PREFIX}_ready gauge`,
      `${PREFIX}_ready ${this.ready ? 1 : 0}`,
    ];
    const cache = this.cacheStats();
    gauges.push(
      `# HELP ${PREFIX}_review_cache_hits_total Reviews answered from the cache (identical objects).`,
      `# TYPE ${PREFIX}_review_cache_hits_total counter`,
      `${PREFIX}_review_cache_hits_total ${cache.hits}`,
      `# HELP ${PREFIX}_review_cache_misses_total Reviews computed (not in the cache).`,
      `# TYPE ${PREFIX}_review_cache_misses_total counter`,
      `${PREFIX}_review_cache_misses_total ${cache.misses}`,
      `# HELP ${PREFIX}_review_cache_entries Answers held in the cache.`,
      `# TYPE ${PREFIX}_review_cache_entries gauge`,
      `${PREFIX}_review_cache_entries ${cache.size}`,
    );
    return `${[this.requests, this.latency, this.reviews, this.patches, this.denials, this.certificateReloads]
      .map((m) => m.render())
      .concat(gauges)
      .join("\n")}\n`;
  }
}
