/**
 * The pure app (`src/webhook/app.ts`) called in-process, no sockets: the review budget, the failure
 * policy, the worker pool's time limit, and memory that stays flat under distinct objects and kinds
 * (issue 16).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import {
  type AppOptions,
  type AppResponse,
  createWebhookApp,
  type WebhookApp,
} from "../../src/webhook/app.js";
import { WEBHOOK_DEFAULTS } from "../../src/webhook/defaults.js";
import { largeReview, readFixture } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const BUDGET = {
  maxObjectBytes: WEBHOOK_DEFAULTS.maxObjectBytes,
  maxContainers: WEBHOOK_DEFAULTS.maxContainers,
};

function makeApp(overrides: Partial<AppOptions> = {}): WebhookApp {
  return createWebhookApp({
    review: { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "error", budget: BUDGET },
    threads: 0,
    log: () => {},
    ...overrides,
  });
}

async function call(app: WebhookApp, method: string, path: string, body?: string): Promise<AppResponse> {
  return app.handle({
    method,
    path,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    readBody: async () => Buffer.from(body ?? ""),
  });
}

function answerOf(response: AppResponse): {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
} {
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body).response;
}

test("budget: a 20,000-container object is answered at once, unreviewed, allowed or denied per --on-error", async () => {
  const body = await largeReview(20_000, "uid-20k");
  assert.ok(
    Buffer.byteLength(body) < BUDGET.maxObjectBytes,
    "within the byte budget: the container cap decides",
  );
  for (const [onError, mode, allowed] of [
    ["allow", "/validate", true],
    ["deny", "/validate", false],
    ["deny", "/mutate", true],
  ] as const) {
    const app = makeApp({
      review: { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "error", budget: BUDGET, onError },
    });
    try {
      const started = performance.now();
      const answer = answerOf(await call(app, "POST", mode, body));
      const ms = performance.now() - started;
      assert.equal(answer.uid, "uid-20k");
      assert.equal(answer.allowed, allowed, `${onError} ${mode}`);
      assert.match(
        answer.status?.message ?? "",
        /20000 containers, over the webhook's budget of 200 \(--max-containers\)/,
      );
      assert.match(answer.status?.message ?? "", allowed ? /allowed/ : /denied \(--on-error deny\)/);
      assert.ok((answer.warnings ?? []).every((w) => w.length <= 120));
      // Unreviewed: counting the containers is all the work (today's main reviews it: seconds).
      assert.ok(ms < 2000, `answered after ${ms.toFixed(0)} ms`);
      assert.match(
        await app.metrics.render(),
        /fpm_graceful_webhook_reviews_total\{mode="\w+",kind="Deployment",outcome="budget"\} 1/,
      );
    } finally {
      await app.close();
    }
  }
  // Over the byte budget: answered before the body is parsed, with the uid read from its head.
  const app = makeApp({
    review: {
      assumptions: DEFAULT_ASSUMPTIONS,
      denyOn: "error",
      budget: { ...BUDGET, maxObjectBytes: 1000 },
    },
  });
  const answer = answerOf(await call(app, "POST", "/validate", await largeReview(100, "uid-bytes")));
  assert.equal(answer.uid, "uid-bytes");
  assert.equal(answer.allowed, true);
  assert.match(answer.status?.message ?? "", /bytes, over the webhook's budget of 1000 \(--max-object\)/);
  await app.close();
});

test("budget: an object within it is reviewed as before (the seed recipe is denied on error)", async () => {
  const app = makeApp();
  try {
    const seed = JSON.stringify(await readFixture("seed-deployment.review.json"));
    const answer = answerOf(await call(app, "POST", "/validate", seed));
    assert.equal(answer.allowed, false);
    assert.match(answer.status?.message ?? "", /would fail requests/);
  } finally {
    await app.close();
  }
});

test("pool: a large review runs in a worker; one over --review-timeout is stopped and answered per policy", async () => {
  const app = makeApp({
    threads: 1,
    reviewTimeoutMs: 3000,
    review: {
      assumptions: DEFAULT_ASSUMPTIONS,
      denyOn: "error",
      onError: "deny",
      budget: { maxObjectBytes: 8 * 1024 * 1024, maxContainers: 1_000_000 },
    },
  });
  try {
    // 40 containers: over the inline bound, so a worker reviews it; the answer is a real review.
    const reviewed = answerOf(await call(app, "POST", "/validate", await largeReview(40, "uid-40")));
    assert.equal(reviewed.uid, "uid-40");
    assert.match(reviewed.status?.message ?? "", /would fail requests/);
    const started = performance.now();
    const stopped = answerOf(await call(app, "POST", "/validate", await largeReview(20_000, "uid-slow")));
    const ms = performance.now() - started;
    assert.equal(stopped.uid, "uid-slow");
    assert.equal(stopped.allowed, false);
    assert.match(stopped.status?.message ?? "", /longer than 3 s \(--review-timeout\); denied/);
    assert.ok(ms < 8000, `answered after ${ms.toFixed(0)} ms`);
    // The terminated worker is replaced: the next large review is answered by a review again.
    const again = answerOf(await call(app, "POST", "/validate", await largeReview(40, "uid-after")));
    assert.match(again.status?.message ?? "", /would fail requests/);
    assert.match(await app.metrics.render(), /outcome="timeout"\} 1/);
  } finally {
    await app.close();
  }
});

test("metrics: 5,000 distinct kinds make no new series; the kind label is a reviewed kind or other", async () => {
  const app = makeApp();
  try {
    const seed = (await readFixture("correct-deployment.review.json")) as {
      request: { kind: { kind: string }; uid: string };
    };
    const send = async (i: number) => {
      const body = structuredClone(seed);
      body.request.kind.kind = `Kind${i}`;
      body.request.uid = `u-${i}`;
      await call(app, "POST", "/validate", JSON.stringify(body));
    };
    for (let i = 0; i < 100; i++) await send(i);
    const after100 = await app.metrics.render();
    for (let i = 100; i < 5000; i++) await send(i);
    const after5000 = await app.metrics.render();
    const series = (text: string) =>
      text.split("\n").filter((l) => l.startsWith("fpm_graceful_webhook_reviews_total"));
    assert.deepEqual(
      series(after5000).map((l) => l.replace(/ \d+$/, "")),
      series(after100).map((l) => l.replace(/ \d+$/, "")),
    );
    assert.match(
      after5000,
      /fpm_graceful_webhook_reviews_total\{mode="validate",kind="other",outcome="skipped"\} 5000/,
    );
    assert.doesNotMatch(after5000, /Kind\d/);
    // Unknown paths share one label too.
    for (let i = 0; i < 200; i++) await call(app, "GET", `/x${i}`);
    assert.equal((await app.metrics.render()).match(/path="\/x/g), null);
  } finally {
    await app.close();
  }
});

test("cache: distinct large dry-run mutates keep its bytes within the bound and the heap flat", async () => {
  const cacheBytes = 2 * 1024 * 1024;
  const app = makeApp({ cacheBytes });
  try {
    const seed = (await readFixture("seed-deployment.review.json")) as {
      request: {
        uid: string;
        dryRun?: boolean;
        object: {
          metadata: { name: string };
          spec: { template: { spec: { containers: { command?: string[] }[] } } };
        };
      };
    };
    // Each php-fpm runs under a 100 KB wrapper script: the fix adds `exec` to it, so each answer's patch
    // carries the script (about 137 KB of answer, as in issue 16's 245 KB objects).
    const filler = "#".repeat(100 * 1024);
    const send = async (i: number) => {
      const body = structuredClone(seed);
      body.request.uid = `u-${i}`;
      body.request.dryRun = true;
      body.request.object.metadata.name = `app-${i}`;
      const [fpm] = body.request.object.spec.template.spec.containers;
      if (fpm) fpm.command = ["sh", "-c", `php-fpm -F # ${i} ${filler}`];
      answerOf(await call(app, "POST", "/mutate", JSON.stringify(body)));
    };
    for (let i = 0; i < 100; i++) await send(i);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 100; i < 400; i++) await send(i);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    const cache = app.reviewer.cache;
    assert.ok(cache);
    console.log(
      `cache: heap grew ${(growth / 1048576).toFixed(1)} MB over 300 distinct answers; cache ${cache.size} entries, ${cache.bytes} bytes of ${cacheBytes}`,
    );
    assert.ok(cache.bytes <= cacheBytes, `cache holds ${cache.bytes} bytes`);
    assert.ok(cache.size > 0);
    assert.ok(
      growth < 16 * 1024 * 1024,
      `heap grew ${(growth / 1048576).toFixed(1)} MB over 300 distinct objects`,
    );
    assert.match(await app.metrics.render(), /fpm_graceful_webhook_review_cache_bytes \d+/);
  } finally {
    await app.close();
  }
});

test("routes: /livez and /healthz answer, /readyz turns 503 once the app stops accepting", async () => {
  const app = makeApp();
  try {
    assert.equal((await call(app, "GET", "/livez")).status, 200);
    assert.equal((await call(app, "HEAD", "/healthz")).status, 200);
    assert.equal((await call(app, "GET", "/readyz")).status, 200);
    app.stopAccepting();
    assert.equal((await call(app, "GET", "/readyz")).status, 503);
    assert.match(await app.metrics.render(), /^fpm_graceful_webhook_ready 0$/m);
    const wrong = await call(app, "POST", "/livez", "{}");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.Allow, "GET, HEAD");
  } finally {
    await app.close();
  }
});

test("pool size: the cgroup's CPU quota (v2 cpu.max, else v1 cfs), rounded up, never above the CPU set, less one", async () => {
  const { availableParallelism } = await import("node:os");
  const { cpuLimit, workerThreadsFor } = await import("../../src/webhook/pool.js");
  const files = (entries: Record<string, string>) => (path: string) => {
    const text = entries[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: "ENOENT" });
    return text;
  };
  const cpus = availableParallelism();
  assert.equal(cpuLimit(files({ "/sys/fs/cgroup/cpu.max": "150000 100000\n" })), Math.min(cpus, 2));
  assert.equal(cpuLimit(files({ "/sys/fs/cgroup/cpu.max": "50000 100000\n" })), 1);
  assert.equal(cpuLimit(files({ "/sys/fs/cgroup/cpu.max": "max 100000\n" })), cpus);
  assert.equal(
    cpuLimit(
      files({
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "100000\n",
        "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
      }),
    ),
    1,
  );
  assert.equal(cpuLimit(files({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n" })), cpus);
  assert.equal(cpuLimit(files({})), cpus);
  assert.deepEqual([1, 2, 4].map(workerThreadsFor), [1, 1, 3]);
});
