import assert from "node:assert/strict";
import { test } from "node:test";
import { type RehearseOptions, rehearse } from "../../src/rehearse/run.js";

const quiet = { onProgress: () => {}, handleSignals: false, leadSeconds: 1.5, tailSeconds: 0.5 };
const short: RehearseOptions["mix"] = [
  { share: 0.85, ms: 50 },
  { share: 0.15, ms: 3000 },
];

test("naive (separate): SIGTERM at deletion kills in-flight requests and new connections are refused", async () => {
  const result = await rehearse({
    ...quiet,
    strategies: ["naive"],
    propagationSeconds: 1.5,
    replicas: 2,
    restarts: 1,
    rps: 20,
    mix: short,
  });
  const [naive] = result.strategies;
  assert.ok(naive);
  assert.ok(naive.requests > 50, `requests ${naive.requests}`);
  assert.ok(naive.failedByKind["502-reset"] > 0, JSON.stringify(naive.failedByKind));
  assert.ok(naive.failedByKind["502-refused"] > 0, JSON.stringify(naive.failedByKind));
  assert.equal(naive.terminationSeconds.length, 2);
  for (const t of naive.terminationSeconds) assert.ok(t.seconds < 1, `${t.pod} took ${t.seconds}s`);
});

test("seed (separate, dash, STOPSIGNAL SIGQUIT): the kill fails, the stop signal kills requests still running at +10 s", async () => {
  const result = await rehearse({
    ...quiet,
    strategies: ["seed"],
    propagationSeconds: 2,
    replicas: 2,
    restarts: 1,
    rps: 15,
    mix: [
      { share: 0.85, ms: 50 },
      { share: 0.15, ms: 10_000 },
    ],
  });
  const [seed] = result.strategies;
  assert.ok(seed);
  assert.ok(seed.failedByKind["502-reset"] > 0, JSON.stringify(seed.failedByKind));
  const hooks = seed.events.filter((e) => e.kind === "prestop-end");
  assert.equal(hooks.length, 2);
  for (const hook of hooks) assert.match(hook.detail ?? "", /exit 2; .*Illegal option -S/);
  for (const t of seed.terminationSeconds)
    assert.ok(t.seconds >= 10 && t.seconds < 11, `${t.pod}: ${t.seconds}s`);
});

test("seed (busybox, custom image with STOPSIGNAL SIGTERM): the kill works, SIGTERM follows at once and kills in-flight", async () => {
  const result = await rehearse({
    ...quiet,
    strategies: ["seed"],
    shell: "busybox",
    seedStopSignal: "SIGTERM",
    propagationSeconds: 2,
    replicas: 1,
    restarts: 1,
    rps: 10,
    mix: [
      { share: 0.8, ms: 50 },
      { share: 0.2, ms: 10_000 },
    ],
  });
  const [seed] = result.strategies;
  assert.ok(seed);
  assert.ok(seed.failedByKind["502-reset"] > 0, JSON.stringify(seed.failedByKind));
  const hook = seed.events.find((e) => e.kind === "prestop-end");
  assert.match(hook?.detail ?? "", /exit 0/);
  // The kubelet's SIGTERM follows the hook at once; with process_control_timeout 0 php-fpm may already have
  // exited on the hook's SIGQUIT by then (logged as skipped, never as delivered): both are the race.
  assert.ok(
    seed.events.some(
      (e) => (e.kind === "signal" || e.kind === "signal-skipped") && (e.detail ?? "").includes("SIGTERM"),
    ),
    JSON.stringify(seed.events.filter((e) => e.kind.startsWith("signal"))),
  );
});

test("recommended (separate): no failed request over 2 rolling restarts", async () => {
  const result = await rehearse({
    ...quiet,
    strategies: ["recommended"],
    propagationSeconds: 1.5,
    replicas: 2,
    restarts: 2,
    rps: 20,
    mix: short,
  });
  const [recommended] = result.strategies;
  assert.ok(recommended);
  assert.ok(recommended.requests > 150, `requests ${recommended.requests}`);
  assert.ok(recommended.requestLog.some((r) => r.ms === 3000 && r.outcome === "ok"));
  assert.equal(recommended.failed, 0, JSON.stringify(recommended.failedByKind));
  assert.equal(recommended.terminationSeconds.length, 4);
});

test("recommended (sidecar): nginx outlives php-fpm's drain: no 502 and no refused; only keep-alive races can remain", async () => {
  const result = await rehearse({
    ...quiet,
    strategies: ["recommended"],
    topology: "sidecar",
    propagationSeconds: 1.5,
    replicas: 2,
    restarts: 1,
    rps: 20,
    mix: short,
  });
  const [recommended] = result.strategies;
  assert.ok(recommended);
  assert.ok(recommended.requests > 80);
  // The ingress here is a connection-level proxy: a client's keep-alive connection stays pinned to the old
  // nginx, which closes it when idle at SIGQUIT; a request sent at that instant is reset (FACTS.md, "keep-alive
  // races"). Everything else must succeed.
  const failures = recommended.requestLog.filter((r) => r.outcome !== "ok");
  assert.ok(
    failures.every((r) => r.outcome === "reset" && r.mode === "keep-alive"),
    JSON.stringify(recommended.failedByKind),
  );
  // ...and each happens at an nginx SIGQUIT: the request was sent as that nginx closed its idle connections.
  const quits = recommended.events
    .filter((e) => e.container === "nginx" && e.kind === "signal")
    .map((e) => e.t);
  for (const r of failures) {
    assert.ok(
      quits.some((t) => r.start >= t - 0.5 && r.start <= t + 1.5),
      `reset at ${r.start.toFixed(2)}s is not at an nginx SIGQUIT (${quits.map((t) => t.toFixed(2)).join(", ")})`,
    );
  }
  // php-fpm (native sidecar) got its stop signal only after nginx exited.
  for (const pod of new Set(recommended.terminationSeconds.map((t) => t.pod))) {
    const mine = recommended.events.filter((e) => e.pod === pod);
    const nginxExit = mine.find((e) => e.container === "nginx" && e.kind === "exit");
    const fpmSignal = mine.find((e) => e.container === "php-fpm" && e.kind === "signal");
    assert.ok(nginxExit && fpmSignal && fpmSignal.t >= nginxExit.t, pod);
  }
});
