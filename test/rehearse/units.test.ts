import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseMix, parseRehearseFlags } from "../../src/cli/rehearse-options.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { classify } from "../../src/rehearse/classify.js";
import { pickDuration, type RequestRecord } from "../../src/rehearse/load.js";
import { removeStaleTempDirs } from "../../src/rehearse/registry.js";
import { renderHtml, renderTable, toJson } from "../../src/rehearse/report.js";
import type { RehearsalResult } from "../../src/rehearse/result.js";
import { strategyPlan } from "../../src/rehearse/strategies.js";

test("--mix parses shares and durations and rejects shares that do not add up to 100%", () => {
  assert.deepEqual(parseMix("90%:50ms,10%:12s").value, [
    { share: 0.9, ms: 50 },
    { share: 0.1, ms: 12000 },
  ]);
  assert.match(parseMix("90%:50ms,20%:1s").problems[0] ?? "", /add up to 110%/);
  assert.match(parseMix("90:50").problems[0] ?? "", /expected SHARE%:DURATION/);
});

test("rehearse flags: defaults, and every bad value named with its flag", () => {
  const ok = parseRehearseFlags({});
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.options?.strategies, ["naive", "seed", "recommended"]);
  assert.equal(ok.options?.replicas, 3);
  // One default propagation across commands: the model's.
  assert.equal(ok.options?.propagationSeconds, DEFAULT_ASSUMPTIONS.propagationSeconds);
  assert.equal(ok.options?.front, DEFAULT_ASSUMPTIONS.front);
  assert.equal(ok.options?.shell, undefined, "no --shell: each image's own");
  assert.equal(ok.format, "text");
  assert.equal(parseRehearseFlags({ json: true }).format, "json");
  assert.equal(parseRehearseFlags({ format: "json", output: "r.json" }).output, "r.json");
  assert.match(parseRehearseFlags({ propagation: 500 }).problems[0] ?? "", /^--propagation/);
  assert.match(parseRehearseFlags({ front: "l5" }).problems[0] ?? "", /^--front/);
  const bad = parseRehearseFlags({
    strategy: "naive,yolo",
    replicas: "0",
    shell: "zsh",
    topology: "mesh",
    rps: "x",
  });
  assert.equal(bad.options, undefined);
  for (const flag of ["--strategy", "--replicas", "--shell", "--topology", "--rps"]) {
    assert.ok(
      bad.problems.some((p) => p.startsWith(flag)),
      `${flag} missing in ${bad.problems}`,
    );
  }
});

test("the mix is stratified: 10% long requests means 10 of every 100, spread out", () => {
  const mix = [
    { share: 0.9, ms: 50 },
    { share: 0.1, ms: 12000 },
  ];
  const picks = Array.from({ length: 100 }, (_, i) => pickDuration(mix, i));
  assert.equal(picks.filter((ms) => ms === 12000).length, 10);
  assert.ok(picks.slice(0, 20).includes(12000));
});

const base: RequestRecord = {
  id: "r-1",
  start: 0,
  end: 1,
  ms: 50,
  mode: "fresh",
  method: "GET",
  status: 502,
  servedBy: undefined,
  nginxPod: "nginx-1",
  upstream: "127.0.0.1:9|502|0.000|-|2.500",
  error: undefined,
  clientPort: 40000,
};

test("failure classes: reset in flight, refused, backlog, 504, client refused/reset/timeout", () => {
  const none = { startedIds: new Set<string>(), refusedClientPorts: new Set<number>() };
  assert.equal(classify({ ...base, status: 200 }, none), "ok");
  assert.equal(classify(base, { ...none, startedIds: new Set(["r-1"]) }), "502-reset");
  assert.equal(classify(base, none), "502-backlog");
  assert.equal(classify({ ...base, upstream: "127.0.0.1:9|502|-|-|0.000" }, none), "502-refused");
  assert.equal(classify({ ...base, upstream: "127.0.0.1:9|502|0.000|-|0.001" }, none), "502-refused");
  assert.equal(classify({ ...base, status: 504 }, none), "504");
  assert.equal(classify({ ...base, status: undefined, error: "UND_ERR_HEADERS_TIMEOUT" }, none), "timeout");
  assert.equal(classify({ ...base, status: undefined, error: "ECONNRESET" }, none), "reset");
  assert.equal(
    classify(
      { ...base, status: undefined, error: "ECONNRESET" },
      { ...none, refusedClientPorts: new Set([40000]) },
    ),
    "refused",
  );
});

test("strategy plans: seed is the recipe literally; recommended covers propagation and the longest request", () => {
  const scenario = {
    topology: "separate" as const,
    propagationSeconds: 2,
    jitterSeconds: 0,
    replicas: 3,
    rps: 50,
    mix: [
      { share: 0.9, ms: 50 },
      { share: 0.1, ms: 12000 },
    ],
    seedStopSignal: "SIGQUIT" as const,
  };
  const seed = strategyPlan("seed", scenario).pod.containers[0];
  assert.deepEqual(seed?.preStop, { kind: "exec", command: ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"] });
  assert.deepEqual(seed?.phpIniLines, ["process_control_timeout=5s"]);
  assert.equal(seed?.processControlTimeoutSeconds, undefined);
  const recommended = strategyPlan("recommended", scenario);
  const fpm = recommended.pod.containers[0];
  assert.equal(fpm?.stopSignal, "SIGQUIT");
  assert.ok(fpm?.preStop?.kind === "sleep" && fpm.preStop.seconds >= 2);
  assert.ok((fpm?.processControlTimeoutSeconds ?? 0) >= 12);
  assert.ok(recommended.pod.gracePeriodSeconds >= 3 + 14);
});

test("renderers: table, JSON schema and a self-contained HTML page with an SVG timeline", () => {
  const result: RehearsalResult = {
    scenario: {
      topology: "separate",
      propagationSeconds: 2,
      jitterSeconds: 0,
      replicas: 1,
      restarts: 1,
      rps: 1,
      mix: [{ share: 1, ms: 50 }],
      shell: "dash",
      front: "l7",
    },
    valid: false,
    strategies: [
      {
        name: "naive",
        description: "no preStop",
        topology: "separate",
        notes: ["SIGTERM <kills>", "name \u0007\ufffe\ud800 from a manifest"],
        requests: 2,
        succeeded: 1,
        failed: 1,
        failedByKind: {
          "502-reset": 1,
          "502-refused": 0,
          "502-backlog": 0,
          "504": 0,
          "http-error": 0,
          refused: 0,
          reset: 0,
          timeout: 0,
        },
        latencyMs: { p50: 50, p99: 50 },
        terminationSeconds: [{ pod: "php-1", seconds: 0.1, deletedAt: 1, exitedAt: 1.1, killed: false }],
        durationSeconds: 3,
        endpoints: { fallback: 0, none: 0 },
        stall: { maxLatenessMs: 812, boundMs: 500, stalls: [{ t: 1.4, ms: 812 }], valid: false },
        plan: strategyPlan("naive", {
          topology: "separate",
          propagationSeconds: 2,
          jitterSeconds: 0,
          replicas: 1,
          rps: 1,
          mix: [{ share: 1, ms: 50 }],
          seedStopSignal: "SIGQUIT",
        }),
        events: [
          { t: 0, pod: "php-1", kind: "created", detail: "127.0.1.2" },
          { t: 1, pod: "php-1", kind: "deleted" },
          { t: 1, pod: "php-1", container: "php-fpm", kind: "signal", detail: "SIGTERM" },
          { t: 1.1, pod: "php-1", container: "php-fpm", kind: "exit", detail: "code 0" },
        ],
        requestLog: [
          { ...base, status: 200, outcome: "ok" },
          { ...base, id: "r-2", start: 0.9, end: 1.05, outcome: "502-reset" },
        ],
      },
    ],
  };
  const table = renderTable(result);
  assert.match(table, /naive\s+2\s+1\s+1\s+1/);
  // A stalled run says so in the table and the JSON.
  assert.match(table, /812 INVALID/);
  assert.match(table, /INVALID naive: the host stalled 812 ms/);
  assert.match(table, /front l7/);
  const json = toJson(result) as {
    valid: boolean;
    strategies: { name: string; failed: number; failedByKind: object; stall: { valid: boolean } }[];
  };
  assert.equal(json.valid, false);
  assert.equal(json.strategies[0]?.stall.valid, false);
  assert.equal(json.strategies[0]?.name, "naive");
  assert.equal(json.strategies[0]?.failed, 1);
  const html = renderHtml(result);
  assert.match(html, /<svg [^>]*role="img"/);
  assert.match(html, /SIGTERM &lt;kills&gt;/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
  // Names from a manifest are data: nothing XML 1.0 cannot carry reaches the page (U+FFFD instead).
  assert.match(html, /name \ufffd\ufffd\ufffd from a manifest/);
  for (const bad of ["\u0007", "\ufffe", "\ud800"])
    assert.ok(!html.includes(bad), `no ${JSON.stringify(bad)} in the page`);
});

test("a temp dir left by a SIGKILLed rehearsal is removed by the next one; a live owner's is kept", () => {
  const root = mkdtempSync(join(tmpdir(), "stale-test-"));
  try {
    const dead = spawnSync("true").pid as number;
    const stale = mkdtempSync(join(root, "fpm-graceful-recommended-"));
    writeFileSync(join(stale, ".fpm-graceful-owner"), String(dead));
    const live = mkdtempSync(join(root, "fpm-graceful-recommended-"));
    writeFileSync(join(live, ".fpm-graceful-owner"), String(process.pid));
    const foreign = mkdtempSync(join(root, "fpm-graceful-bench-"));
    assert.deepEqual(removeStaleTempDirs(root), [stale]);
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(live), true);
    assert.equal(existsSync(foreign), true, "a dir without an owner file is not ours to remove");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
