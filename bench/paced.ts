/**
 * An open-model load generator for the webhook's latency figures. Request `i` is due at `start + i / rate`
 * and is sent then, whether or not earlier ones are answered, and its latency counts from when it was due:
 * a stalled server (or a late generator) cannot hide behind back-pressure, so the figure has no coordinated
 * omission. This is what "1,000 reviews/s" means for an API server, whose requests arrive as users and
 * controllers make them.
 *
 * autocannon stays the tool for throughput at saturation. Its `overallRate` is a different load: each
 * connection sends its quota for the second back to back and then waits for the next second, so "1,000/s
 * over 10 connections" is ten requests in flight at once for the first part of every second and nothing
 * for the rest; its p99 is that of a 10-deep queue, not of a steady 1,000/s.
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";

export interface PacedOptions {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** The CA that signed the server's certificate (PEM). */
  ca: string | Buffer;
  path: string;
  method: "GET" | "POST";
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** The body of request `index` (JSON), for POST. */
  body?: (index: number) => string;
  /** Path of request `index`, when it varies (the soak alternates /validate and /mutate). */
  pathOf?: (index: number) => string;
  /**
   * Keep-alive connections, opened (TLS handshakes done) before the schedule starts, as an API server keeps
   * its connections to a webhook; a request finding all busy waits, and that wait counts.
   */
  connections?: number;
  /** A cheap GET path the connections are opened with before the schedule starts (default `/healthz`). */
  openWith?: string;
  /**
   * A request answered later than this after its due time counts as a timeout, not a latency; the run
   * waits at most this long after the last request's due time, then closes what is still open.
   */
  timeoutMs?: number;
  /** Called with each answered request's due time (ms since the start) and latency (ms). */
  onAnswer?: (dueMs: number, latencyMs: number) => void;
}

export interface PacedResult {
  sent: number;
  answered: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** Of `errors`, requests not answered within `timeoutMs` of their due time. */
  timeouts: number;
  /** Answered requests per second over the run. */
  achievedRate: number;
  /** Latency from the due time, in ms, of every answered 2xx request. */
  latency: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** How late the generator itself sent requests (ms): its share of the latency above. */
  sendLag: { p99: number; max: number };
}

/**
 * Sends `rate × seconds` requests on a fixed schedule and measures them.
 *
 * @example
 *   const r = await pacedLoad({ origin, ca, path: "/validate", method: "POST", rate: 1000, seconds: 5,
 *     body: (i) => template.replace("__NAME__", `app-${i}`) });
 *   r.latency.p99 < 10 && r.errors === 0;
 */
export async function pacedLoad(options: PacedOptions): Promise<PacedResult> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connections = options.connections ?? 16;
  const pool = new Pool(options.origin, {
    connections,
    pipelining: 1,
    connect: { ca: options.ca },
    // Idle connections stay open for the whole run: the pool hands requests to the first free one, so the
    // others idle for seconds at a time, and undici's default (4 s) would reopen them mid-measurement.
    keepAliveTimeout: 600_000,
    keepAliveMaxTimeout: 600_000,
  });
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let answered = 0;
  let errors = 0;
  let timeouts = 0;
  let launched = 0;
  let lastAnswer = 0;
  let closing = false;
  const inFlight = new Set<Promise<void>>();
  let start = 0;
  // Nothing per request but the request itself: a timer or an AbortSignal each (to abort at a deadline)
  // made the generator late often enough to double the p99 it reported. Deadlines are applied instead when
  // an answer comes (later than `timeoutMs` after its due time: a timeout) and once at the end (below).
  const send = (index: number) => {
    const due = start + index * interval;
    lags[index] = performance.now() - due;
    let request: ReturnType<typeof pool.request>;
    try {
      request = pool.request({
        path: options.pathOf?.(index) ?? options.path,
        method: options.method,
        ...(options.body
          ? { headers: { "content-type": "application/json" }, body: options.body(index) }
          : {}),
      });
    } catch {
      errors++;
      return;
    }
    const promise = request
      .then(async (response) => {
        await response.body.dump();
        const now = performance.now();
        if (response.statusCode < 200 || response.statusCode >= 300) errors++;
        else if (now - due > timeoutMs) timeouts++;
        else {
          lastAnswer = now;
          latencies[answered++] = now - due;
          options.onAnswer?.(due - start, now - due);
        }
      })
      .catch(() => {
        // Requests still open when the run closes were counted as timeouts already.
        if (!closing) errors++;
      })
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
  };
  let bound: NodeJS.Timeout | undefined;
  try {
    // As many requests at once as connections: the pool opens every one of them now, not mid-measurement.
    await Promise.all(
      Array.from({ length: connections }, () =>
        pool
          .request({ path: options.openWith ?? "/healthz", method: "GET", headersTimeout: timeoutMs })
          .then((r) => r.body.dump()),
      ),
    );
    start = performance.now();
    await new Promise<void>((done) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
        while (launched < due) send(launched++);
        if (launched >= total) return done();
        setTimeout(tick, Math.max(0, start + launched * interval - performance.now()));
      };
      tick();
    });
    // Whatever is not answered `timeoutMs` after the last request's due time, in the pool's queue or on a
    // socket, has timed out: the run ends then, whatever the server does.
    const lastDue = start + (total - 1) * interval;
    await Promise.race([
      Promise.allSettled([...inFlight]),
      new Promise((resolve) => {
        bound = setTimeout(resolve, Math.max(0, lastDue + timeoutMs - performance.now()));
      }),
    ]);
    timeouts += inFlight.size;
  } finally {
    clearTimeout(bound);
    closing = true;
    await pool.destroy();
  }
  const sorted = latencies.subarray(0, answered).sort();
  const sortedLags = lags.sort();
  return {
    sent: launched,
    answered,
    errors: errors + timeouts,
    timeouts,
    // Over the time until the last answer: draining and closing the pool are not part of the rate.
    achievedRate: answered / (Math.max(lastAnswer - start, 1) / 1000),
    latency: {
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      p999: quantile(sorted, 0.999),
      max: sorted.at(-1) ?? 0,
    },
    sendLag: { p99: quantile(sortedLags, 0.99), max: sortedLags.at(-1) ?? 0 },
  };
}

/** The nearest-rank quantile of sorted values (0 when there are none). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
