import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import type { SourceFile } from "../../src/sources/files.js";
import type { Timeline } from "../../src/timeline/types.js";

interface Pod {
  image?: string;
  preStop?: string;
  grace?: number;
  pct?: string;
  command?: string;
  nginx?: string;
  sidecar?: boolean;
}

/** One php-fpm Deployment (optionally with nginx in the pod), as YAML, and its predicted timeline. */
function timelineOf(pod: Pod, propagationSeconds = 5, maxRequestSeconds = 30): Timeline {
  const fpm = [
    "        - name: php-fpm",
    `          image: ${pod.image ?? "php:8.2-fpm"}`,
    ...(pod.command ? [`          command: ${pod.command}`] : []),
    ...(pod.preStop ? ["          lifecycle:", "            preStop:", `              ${pod.preStop}`] : []),
    ...(pod.sidecar ? ["          restartPolicy: Always"] : []),
    ...(pod.pct
      ? [
          "          volumeMounts: [{name: fpm, mountPath: /usr/local/etc/php-fpm.d/zz.conf, subPath: zz.conf}]",
        ]
      : []),
  ];
  const nginx = pod.nginx
    ? [
        "        - name: nginx",
        "          image: nginx:1.22",
        "          lifecycle:",
        "            preStop:",
        `              ${pod.nginx}`,
      ]
    : [];
  const yaml = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: app}",
    "spec:",
    "  template:",
    "    spec:",
    ...(pod.grace !== undefined ? [`      terminationGracePeriodSeconds: ${pod.grace}`] : []),
    ...(pod.pct ? ["      volumes: [{name: fpm, configMap: {name: fpm}}]"] : []),
    ...(pod.sidecar
      ? ["      initContainers:", ...fpm, "      containers:", ...nginx]
      : ["      containers:", ...fpm, ...nginx]),
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata: {name: fpm}",
    "data:",
    `  zz.conf: "[global]\\nprocess_control_timeout = ${pod.pct ?? "0"}\\n"`,
  ].join("\n");
  const files: SourceFile[] = [{ path: "app.yaml", kind: "kubernetes", text: yaml }];
  const result = checkSources(files, {
    assumptions: { ...DEFAULT_ASSUMPTIONS, propagationSeconds, maxRequestSeconds },
  });
  assert.deepEqual(result.problems, []);
  const timeline = result.workloads[0]?.timeline;
  assert.ok(timeline);
  return timeline;
}

const causes = (t: Timeline) => t.failureWindows.map((w) => `${w.cause}@${w.from}`);

test("SIGTERM and no preStop: new connections refused until propagation, in-flight killed at once", () => {
  const t = timelineOf({ image: "registry.example.com/app:1" });
  assert.deepEqual(causes(t), ["closed-before-propagation@0", "fpm-terminated@0"]);
  assert.equal(t.failureWindows[0]?.to, 5);
});

test("SIGQUIT with process_control_timeout 0 kills in-flight requests like SIGTERM", () => {
  const t = timelineOf({ preStop: "sleep: {seconds: 10}" });
  assert.deepEqual(causes(t), ["fpm-quit-without-timeout@10"]);
});

test("SIGQUIT after a preStop covering propagation, with a drain as long as the longest request: nothing fails", () => {
  const t = timelineOf({ preStop: "sleep: {seconds: 10}", pct: "30s", grace: 45 });
  assert.deepEqual(causes(t), []);
  assert.deepEqual(t.containers[0]?.drain, { from: 10, until: 40 });
});

test("a preStop SIGQUIT followed by the stop signal SIGTERM: the finish is overridden when the hook ends", () => {
  const t = timelineOf({
    image: "registry.example.com/app:1-alpine",
    preStop: 'exec: {command: [sh, -c, "sleep 6 && kill -QUIT 1 && sleep 2"]}',
    pct: "30s",
    grace: 60,
  });
  assert.deepEqual(causes(t), ["fpm-quit-overridden@8"]);
});

test("a preStop SIGQUIT followed by the stop signal SIGQUIT: the second is ignored and requests finish", () => {
  const t = timelineOf({
    preStop: 'exec: {command: [sh, -c, "sleep 6 && kill -QUIT 1"]}',
    pct: "30s",
    grace: 60,
  });
  assert.deepEqual(causes(t), []);
  assert.equal(t.containers[0]?.drain?.from, 6);
});

test("dash rejects `kill -SIGQUIT`: the hook fails and the image's SIGQUIT follows with timeout 0", () => {
  const t = timelineOf({ preStop: 'exec: {command: [sh, -c, "sleep 10 && kill -SIGQUIT 1"]}', pct: "0" });
  assert.equal(t.containers[0]?.preStop.failure?.includes("dash"), true);
  assert.deepEqual(causes(t), ["fpm-quit-without-timeout@10"]);
});

test("a drain shorter than the longest request kills the long requests when it ends", () => {
  const t = timelineOf({ preStop: "sleep: {seconds: 10}", pct: "5s", grace: 60 });
  assert.deepEqual(causes(t), ["fpm-drain-timeout@15"]);
  assert.equal(t.failureWindows[0]?.runningLongerThan, 5);
});

test("grace accounting: SIGKILL at grace − ⌊preStop⌋ after the stop signal, never less than 2 s", () => {
  const t = timelineOf({ preStop: "sleep: {seconds: 10}", pct: "30s", grace: 12 });
  assert.equal(t.containers[0]?.sigkillAt, 12);
  assert.deepEqual(causes(t), ["sigkill@12"]);
  const overrun = timelineOf({ preStop: 'exec: {command: [sleep, "40"]}', pct: "30s", grace: 30 });
  assert.equal(overrun.containers[0]?.stopSignalAt, 30);
  assert.equal(overrun.containers[0]?.sigkillAt, 32);
});

test("a shell PID 1 that does not exec drops the stop signal: php-fpm runs until SIGKILL", () => {
  const t = timelineOf({
    command: '[sh, -c, "php-fpm -F"]',
    preStop: "sleep: {seconds: 10}",
    pct: "30s",
    grace: 20,
  });
  const fpm = t.containers[0];
  assert.equal(fpm?.signals.find((s) => s.from === "stop-signal")?.delivered, false);
  assert.deepEqual(causes(t), ["sigkill@20"]);
  const exec = timelineOf({
    command: '[sh, -c, "exec php-fpm -F"]',
    preStop: "sleep: {seconds: 10}",
    pct: "30s",
    grace: 45,
  });
  assert.deepEqual(causes(exec), []);
});

test("nginx in the pod without a preStop stops first: refused until propagation", () => {
  const t = timelineOf({
    preStop: "sleep: {seconds: 10}",
    pct: "30s",
    grace: 45,
    nginx: "sleep: {seconds: 0}",
  });
  assert.deepEqual(causes(t), ["closed-before-propagation@0", "nginx-keepalive-closed@0"]);
});

test("php-fpm as a native sidecar gets its stop signal only after nginx has exited", () => {
  const t = timelineOf({ sidecar: true, pct: "30s", grace: 60, nginx: "sleep: {seconds: 10}" }, 5, 20);
  const nginx = t.containers.find((c) => c.container === "nginx");
  const fpm = t.containers.find((c) => c.container === "php-fpm");
  assert.equal(nginx?.stopSignalAt, 10);
  assert.equal(fpm?.stopSignalAt, nginx?.exitAt);
  assert.deepEqual(causes(t), []);
});

test("predicted failures never shrink when the propagation budget grows (monotonicity)", () => {
  for (const preStop of [
    "sleep: {seconds: 3}",
    "sleep: {seconds: 8}",
    'exec: {command: [sh, -c, "sleep 4 && kill -QUIT 1"]}',
  ]) {
    let previous = 0;
    for (let propagation = 0; propagation <= 12; propagation++) {
      const t = timelineOf({ preStop, pct: "30s", grace: 60 }, propagation);
      const exposed = t.failureWindows.reduce(
        (sum, w) => sum + (w.to - w.from) + (w.kind === "in-flight-killed" ? 1 : 0),
        0,
      );
      assert.ok(exposed >= previous, `${preStop} at propagation ${propagation}: ${exposed} < ${previous}`);
      previous = exposed;
    }
  }
});
