/**
 * Issue 16: one large object must not stall admission. Over real TLS, large reviews arrive back to back
 * while probes and small reviews are sent on a schedule; the small ones must keep their latency. The
 * goal is 50 ms p99 (the bench measures it, `webhook-adversarial`); this shared 2-core machine gets a
 * generous bound here. On the single-event-loop server a 20k-container review held the loop for seconds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  get,
  largeReview,
  post,
  quantileOf,
  readFixture,
  type ServerProcess,
  startServerProcess,
  type Target,
} from "./helpers.js";

/** Bound on this shared machine for the p99 whose goal is 50 ms. */
const P99_BOUND_MS = 250;

interface Timed {
  readyz: number[];
  small: number[];
  large: { ms: number; message: string; allowed: boolean }[];
}

/**
 * For `seconds`: a large review every 250 ms (as issue 16's attack: 4 a second among the cluster's small
 * ones), and /readyz and a small review every 40 ms each, all on a fixed schedule (latency from the due
 * time, so a stalled server cannot hide behind a waiting client).
 */
async function underLargeReviews(t: Target, large: string, seconds: number): Promise<Timed> {
  const fixture = (await readFixture("correct-deployment.review.json")) as {
    request: { name: string; object: { metadata: { name: string } } };
  };
  // Each small review distinct (a new name), so the cache does not answer it.
  let serial = 0;
  const small = () => {
    const name = `small-${++serial}`;
    fixture.request.name = name;
    fixture.request.object.metadata.name = name;
    return JSON.stringify(fixture);
  };
  const timed: Timed = { readyz: [], small: [], large: [] };
  const deadline = performance.now() + seconds * 1000;
  const paced = async (everyMs: number, send: () => Promise<void>, into?: number[]) => {
    const pending: Promise<void>[] = [];
    for (let due = performance.now(); due < deadline; due += everyMs) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const dueAt = due;
      pending.push(send().then(() => void into?.push(performance.now() - dueAt)));
    }
    await Promise.all(pending);
  };
  const sendLarge = async () => {
    const started = performance.now();
    const reply = await post(t, "/validate", large);
    const response = reply.json?.response as { allowed: boolean; status?: { message: string } };
    timed.large.push({
      ms: performance.now() - started,
      message: response?.status?.message ?? reply.text,
      allowed: response?.allowed,
    });
  };
  // The large ones start first, so that the small requests below are sent while one is in the server.
  const large4 = paced(250, sendLarge);
  await new Promise((r) => setTimeout(r, 100));
  await Promise.all([
    large4,
    paced(40, async () => assert.equal((await get(t, "/readyz")).status, 200), timed.readyz),
    paced(40, async () => assert.equal((await post(t, "/validate", small())).status, 200), timed.small),
  ]);
  return timed;
}

async function withServer(args: string[], run: (t: ServerProcess) => Promise<void>) {
  const t = await startServerProcess(["--workers", "1", ...args]);
  try {
    // Unmeasured first: the server's code compiled, its worker started, the client's connections open.
    await underLargeReviews(t, await largeReview(20_000), 2);
    await run(t);
  } finally {
    await t.close();
  }
}

function report(what: string, timed: Timed): void {
  const line = (name: string, values: number[]) =>
    `${name} p99 ${quantileOf(values, 0.99).toFixed(1)} ms (${values.length})`;
  console.log(
    `${what}: ${line("readyz", timed.readyz)}, ${line("small", timed.small)}, ${line(
      "large",
      timed.large.map((l) => l.ms),
    )}`,
  );
}

test("stall: 20k-container reviews are answered within the budget while /readyz and small reviews keep their latency", () =>
  withServer(["--on-error", "deny", "--max-object", "3MiB", "--max-containers", "200"], async (t) => {
    const timed = await underLargeReviews(t, await largeReview(20_000), 4);
    report("budget", timed);
    assert.ok(timed.large.length >= 10);
    for (const large of timed.large) {
      assert.equal(large.allowed, false);
      assert.match(large.message, /20000 containers, over the webhook's budget of 200/);
      assert.ok(large.ms < 3000, `a large review answered after ${large.ms.toFixed(0)} ms`);
    }
    assert.ok(quantileOf(timed.readyz, 0.99) < P99_BOUND_MS, "readyz p99");
    assert.ok(quantileOf(timed.small, 0.99) < P99_BOUND_MS, "small review p99");
  }));

test("stall: reviews that run long are in a worker, stopped at --review-timeout, while the event loop answers", () =>
  withServer(
    // Budget raised so that the 20k-container object is really reviewed, and overruns.
    ["--review-timeout", "1s", "--max-object", "3MiB", "--max-containers", "1000000"],
    async (t) => {
      const timed = await underLargeReviews(t, await largeReview(20_000), 4);
      report("timeout", timed);
      assert.ok(timed.large.length >= 10);
      for (const large of timed.large) {
        assert.equal(large.allowed, true);
        assert.match(
          large.message,
          /(longer than 1 s \(--review-timeout\)|large reviews are already waiting)/,
        );
        assert.ok(large.ms < 4000, `a large review answered after ${large.ms.toFixed(0)} ms`);
      }
      assert.ok(quantileOf(timed.readyz, 0.99) < P99_BOUND_MS, "readyz p99");
      assert.ok(quantileOf(timed.small, 0.99) < P99_BOUND_MS, "small review p99");
    },
  ));
