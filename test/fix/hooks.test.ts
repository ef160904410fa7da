/**
 * `fix` never loses a user's preStop hook: a hook that runs its own command keeps it, the wait in front;
 * only waiting and signalling the server (which the stop signal does) may be replaced, and said so.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { checkSources } from "../../src/engine/check.js";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { sourceFiles } from "../rules/harness.js";

/** An official php-fpm container with a preStop, and a [global] process_control_timeout. */
function fpmWith(preStop: string): Record<string, string> {
  return {
    "app.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: app}",
      "spec:",
      "  replicas: 2",
      "  template:",
      "    spec:",
      "      terminationGracePeriodSeconds: 60",
      "      containers:",
      "        - name: php-fpm",
      "          image: php:8.2-fpm",
      "          readinessProbe: {tcpSocket: {port: 9000}}",
      `          lifecycle: {preStop: ${preStop}}`,
      "",
    ].join("\n"),
    "php-fpm.d/zz-global.conf": "[global]\nprocess_control_timeout = 40s\n",
  };
}

function fixed(files: Record<string, string>) {
  const run = fixSources(sourceFiles(files), { assumptions: DEFAULT_ASSUMPTIONS });
  const text = run.changes.find((c) => c.file === "app.yaml")?.after ?? files["app.yaml"] ?? "";
  const preStop = parse(text).spec.template.spec.containers[0].lifecycle.preStop;
  return { run, preStop };
}

test("hooks: a deregistration call keeps running, after the wait the fix puts in front of it", () => {
  const { run, preStop } = fixed(
    fpmWith('{exec: {command: ["curl", "-fsS", "-X", "POST", "http://registry/leave"]}}'),
  );
  assert.deepEqual(preStop.exec.command, [
    "/bin/sh",
    "-c",
    "sleep 7; exec curl -fsS -X POST http://registry/leave",
  ]);
  assert.ok(
    run.after.findings.every((f) => !f.rule.startsWith("prestop-delay")),
    "the delay is now covered",
  );
});

test("hooks: a script that already waits 2s gets the rest of the wait in front, its commands as they were", () => {
  const { preStop } = fixed(fpmWith('{exec: {command: ["sh", "-c", "sleep 2; php /app/bin/drain.php"]}}'));
  assert.deepEqual(preStop.exec.command, ["sh", "-c", "sleep 5; sleep 2; php /app/bin/drain.php"]);
});

test("hooks: the copied recipe's kill is replaced by a wait, and the fix says what it replaces", () => {
  const files = fpmWith('{exec: {command: ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]}}');
  const { run, preStop } = fixed(files);
  assert.deepEqual(preStop, { sleep: { seconds: 10 } });
  const before = checkSources(sourceFiles(files), { assumptions: DEFAULT_ASSUMPTIONS });
  const descriptions = before.findings.map((f) => f.autofix?.description ?? "");
  assert.ok(
    descriptions.some((d) => d.includes("replaces `sleep 10 && kill -SIGQUIT 1`: the stop signal")),
    descriptions.join("\n"),
  );
  assert.equal(run.after.findings.filter((f) => f.severity === "error").length, 0);
});

test("hooks: an httpGet hook is never replaced; the finding needs a change by hand", () => {
  const files = fpmWith("{httpGet: {path: /drain, port: 8080}}");
  const { run, preStop } = fixed(files);
  assert.deepEqual(preStop, { httpGet: { path: "/drain", port: 8080 } });
  const delay = run.after.findings.find((f) => f.rule === "prestop-delay-missing");
  assert.ok(delay, "still reported");
  assert.equal(delay.autofix, undefined);
});

test("hooks: a command of the user's and a kill of the server together are left to the user", () => {
  const { preStop } = fixed(
    fpmWith('{exec: {command: ["sh", "-c", "php /app/bin/leave.php && kill -QUIT 1"]}}'),
  );
  assert.deepEqual(preStop.exec.command, ["sh", "-c", "php /app/bin/leave.php && kill -QUIT 1"]);
});

test("a new PodDisruptionBudget selects by the workload's own selector, not its chart's release labels", () => {
  const files = {
    "app.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: app}",
      "spec:",
      "  replicas: 2",
      "  selector: {matchLabels: {app.kubernetes.io/name: shop, app.kubernetes.io/instance: prod}}",
      "  template:",
      "    metadata:",
      "      labels: {app.kubernetes.io/name: shop, app.kubernetes.io/instance: prod, helm.sh/chart: shop-1.2.3, app.kubernetes.io/version: 1.2.3}",
      "    spec:",
      "      containers:",
      "        - {name: php-fpm, image: php:8.2-fpm, readinessProbe: {tcpSocket: {port: 9000}}}",
      "",
    ].join("\n"),
  };
  const run = fixSources(sourceFiles(files), { assumptions: DEFAULT_ASSUMPTIONS });
  const text = run.changes.find((c) => c.file === "app.yaml")?.after ?? "";
  const documents = text.split(/^---$/m).map((d) => parse(d));
  const pdb = documents.find((d) => d?.kind === "PodDisruptionBudget");
  assert.deepEqual(pdb?.spec.selector.matchLabels, {
    "app.kubernetes.io/name": "shop",
    "app.kubernetes.io/instance": "prod",
  });
});
