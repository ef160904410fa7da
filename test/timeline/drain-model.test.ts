/**
 * The model agrees with the rehearsal (test/rehearse/drain.test.ts): a SIGTERM image with
 * process_control_timeout 0 loses requests without the drain hook and none with it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { stringify } from "yaml";
import { drainHookCommand } from "../../src/drain/hook.js";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";

function deployment(preStop: unknown): string {
  return stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "app", annotations: { "fpm-graceful.io/stop-signal.php-fpm": "SIGTERM" } },
    spec: {
      replicas: 2,
      template: {
        spec: {
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: "php-fpm",
              image: "registry.example.com/shop/app:1",
              command: ["php-fpm", "-F"],
              readinessProbe: { tcpSocket: { port: 9000 } },
              ...(preStop ? { lifecycle: { preStop } } : {}),
            },
          ],
        },
      },
    },
  });
}

const check = (text: string) =>
  checkSources([{ path: "app.yaml", kind: "kubernetes", text }], { assumptions: DEFAULT_ASSUMPTIONS });

test("model: without the drain hook, a SIGTERM php-fpm kills in-flight requests and refuses new ones", () => {
  const [workload] = check(deployment(undefined)).workloads;
  const causes = workload?.timeline.failureWindows.map((w) => w.cause) ?? [];
  assert.ok(causes.includes("fpm-terminated"), causes.join(","));
  assert.ok(causes.includes("closed-before-propagation"), causes.join(","));
});

test("model: with the drain hook, the same image loses nothing; the kubelet's SIGTERM finds php-fpm gone", () => {
  const command = drainHookCommand({
    propagationSeconds: 7,
    longestRequestSeconds: 35,
    listen: { kind: "tcp", port: 9000 },
  });
  const result = check(deployment({ exec: { command } }));
  const [workload] = result.workloads;
  assert.deepEqual(workload?.timeline.failureWindows, []);
  const fpm = workload?.timeline.containers[0];
  const stop = fpm?.signals.find((s) => s.from === "stop-signal");
  assert.equal(stop?.delivered, false);
  assert.match(stop?.note ?? "", /already exited under its preStop hook/);
  assert.deepEqual(
    // rollout-no-capacity (no PodDisruptionBudget here) is about evictions, not about this shutdown.
    result.findings
      .filter((f) => f.severity !== "info" && f.rule !== "rollout-no-capacity")
      .map((f) => f.rule),
    [],
    "no rule calls the drain hook an error (prestop-kill-overridden, process-control-timeout-missing)",
  );
});

test("model: a hook that kills and then waits for PID 1 to exit lasts until the server exits", () => {
  const script = "sleep 3; kill -QUIT 1; while kill -0 1 2>/dev/null; do sleep 0.2; done";
  const text = deployment({ exec: { command: ["sh", "-c", script] } });
  const [workload] = check(text).workloads;
  const fpm = workload?.timeline.containers[0];
  assert.equal(fpm?.preStop.endsAt, fpm?.exitAt, "the hook ends with php-fpm");
  assert.equal(fpm?.signals.find((s) => s.from === "stop-signal")?.delivered, false);
});
