/**
 * `fix -` on rendered input prints (or, with --out-dir, writes) a kustomize overlay that builds into what
 * `fix` would have written: every pass's edits, whole lists for command/args, new objects as resources.
 * Checked by building it with the real `kubectl kustomize` and checking the result again.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { parseAllDocuments } from "yaml";
import { renderedOverlay } from "../../src/fix/overlay.js";
import { runCli } from "../cli/run-cli.js";

/** What `helm template` prints for a chart with nginx + php-fpm in one pod and the copied recipe. */
const RENDERED = `---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: web
  labels: {helm.sh/chart: shop-1.2.3, app.kubernetes.io/name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: shop}}
  template:
    metadata:
      labels: {helm.sh/chart: shop-1.2.3, app.kubernetes.io/name: shop}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          readinessProbe: {httpGet: {path: /status.php, port: 80}}
        - name: php-fpm
          image: php:8.2-fpm
          command: ["sh", "-c", "php-fpm -F"]
          lifecycle:
            preStop:
              exec:
                command: ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]
        - name: queue
          image: php:8.2-fpm
          command: ["php", "artisan", "queue:work"]
          lifecycle:
            preStop:
              exec:
                command: ["php", "artisan", "queue:restart"]
`;

const KUBECTL = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

test("fix - --out-dir: kubectl kustomize builds the overlay into valid manifests with no fixable error left", async (t) => {
  if (!KUBECTL) {
    t.skip(
      "kubectl is not installed: the overlay is checked without building it (install kubectl to run this)",
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-overlay-"));
  try {
    const fix = runCli(["fix", "-", "--out-dir", dir], { input: RENDERED });
    assert.equal(fix.status, 0, fix.stderr);
    const built = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 30_000 });
    assert.equal(built.status, 0, built.stderr);
    const objects = parseAllDocuments(built.stdout).map((d) => d.toJS() as { kind: string });
    assert.deepEqual(objects.map((o) => o.kind).sort(), ["ConfigMap", "Deployment", "PodDisruptionBudget"]);
    for (const o of objects) {
      const model = { Deployment, ConfigMap, PodDisruptionBudget }[o.kind as "Deployment"];
      assert.doesNotThrow(() => new model(o as never).validate(), o.kind);
    }
    const deployment = objects.find((o) => o.kind === "Deployment") as never as {
      spec: {
        template: { spec: { containers: { name: string; command?: string[]; lifecycle?: unknown }[] } };
      };
    };
    const byName = Object.fromEntries(deployment.spec.template.spec.containers.map((c) => [c.name, c]));
    assert.deepEqual(byName["php-fpm"]?.command, ["sh", "-c", "exec php-fpm -F"], "command as a whole list");
    assert.deepEqual(
      byName["php-fpm"]?.lifecycle,
      { preStop: { sleep: { seconds: 10 } } },
      "the kill replaced, not merged",
    );
    assert.deepEqual(
      byName.queue?.lifecycle,
      { preStop: { exec: { command: ["php", "artisan", "queue:restart"] } } },
      "the worker and its hook are untouched",
    );
    const pdb = objects.find((o) => o.kind === "PodDisruptionBudget") as never as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    assert.deepEqual(pdb.spec.selector.matchLabels, { "app.kubernetes.io/name": "shop" });
    const again = runCli(["check", "-", "--format", "json"], { input: built.stdout });
    const errors = (
      JSON.parse(again.stdout) as { findings: { severity: string; rule: string }[] }
    ).findings.filter((f) => f.severity === "error");
    assert.deepEqual(errors, [], "check finds no error in the built overlay");
    assert.match(
      await readFile(join(dir, "patch-deployment-shop.yaml"), "utf8"),
      /^# Source: shop\/templates\/deployment\.yaml/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("overlay: new objects are resources, removed keys are null, merge-keyed lists item by item", () => {
  const before =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: c, image: x, lifecycle: {preStop: {exec: {command: [kill, '1']}}}}\n        - {name: d, image: y}\n";
  const after = `${before.replace("{exec: {command: [kill, '1']}}", "{sleep: {seconds: 7}}")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n`;
  const overlay = renderedOverlay(before, after, () => undefined);
  assert.deepEqual(Object.keys(overlay.files).sort(), [
    "kustomization.yaml",
    "new-configmap-m.yaml",
    "patch-deployment-a.yaml",
    "rendered.yaml",
  ]);
  const patch = parseAllDocuments(overlay.files["patch-deployment-a.yaml"] ?? "")[0]?.toJS();
  assert.deepEqual(patch.spec.template.spec.containers, [
    { name: "c", lifecycle: { preStop: { sleep: { seconds: 7 }, exec: null } } },
  ]);
});

test("fix - exits 1 while an error remains, and lists what needs a change by hand", () => {
  // php:5.6-fpm stops with SIGTERM (no STOPSIGNAL then): only its Dockerfile, not given, could change that.
  const run = runCli(["fix", "-"], { input: RENDERED.replaceAll("php:8.2-fpm", "php:5.6-fpm") });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /needs a change by hand: <stdin>:\d+:\d+ fpm-hard-stop/);
});

test("fix --check: exit 1 with fixes pending, 0 once applied; it never writes; one mode at a time", async () => {
  const pending = runCli(["fix", "--check", "-"], { input: RENDERED });
  assert.equal(pending.status, 1, pending.stderr);
  assert.equal(
    pending.stdout.includes("# patch:"),
    false,
    "--check prints what would change, not the overlay",
  );
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-check-"));
  try {
    const clean = runCli(["fix", "--check", join(dir)], {});
    assert.equal(clean.status, 0, clean.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const both = runCli(["fix", "--diff", "--dry-run", "-"], { input: RENDERED });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--diff, --dry-run and --check are alternatives/);
});
