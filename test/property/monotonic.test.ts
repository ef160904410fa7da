import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { checkSources } from "../../src/engine/check.js";
import type { Assumptions } from "../../src/model/types.js";
import type { SourceFile } from "../../src/sources/files.js";
import type { Timeline } from "../../src/timeline/types.js";
import { type AppSpec, appArb, type FpmConfigSpec, manifestText, type PreStop } from "./manifests.js";
import { holds } from "./support.js";

const RUNS = 200;

interface Scenario {
  app: AppSpec;
  assumptions: Assumptions;
}

/** One php-fpm workload (perhaps with nginx, perhaps a sidecar) and the assumptions it is judged under. */
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  app: appArb.map((app) => ({ ...app, kind: "Deployment" as const })),
  assumptions: fc.record({
    propagationSeconds: fc.integer({ min: 0, max: 30 }),
    maxRequestSeconds: fc.integer({ min: 1, max: 120 }),
    kubeVersion: fc.constantFrom("1.29", "1.33"),
  }),
});

function timelineOf({ app, assumptions }: Scenario): Timeline {
  const file: SourceFile = {
    path: "app.yaml",
    kind: "kubernetes",
    text: manifestText([app], { rate: 0, seed: 1 }).text,
  };
  const result = checkSources([file], { assumptions });
  assert.deepEqual(result.problems, []);
  const timeline = result.workloads[0]?.timeline;
  assert.ok(timeline, "the workload has a timeline");
  return timeline;
}

/**
 * How many seconds' worth of arriving requests fail: the measure of the set of arrival times whose request
 * is refused, waits in a dead backlog, or is cut while in flight. A window `[from, to]` fails the requests
 * that arrive in it; an in-flight kill at `t` fails those still running then, i.e. that arrived in
 * `(t − R, t − runningLongerThan]`, up to the last moment requests still arrive. With a steady arrival rate
 * this is proportional to the number of failed requests, and a request is counted once however many
 * windows it falls in (nginx and php-fpm both cut the same proxied request).
 */
export function exposure(timeline: Timeline): number {
  const R = timeline.longestRequestSeconds;
  const E = timeline.propagationSeconds;
  const nginx = timeline.containers.find((c) => c.role === "nginx");
  const front = nginx ?? timeline.containers.find((c) => c.role === "fpm");
  const lastArrival = Math.min(E, front?.closesAt ?? E);
  const intervals: [number, number][] = [];
  for (const w of timeline.failureWindows) {
    if (w.kind === "refused" || w.kind === "backlog") intervals.push([w.from, w.to]);
    else if (w.kind === "in-flight-killed")
      intervals.push([w.from - R, Math.min(lastArrival, w.from - (w.runningLongerThan ?? 0))]);
  }
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [from, to] of intervals) {
    const start = Math.max(from, reach);
    if (to > start) total += to - start;
    reach = Math.max(reach, to);
  }
  return total;
}

const describe = (t: Timeline) =>
  `exposure ${exposure(t)}: ${t.failureWindows.map((w) => `${w.cause}@${w.from}-${w.to}`).join(", ") || "none"}`;

/** A timing made worse by `delta` seconds, or undefined when the scenario does not have it. */
type Worsening = (s: Scenario, delta: number) => Scenario | undefined;

const shorterPreStop = (preStop: PreStop, delta: number): PreStop | undefined =>
  "seconds" in preStop && preStop.seconds > 0
    ? { ...preStop, seconds: Math.max(0, preStop.seconds - delta) }
    : undefined;

const withFpmConfig = (s: Scenario, config: Partial<FpmConfigSpec>): Scenario | undefined =>
  s.app.fpmConfig ? { ...s, app: { ...s.app, fpmConfig: { ...s.app.fpmConfig, ...config } } } : undefined;

const WORSENINGS: Record<string, Worsening> = {
  "a larger propagation budget": (s, d) => ({
    ...s,
    assumptions: { ...s.assumptions, propagationSeconds: s.assumptions.propagationSeconds + d },
  }),
  "a shorter php-fpm preStop sleep": (s, d) => {
    const preStop = shorterPreStop(s.app.fpm.preStop, d);
    return preStop && { ...s, app: { ...s.app, fpm: { ...s.app.fpm, preStop } } };
  },
  "a shorter nginx preStop sleep": (s, d) => {
    const preStop = s.app.nginx && shorterPreStop(s.app.nginx.preStop, d);
    return preStop && s.app.nginx && { ...s, app: { ...s.app, nginx: { ...s.app.nginx, preStop } } };
  },
  "a shorter grace period": (s, d) => {
    const grace = s.app.gracePeriodSeconds ?? 30;
    return grace > 0 ? { ...s, app: { ...s.app, gracePeriodSeconds: Math.max(0, grace - d) } } : undefined;
  },
  "a shorter process_control_timeout": (s, d) =>
    s.app.fpmConfig?.placement === "global" && s.app.fpmConfig.processControlTimeout > 0
      ? withFpmConfig(s, { processControlTimeout: Math.max(0, s.app.fpmConfig.processControlTimeout - d) })
      : undefined,
  "a longer longest request": (s, d) =>
    s.app.fpmConfig?.requestTerminate !== undefined
      ? withFpmConfig(s, { requestTerminate: s.app.fpmConfig.requestTerminate + d })
      : { ...s, assumptions: { ...s.assumptions, maxRequestSeconds: s.assumptions.maxRequestSeconds + d } },
};

for (const [name, worsen] of Object.entries(WORSENINGS)) {
  test(`property: failure exposure never shrinks with ${name}`, (t) => {
    let grew = 0;
    let cases = 0;
    holds(
      `monotonic: ${name}`,
      fc.property(scenarioArb, fc.integer({ min: 1, max: 30 }), (scenario, delta) => {
        const worse = worsen(scenario, delta);
        fc.pre(worse !== undefined);
        if (!worse) return;
        const before = timelineOf(scenario);
        const after = timelineOf(worse);
        assert.ok(
          exposure(after) >= exposure(before) - 1e-9,
          `before ${describe(before)}\nafter  ${describe(after)}`,
        );
        cases++;
        if (exposure(after) > exposure(before) + 1e-9) grew++;
      }),
      RUNS,
    );
    // A property that never sees the exposure change would hold vacuously.
    t.diagnostic(`${cases} cases, exposure grew in ${grew}`);
    assert.ok(grew > cases / 10, `exposure grew in only ${grew} of ${cases} cases`);
  });
}

test("property: every container a predicted failure names has a termination finding (error or warning)", () => {
  holds(
    "every failure window is reported",
    fc.property(scenarioArb, (scenario) => {
      const file: SourceFile = {
        path: "app.yaml",
        kind: "kubernetes",
        text: manifestText([scenario.app], { rate: 0, seed: 1 }).text,
      };
      const result = checkSources([file], { assumptions: scenario.assumptions });
      const timeline = result.workloads[0]?.timeline;
      assert.ok(timeline);
      // Rollout rules judge how pods start and how many stop at once, not how one pod stops.
      const reported = result.findings.filter(
        (f) =>
          f.severity !== "info" && f.rule !== "readiness-probe-missing" && f.rule !== "rollout-no-capacity",
      );
      for (const window of timeline.failureWindows) {
        if (window.kind === "keepalive-reset") continue;
        assert.ok(
          reported.some((f) => f.container === window.container || f.container === undefined),
          `nothing reported on ${window.container} for ${window.cause}; ${describe(timeline)}; findings: ${reported.map((f) => `${f.rule}/${f.container}`).join(", ")}`,
        );
      }
    }),
    RUNS,
  );
});

test("monotonicity holds for whole-second preStops only: the kubelet truncates the hook's time (FACTS.md)", () => {
  // The grace period left after a preStop is grace − ⌊elapsed⌋ (kuberuntime_container.go), so a hook of
  // 2.9 s gets SIGKILL at 30.9 s and one of 3 s at 30 s: the shorter hook kills later. The generators
  // therefore use whole seconds, as `preStop.sleep` does.
  const wrapped = (sleep: string): Scenario => ({
    app: {
      kind: "Deployment",
      namespace: undefined,
      replicas: undefined,
      strategy: "none",
      gracePeriodSeconds: 30,
      fpm: {
        image: "registry.example.com/shop/app:1",
        command: ["sh", "-c", "php-fpm -F"],
        preStop: { kind: "exec-sleep", seconds: Number(sleep) },
        stopSignal: undefined,
        readiness: true,
        sidecar: false,
      },
      nginx: undefined,
      nginxFirst: false,
      fpmConfig: undefined,
      budget: true,
      service: false,
      flow: true,
    },
    assumptions: { propagationSeconds: 5, maxRequestSeconds: 30, kubeVersion: "1.33" },
  });
  const sigkill = (t: Timeline) => t.containers[0]?.sigkillAt;
  assert.equal(sigkill(timelineOf(wrapped("3"))), 30);
  assert.equal(sigkill(timelineOf(wrapped("2.9"))), 30.9);
  assert.ok(exposure(timelineOf(wrapped("2.9"))) < exposure(timelineOf(wrapped("3"))));
});
