import assert from "node:assert/strict";
import { test } from "node:test";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { Service } from "kubernetes-models/v1/Service";
import { generateInit, INIT_PATHS, initValues } from "../../src/init/generate.js";
import { label, setups, yamlObjects } from "./helpers.js";

/** The Kubernetes API schemas (kubernetes-models) of every kind init writes, by apiVersion/kind. */
const SCHEMAS: Record<string, (object: Record<string, unknown>) => void> = {
  "apps/v1/Deployment": (o) => new Deployment(o as never).validate(),
  "policy/v1/PodDisruptionBudget": (o) => new PodDisruptionBudget(o as never).validate(),
  "v1/ConfigMap": (o) => new ConfigMap(o as never).validate(),
  "v1/Service": (o) => new Service(o as never).validate(),
};

/** What every document has; the schema check decides the rest. */
interface Manifest extends Record<string, unknown> {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
}

function manifests(files: { path: string; content: string }[]): Manifest[] {
  return files.filter((f) => f.path.startsWith("k8s/")).flatMap((f) => yamlObjects(f.content) as Manifest[]);
}

function deployments(objects: Manifest[]): IDeployment[] {
  return objects.filter((o) => o.kind === "Deployment") as unknown as IDeployment[];
}

function podSpecs(objects: Manifest[]): IPodSpec[] {
  return deployments(objects).map((d) => d.spec?.template.spec as IPodSpec);
}

for (const options of setups()) {
  const files = generateInit(options);
  const objects = manifests(files);

  test(`init (${label(options)}): every document validates against the Kubernetes API schema`, () => {
    assert.ok(objects.length >= 5, `expected Deployment, ConfigMaps, Service, PDB; got ${objects.length}`);
    for (const object of objects) {
      const schema = SCHEMAS[`${object.apiVersion}/${object.kind}`];
      assert.ok(schema, `no schema for ${object.apiVersion} ${object.kind}: init should not write it`);
      assert.doesNotThrow(() => schema(object), `${object.kind} ${object.metadata?.name}`);
    }
    const kinds = objects.map((o) => o.kind).sort();
    const deployments = options.topology === "sidecar" ? 1 : 2;
    assert.equal(kinds.filter((k) => k === "Deployment").length, deployments);
    assert.equal(
      kinds.filter((k) => k === "PodDisruptionBudget").length,
      deployments,
      "a budget per Deployment",
    );
    assert.equal(kinds.filter((k) => k === "Service").length, deployments);
    assert.equal(kinds.filter((k) => k === "ConfigMap").length, 2);
  });

  test(`init (${label(options)}): uses only what Kubernetes ${options.kubeVersion} serves`, () => {
    const native = Number(options.kubeVersion.split(".")[1]) >= 30;
    const nativeSidecar = options.topology === "sidecar" && Number(options.kubeVersion.split(".")[1]) >= 29;
    for (const pod of podSpecs(objects)) {
      const all = [...(pod.initContainers ?? []), ...pod.containers];
      for (const c of all) {
        // kubernetes-models has one (recent) schema: fields newer than the target version are checked here.
        const preStop = c.lifecycle?.preStop;
        if (!preStop) continue;
        if (native) assert.deepEqual(Object.keys(preStop), ["sleep"], `${c.name}: native preStop.sleep`);
        else assert.deepEqual(Object.keys(preStop), ["exec"], `${c.name}: exec sleep before 1.30`);
        const seconds = native ? preStop.sleep?.seconds : Number(preStop.exec?.command?.[1]);
        assert.ok(seconds !== undefined && seconds > 0, `${c.name}: a preStop that waits`);
        // The API server rejects a preStop.sleep longer than the grace period.
        assert.ok(seconds <= (pod.terminationGracePeriodSeconds ?? 30), `${c.name}: preStop within grace`);
        if (!native) assert.deepEqual(preStop.exec?.command, ["sleep", String(seconds)], "no shell, no kill");
      }
      assert.equal(
        (pod.initContainers ?? []).some((c) => c.restartPolicy === "Always"),
        nativeSidecar,
        "native sidecar only in the sidecar topology from 1.29",
      );
      for (const c of all) assert.ok(c.readinessProbe?.tcpSocket, `${c.name}: readiness probe`);
      assert.equal(pod.os, undefined, "no lifecycle.stopSignal (alpha, gated): no spec.os needed");
    }
    for (const d of deployments(objects)) {
      assert.deepEqual(d.spec?.strategy, {
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    }
  });

  test(`init (${label(options)}): php-fpm and nginx configs hold the drain values`, () => {
    const values = initValues(options);
    const R = Math.ceil(options.maxRequestSeconds);
    const data: Record<string, string> = Object.assign(
      {},
      ...objects.filter((o) => o.kind === "ConfigMap").map((o) => o.data),
    );
    const fpm: string = data["zz-graceful.conf"] ?? "";
    const sections = [...fpm.matchAll(/^\[(\w+)\]/gm)].map((m) => m[1]);
    assert.deepEqual(sections, ["global", "www"], "opens [global] before any setting, then [www]");
    const pct = Number(fpm.match(/^process_control_timeout = (\d+)s$/m)?.[1]);
    assert.ok(pct >= R, `process_control_timeout ${pct}s >= longest request ${R}s`);
    assert.equal(pct, values.fpm.processControlTimeoutSeconds);
    assert.match(fpm, new RegExp(`\\[www\\]\\nrequest_terminate_timeout = ${R}s\\n`));
    const nginx: string = data["default.conf"] ?? "";
    const readTimeout = Number(nginx.match(/fastcgi_read_timeout (\d+)s;/)?.[1]);
    assert.ok(readTimeout >= R, `fastcgi_read_timeout ${readTimeout}s >= ${R}s`);
    for (const pod of podSpecs(objects)) {
      // The grace period is fix's: preStop + (nginx's drain for a native sidecar) + drain + margin.
      assert.ok(
        [values.fpm.gracePeriodSeconds, values.nginx?.gracePeriodSeconds].includes(
          pod.terminationGracePeriodSeconds,
        ),
      );
    }
  });

  test(`init (${label(options)}): every file starts with a comment, the Dockerfile stops php-fpm gracefully`, () => {
    for (const file of files)
      assert.match(file.content, /^# Timeline/, `${file.path} opens with its timeline`);
    const dockerfile = files.find((f) => f.path === INIT_PATHS.dockerfile)?.content ?? "";
    const instructions = dockerfile.split("\n").filter((l) => /^[A-Z]/.test(l));
    assert.deepEqual(instructions, [
      "FROM php:8.2-fpm",
      "STOPSIGNAL SIGQUIT",
      "COPY . /var/www/html",
      'CMD ["php-fpm"]',
    ]);
  });
}

test("the schema check can fail: a preStop.sleep of the wrong type is rejected", () => {
  const [options] = setups({ kubeVersion: "1.33" });
  assert.ok(options);
  const [deployment] = deployments(manifests(generateInit(options)));
  const sleep = deployment?.spec?.template.spec?.containers[0]?.lifecycle?.preStop?.sleep;
  assert.ok(deployment && sleep);
  (sleep as { seconds: unknown }).seconds = "7";
  assert.throws(
    () => SCHEMAS["apps/v1/Deployment"]?.(deployment as unknown as Record<string, unknown>),
    /must be integer/,
  );
});
