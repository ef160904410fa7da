import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from "kubernetes-models/admissionregistration.k8s.io/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { WEBHOOK_DEFAULTS } from "../../src/webhook/defaults.js";
import {
  DEFAULT_MANIFEST_OPTIONS,
  type ManifestOptions,
  renderManifests,
  webhookManifests,
} from "../../src/webhook/manifests.js";
import { makeCertificate } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests, read field by field in assertions
type Obj = Record<string, any>;

// biome-ignore lint/suspicious/noExplicitAny: each model takes its own resource type
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  Service,
  Deployment,
  PodDisruptionBudget,
  NetworkPolicy,
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
};

/** Parses the printed text back (what kubectl apply reads) and validates each object against its API schema. */
function printedObjects(options: ManifestOptions): Obj[] {
  const text = renderManifests(webhookManifests(options));
  const documents = parseAllDocuments(text);
  for (const d of documents) assert.deepEqual(d.errors, []);
  const objects = documents.map((d) => d.toJS() as Obj);
  for (const object of objects) {
    const Model = MODELS[object.kind];
    if (Model) new Model(object).validate();
    else assert.equal(object.apiVersion, "cert-manager.io/v1", `no schema for ${object.kind}`);
  }
  return objects;
}

const byKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
function one(objects: Obj[], kind: string): Obj {
  const found = byKind(objects, kind);
  assert.equal(found.length, 1, kind);
  return found[0] as Obj;
}

test("manifests: every object validates against the Kubernetes API schemas; cert-manager by default", () => {
  const objects = printedObjects(DEFAULT_MANIFEST_OPTIONS);
  assert.deepEqual(
    objects.map((o) => o.kind),
    [
      "Namespace",
      "ServiceAccount",
      "Deployment",
      "PodDisruptionBudget",
      "NetworkPolicy",
      "Service",
      "Issuer",
      "Certificate",
      "Issuer",
      "Certificate",
      "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration",
    ],
  );
  const deployment = one(objects, "Deployment");
  assert.equal(deployment.spec.replicas, 2);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "https", scheme: "HTTPS" });
  assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
  assert.deepEqual(container.lifecycle.preStop, { sleep: { seconds: 5 } });
  assert.ok(pod.terminationGracePeriodSeconds >= 5 + 10, "grace covers preStop + drain");
  assert.deepEqual(one(objects, "PodDisruptionBudget").spec.minAvailable, 1);

  const serving = byKind(objects, "Certificate").find((c) => !c.spec.isCA) as Obj;
  assert.equal(serving.spec.secretName, "fpm-graceful-webhook-tls");
  assert.ok(serving.spec.dnsNames.includes("fpm-graceful-webhook.fpm-graceful.svc"));
  for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
    const configuration = one(objects, kind);
    assert.equal(
      configuration.metadata.annotations["cert-manager.io/inject-ca-from"],
      "fpm-graceful/fpm-graceful-webhook",
    );
    const [webhook] = configuration.webhooks;
    assert.equal(webhook.sideEffects, "None");
    assert.deepEqual(webhook.admissionReviewVersions, ["v1"]);
    assert.equal(webhook.timeoutSeconds, 5);
    assert.equal(webhook.failurePolicy, "Ignore");
    assert.deepEqual(webhook.namespaceSelector.matchExpressions[0].values, ["kube-system", "fpm-graceful"]);
    assert.deepEqual(
      webhook.rules.flatMap((r: Obj) => r.resources),
      ["pods", "deployments", "statefulsets", "daemonsets", "replicasets"],
    );
    assert.equal(webhook.clientConfig.caBundle, undefined);
  }
});

test("manifests: the failurePolicy says why, in a comment above it", () => {
  const text = renderManifests(webhookManifests({ ...DEFAULT_MANIFEST_OPTIONS, failurePolicy: "Fail" }));
  assert.match(
    text,
    /# Ignore: when the webhook is down or slow \(timeoutSeconds\), objects are admitted unmutated[\s\S]*failurePolicy: Ignore/,
  );
  assert.match(text, /# Fail \(--failure-policy Fail\): while no replica answers[\s\S]*failurePolicy: Fail/);
});

test("manifests: --ca-bundle, another namespace, namespace opt-in, an older cluster", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-ca-"));
  try {
    const { certPem } = makeCertificate(dir, "ca");
    const objects = printedObjects({
      ...DEFAULT_MANIFEST_OPTIONS,
      namespace: "platform",
      caBundlePem: certPem,
      optIn: "namespace",
      denyOn: "error",
      failurePolicy: "Fail",
      kubeVersion: "1.28",
    });
    assert.equal(byKind(objects, "Certificate").length, 0);
    const mutating = one(objects, "MutatingWebhookConfiguration");
    const validating = one(objects, "ValidatingWebhookConfiguration");
    assert.equal(Buffer.from(mutating.webhooks[0].clientConfig.caBundle, "base64").toString(), certPem);
    assert.equal(mutating.metadata.annotations, undefined);
    assert.equal(mutating.webhooks[0].failurePolicy, "Ignore", "a down mutating webhook never blocks");
    assert.equal(validating.webhooks[0].failurePolicy, "Fail");
    assert.deepEqual(mutating.webhooks[0].namespaceSelector.matchLabels, {
      "fpm-graceful.io/inject": "true",
    });
    assert.deepEqual(mutating.webhooks[0].namespaceSelector.matchExpressions[0].values, [
      "kube-system",
      "platform",
    ]);
    const container = one(objects, "Deployment").spec.template.spec.containers[0];
    assert.ok(container.args.includes("--inject-all"));
    assert.ok(container.args.includes("--deny-on=error"));
    assert.deepEqual(container.lifecycle.preStop, { exec: { command: ["sleep", "5"] } });
    assert.equal(
      objects.every(
        (o) =>
          o.kind === "Namespace" || o.kind.endsWith("Configuration") || o.metadata.namespace === "platform",
      ),
      true,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("manifests: the webhook's own Deployment passes fpm-graceful check (no php-fpm, but rollout and PDB)", () => {
  const text = renderManifests(webhookManifests(DEFAULT_MANIFEST_OPTIONS));
  const result = checkSources([{ path: "webhook.yaml", kind: "kubernetes", text }], {
    assumptions: DEFAULT_ASSUMPTIONS,
  });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.findings.map((f) => `${f.severity} ${f.rule}`),
    [],
  );
});

test("manifests: a NetworkPolicy admits the webhook's port only, from any source or from the CIDRs given", () => {
  const open = one(printedObjects(DEFAULT_MANIFEST_OPTIONS), "NetworkPolicy");
  assert.deepEqual(open.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "fpm-graceful-webhook" });
  assert.deepEqual(open.spec.policyTypes, ["Ingress"]);
  assert.deepEqual(open.spec.ingress, [{ ports: [{ port: WEBHOOK_DEFAULTS.port, protocol: "TCP" }] }]);
  const narrowed = one(
    printedObjects({ ...DEFAULT_MANIFEST_OPTIONS, apiServerCidrs: ["10.0.0.0/28", "fd00::/64"] }),
    "NetworkPolicy",
  );
  assert.deepEqual(narrowed.spec.ingress[0].from, [
    { ipBlock: { cidr: "10.0.0.0/28" } },
    { ipBlock: { cidr: "fd00::/64" } },
  ]);
  // The port it admits is the one the container listens on and the Service targets.
  const objects = printedObjects(DEFAULT_MANIFEST_OPTIONS);
  const container = one(objects, "Deployment").spec.template.spec.containers[0];
  assert.equal(container.ports[0].containerPort, open.spec.ingress[0].ports[0].port);
  const text = renderManifests(webhookManifests(DEFAULT_MANIFEST_OPTIONS));
  assert.match(text, /API server's addresses differ by distribution/);
});

test("manifests: the server's arguments, preStop, grace period and limits come from the table of defaults", () => {
  const objects = printedObjects({ ...DEFAULT_MANIFEST_OPTIONS, denyOn: "never" });
  const pod = one(objects, "Deployment").spec.template.spec;
  const [container] = pod.containers;
  assert.equal(pod.terminationGracePeriodSeconds, WEBHOOK_DEFAULTS.graceSeconds);
  assert.deepEqual(container.lifecycle.preStop, { sleep: { seconds: WEBHOOK_DEFAULTS.preStopSeconds } });
  assert.ok(container.args.includes(`--drain-timeout=${WEBHOOK_DEFAULTS.drainSeconds}s`));
  assert.ok(container.args.includes(`--port=${WEBHOOK_DEFAULTS.port}`));
  // `never` is written as the word the server and `check --fail-on` share.
  assert.ok(container.args.includes("--deny-on=none"));
  assert.ok(container.args.includes(`--on-error=${WEBHOOK_DEFAULTS.onError}`));
  assert.ok(
    WEBHOOK_DEFAULTS.graceSeconds >= WEBHOOK_DEFAULTS.preStopSeconds + WEBHOOK_DEFAULTS.drainSeconds,
    "grace ≥ preStop + drain",
  );
  assert.equal(container.resources.limits.cpu, "2", "one CPU for the event loop, one for a worker");
});
