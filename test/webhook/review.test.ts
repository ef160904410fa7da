import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import jsonpatch from "fast-json-patch";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import type { AdmissionReviewAnswer } from "../../src/webhook/admission.js";
import { type ReviewConfig, type ReviewOutcome, review } from "../../src/webhook/review.js";
import { decodePatch, FIXTURES, REVIEW_CONFIG, readFixture } from "./helpers.js";

type Review = { request: { object: Record<string, unknown>; uid: string } & Record<string, unknown> };

function answered(outcome: ReviewOutcome): AdmissionReviewAnswer {
  assert.ok("answer" in outcome, `expected an AdmissionReview answer, got ${JSON.stringify(outcome)}`);
  return outcome.answer;
}

function applyPatch(object: Record<string, unknown>, patch: unknown[]): Record<string, unknown> {
  // validate=true: an operation whose path does not exist throws, as the API server would refuse it.
  return jsonpatch.applyPatch(structuredClone(object), patch as jsonpatch.Operation[], true, false)
    .newDocument;
}

function errorsOf(texts: { path: string; text: string }[]) {
  const result = checkSources(
    texts.map((t) => ({ ...t, kind: "kubernetes" as const })),
    { assumptions: DEFAULT_ASSUMPTIONS },
  );
  assert.deepEqual(result.problems, []);
  return result.findings.filter((f) => f.severity === "error");
}

test("mutate: the copied seed recipe, opted in, gets a JSONPatch whose result check passes with its ConfigMap", async () => {
  const body = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const response = answered(review(body, "mutate", REVIEW_CONFIG)).response;
  assert.equal(response.uid, body.request.uid);
  assert.equal(response.allowed, true);
  assert.equal(response.patchType, "JSONPatch");
  const patch = decodePatch(response as unknown as Record<string, unknown>);
  assert.ok(patch && patch.length > 0);
  const patched = applyPatch(body.request.object, patch);
  const configMap = await readFile(`${FIXTURES}/app-php-fpm-configmap.yaml`, "utf8");
  assert.deepEqual(
    errorsOf([
      { path: "patched.json", text: JSON.stringify(patched) },
      { path: "configmap.yaml", text: configMap },
    ]).map((f) => f.rule),
    [],
  );
  // The dash-rejected kill is gone: a native sleep, kept within the raised grace period (API validation).
  const spec = (patched.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const container = (spec.containers as Record<string, { preStop: unknown }>[])[0];
  assert.deepEqual(container?.lifecycle, { preStop: { sleep: { seconds: 10 } } });
  assert.ok((spec.terminationGracePeriodSeconds as number) >= 10);
  // Fields the model never reads are left alone (managedFields keys hold '/' and need ~1 escaping).
  assert.deepEqual(
    (patched.metadata as Record<string, unknown>).managedFields,
    (body.request.object.metadata as Record<string, unknown>).managedFields,
  );
});

test("mutate: alone, the patched object has no error; what it cannot see or fix is a warning", async () => {
  const body = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const response = answered(review(body, "mutate", REVIEW_CONFIG)).response;
  const patched = applyPatch(body.request.object, decodePatch(response as never) ?? []);
  const remaining = errorsOf([{ path: "patched.json", text: JSON.stringify(patched) }]).map((f) => f.rule);
  // The php-fpm config is mounted from a ConfigMap the webhook cannot see: a warning, never an error.
  assert.deepEqual(remaining, []);
  const alone = checkSources([{ path: "patched.json", kind: "kubernetes", text: JSON.stringify(patched) }], {
    assumptions: REVIEW_CONFIG.assumptions,
  });
  assert.ok(
    alone.findings.some((f) => f.rule === "process-control-timeout-missing" && f.severity === "warning"),
  );
  // What needs another object (a PodDisruptionBudget) is said, not done.
  assert.ok(
    response.warnings?.some((w) => w.includes("cannot fix here") && w.includes("rollout-no-capacity")),
    `warnings: ${JSON.stringify(response.warnings)}`,
  );
  for (const w of response.warnings ?? []) assert.ok(w.length <= 120, w);
});

test("mutate: a correct object gets no patch; a second review of the patched object neither", async () => {
  const correct = (await readFixture("correct-deployment.review.json")) as unknown as Review;
  const first = answered(review(correct, "mutate", REVIEW_CONFIG)).response;
  assert.equal(first.allowed, true);
  assert.equal(first.patch, undefined);
  assert.equal(first.patchType, undefined);

  const seed = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const patched = applyPatch(
    seed.request.object,
    decodePatch(answered(review(seed, "mutate", REVIEW_CONFIG)).response as never) ?? [],
  );
  const again = answered(
    review({ ...seed, request: { ...seed.request, object: patched } }, "mutate", REVIEW_CONFIG),
  );
  assert.equal(again.response.patch, undefined, "idempotent: a fixed object is not patched again");
});

test("mutate: objects that do not opt in are allowed unchanged; opting in by annotation or pod template works", async () => {
  const plain = (await readFixture("not-opted-in.review.json")) as unknown as Review;
  const outcome = review(plain, "mutate", REVIEW_CONFIG);
  const response = answered(outcome).response;
  assert.deepEqual(response, { uid: plain.request.uid, allowed: true });
  assert.equal(outcome.summary.skipped, "not opted in");

  const annotated = structuredClone(plain);
  (annotated.request.object.metadata as Record<string, unknown>).annotations = {
    "fpm-graceful.io/inject": "true",
  };
  assert.ok(answered(review(annotated, "mutate", REVIEW_CONFIG)).response.patch);
  const template = structuredClone(plain);
  const spec = template.request.object.spec as { template: { metadata: { labels: Record<string, string> } } };
  spec.template.metadata.labels["fpm-graceful.io/inject"] = "true";
  assert.ok(answered(review(template, "mutate", REVIEW_CONFIG)).response.patch);
  const wrongValue = structuredClone(annotated);
  (wrongValue.request.object.metadata as Record<string, unknown>).annotations = {
    "fpm-graceful.io/inject": "yes",
  };
  assert.equal(answered(review(wrongValue, "mutate", REVIEW_CONFIG)).response.patch, undefined);
  // A namespace selector opting in whole namespaces: the server is told to mutate all it gets.
  assert.ok(answered(review(plain, "mutate", { ...REVIEW_CONFIG, injectAll: true })).response.patch);
});

test("mutate: dryRun answers the same patch (no side effects to skip); the uid is echoed", async () => {
  const body = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const dry = structuredClone(body);
  dry.request.dryRun = true;
  dry.request.uid = "dry-run-uid";
  const wet = answered(review(body, "mutate", REVIEW_CONFIG)).response;
  const dryResponse = answered(review(dry, "mutate", REVIEW_CONFIG)).response;
  assert.equal(dryResponse.uid, "dry-run-uid");
  assert.equal(dryResponse.patch, wet.patch);
});

test("mutate: a Pod is patched on CREATE only; a ReplicaSet owned by a Deployment never", async () => {
  const pod = (await readFixture("pod.review.json")) as unknown as Review;
  const created = answered(review(pod, "mutate", REVIEW_CONFIG)).response;
  assert.ok(created.patch, "an opted-in pod with the seed preStop is patched");
  const patched = applyPatch(pod.request.object, decodePatch(created as never) ?? []);
  const configMap = await readFile(`${FIXTURES}/app-php-fpm-configmap.yaml`, "utf8");
  assert.deepEqual(
    errorsOf([
      { path: "pod.json", text: JSON.stringify(patched) },
      { path: "configmap.yaml", text: configMap },
    ]).map((f) => f.rule),
    [],
  );
  const update = structuredClone(pod);
  update.request.operation = "UPDATE";
  assert.equal(answered(review(update, "mutate", REVIEW_CONFIG)).response.patch, undefined);

  const seed = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const replicaSet = structuredClone(seed);
  replicaSet.request.kind = { group: "apps", version: "v1", kind: "ReplicaSet" };
  replicaSet.request.object.kind = "ReplicaSet";
  (replicaSet.request.object.metadata as Record<string, unknown>).ownerReferences = [
    { apiVersion: "apps/v1", kind: "Deployment", name: "app-fpm", uid: "d-1", controller: true },
  ];
  const outcome = review(replicaSet, "mutate", REVIEW_CONFIG);
  assert.equal(answered(outcome).response.patch, undefined);
  assert.match(outcome.summary.skipped ?? "", /ReplicaSet controlled by Deployment\/app-fpm/);
});

test("validate: the seed recipe is denied on error with a readable message; warned with --deny-on never", async () => {
  const body = (await readFixture("not-opted-in.review.json")) as unknown as Review;
  const denied = answered(review(body, "validate", REVIEW_CONFIG)).response;
  assert.equal(denied.allowed, false);
  assert.equal(denied.status?.code, 403);
  const message = denied.status?.message ?? "";
  assert.match(message, /^fpm-graceful: Deployment shop\/app-fpm would fail requests when its pods stop:/);
  assert.match(message, /- error prestop-kill-syntax \(php-fpm\): `kill -SIGQUIT` fails in dash/);
  assert.match(message, /fix: /);
  assert.doesNotMatch(message, /rollout-no-capacity/, "only findings at or above --deny-on deny");

  const config: ReviewConfig = { ...REVIEW_CONFIG, denyOn: "never" };
  const warned = answered(review(body, "validate", config)).response;
  assert.equal(warned.allowed, true);
  assert.equal(warned.status, undefined);
  assert.ok(warned.warnings?.some((w) => w.startsWith("fpm-graceful error prestop-kill-syntax (php-fpm): ")));
  assert.ok(warned.warnings?.some((w) => w.startsWith("fpm-graceful warning rollout-no-capacity: ")));
  for (const w of warned.warnings ?? []) assert.ok(w.length <= 120 && !w.includes("\n"), w);

  const correct = (await readFixture("correct-deployment.review.json")) as unknown as Review;
  const allowed = answered(review(correct, "validate", { ...REVIEW_CONFIG, denyOn: "error" })).response;
  assert.equal(allowed.allowed, true);
  const strict = answered(review(correct, "validate", { ...REVIEW_CONFIG, denyOn: "warning" })).response;
  assert.equal(strict.allowed, false, "the PodDisruptionBudget warning denies at --deny-on warning");
});

test("validate: objects controlled by another (pods of a ReplicaSet) and other kinds are allowed without review", async () => {
  const pod = (await readFixture("pod.review.json")) as unknown as Review;
  const owned = structuredClone(pod);
  (owned.request.object.metadata as Record<string, unknown>).ownerReferences = [
    { apiVersion: "apps/v1", kind: "ReplicaSet", name: "worker-7d9f", uid: "rs-1", controller: true },
  ];
  const outcome = review(owned, "validate", REVIEW_CONFIG);
  assert.deepEqual(answered(outcome).response, { uid: pod.request.uid, allowed: true });
  const service = structuredClone(pod);
  service.request.kind = { group: "", version: "v1", kind: "Service" };
  service.request.object = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: {} };
  assert.deepEqual(answered(review(service, "validate", REVIEW_CONFIG)).response, {
    uid: pod.request.uid,
    allowed: true,
  });
});

test("bad input: never a throw; an AdmissionReview answer when there is a uid, a refusal when there is none", () => {
  const refusals: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[1, 2], /not a JSON object/],
    ["text", /not a JSON object/],
    [{ kind: "Pod", apiVersion: "v1" }, /expected kind AdmissionReview, got "Pod"/],
    [
      { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1beta1", request: { uid: "u" } },
      /expected apiVersion admission.k8s.io\/v1/,
    ],
    [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1" }, /has no request/],
    [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request: { object: {} } }, /has no uid/],
    [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request: { uid: 7 } }, /has no uid/],
    [
      { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request: { uid: "u", object: [1] } },
      /not an object/,
    ],
  ];
  for (const [body, message] of refusals) {
    for (const mode of ["mutate", "validate"] as const) {
      const outcome = review(body, mode, REVIEW_CONFIG);
      assert.ok("refusal" in outcome, JSON.stringify(body));
      assert.match(outcome.refusal.message, message);
      assert.ok(outcome.refusal.httpStatus >= 400 && outcome.refusal.httpStatus < 500);
    }
  }
  const noObject = {
    kind: "AdmissionReview",
    apiVersion: "admission.k8s.io/v1",
    request: { uid: "u", operation: "CREATE", kind: { kind: "Pod" } },
  };
  const answer = answered(review(noObject, "validate", REVIEW_CONFIG)).response;
  assert.equal(answer.allowed, true);
  assert.match(answer.status?.message ?? "", /request.object is missing/);
  const deletion = { ...noObject, request: { ...noObject.request, operation: "DELETE", object: null } };
  assert.deepEqual(answered(review(deletion, "mutate", REVIEW_CONFIG)).response, { uid: "u", allowed: true });
  // Wrong types inside the object are the model's problems (reported), not exceptions.
  const odd = {
    ...noObject,
    request: {
      ...noObject.request,
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", annotations: { "fpm-graceful.io/inject": "true" } },
        spec: { containers: "nope", terminationGracePeriodSeconds: "x" },
      },
    },
  };
  for (const mode of ["mutate", "validate"] as const) {
    const r = answered(review(odd, mode, REVIEW_CONFIG)).response;
    assert.equal(r.uid, "u");
  }
});

test("cache: an identical object (the next pod of a ReplicaSet) gets the same answer with its own uid", async () => {
  const { ReviewCache } = await import("../../src/webhook/cache.js");
  const body = (await readFixture("seed-deployment.review.json")) as unknown as Review;
  const correct = (await readFixture("correct-deployment.review.json")) as never;
  // The bound is in bytes: one byte short of the three answers below, so the third evicts the first.
  const probe = new ReviewCache(1 << 30);
  for (const [b, mode] of [
    [body, "mutate"],
    [body, "validate"],
    [correct, "validate"],
  ] as const)
    review(b, mode, { ...REVIEW_CONFIG, cache: probe });
  const cache = new ReviewCache(probe.bytes - 1);
  const config: ReviewConfig = { ...REVIEW_CONFIG, cache };
  const first = review(body, "mutate", config);
  const again = structuredClone(body);
  again.request.uid = "second-uid";
  const second = review(again, "mutate", config);
  assert.equal(second.summary.cached, true);
  assert.deepEqual(answered(second).response, { ...answered(first).response, uid: "second-uid" });
  assert.deepEqual(answered(review(body, "mutate", REVIEW_CONFIG)).response, answered(first).response);
  // Validate and mutate answers are kept apart; the oldest entry goes when the bound is reached.
  assert.equal(answered(review(body, "validate", config)).response.allowed, false);
  review(correct, "validate", config);
  assert.equal(cache.size, 2);
  assert.ok(cache.bytes <= cache.capacityBytes);
  assert.equal(review(again, "mutate", config).summary.cached, undefined);
});

test("mutate: an opted-in queue worker on the php-fpm image gets no patch: identity is the CLI's", async () => {
  // The same image as php-fpm, but `command` says it runs `artisan queue:work`: a worker, no rule applies.
  const seed = (await readFixture("seed-deployment.review.json")) as Review;
  const worker = structuredClone(seed);
  const spec = (
    worker.request.object as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }
  ).spec.template.spec;
  spec.containers = [
    { name: "queue", image: "php:8.2-fpm", command: ["php", "artisan", "queue:work", "--tries=3"] },
  ];
  const response = answered(review(worker, "mutate", REVIEW_CONFIG)).response;
  assert.equal(response.allowed, true);
  assert.equal(response.patch, undefined, "nothing is injected into a worker");
  const validated = answered(review(worker, "validate", REVIEW_CONFIG)).response;
  assert.equal(validated.warnings, undefined, "and nothing is reported on it");
  // The same container without its command is php-fpm, and is patched: the test can fail.
  delete spec.containers[0]?.command;
  assert.ok(answered(review(worker, "mutate", REVIEW_CONFIG)).response.patch);
});

test("mutate: an opted-in custom image with the copied recipe gets the drain hook; patched, it has no error", async () => {
  // A custom image the tool does not know (stop signal unknown), no ConfigMap: nothing but the pod can change.
  const seed = (await readFixture("seed-deployment.review.json")) as Review;
  const custom = structuredClone(seed);
  const spec = (custom.request.object as { spec: { template: { spec: Record<string, unknown> } } }).spec
    .template.spec;
  spec.containers = [
    {
      name: "php",
      image: "registry.example.com/shop/php:1.4",
      command: ["php-fpm", "-F"],
      ports: [{ containerPort: 9000 }],
      readinessProbe: { tcpSocket: { port: 9000 } },
      lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", "sleep 10 && kill -SIGQUIT 1"] } } },
    },
  ];
  delete spec.volumes;
  const response = answered(review(custom, "mutate", REVIEW_CONFIG)).response;
  const patch = decodePatch(response as never);
  assert.ok(patch && patch.length > 0, "a patch");
  const patched = applyPatch(custom.request.object, patch);
  const php = (
    patched as {
      spec: {
        template: { spec: { containers: { lifecycle: { preStop: { exec: { command: string[] } } } }[] } };
      };
    }
  ).spec.template.spec.containers[0];
  assert.match(
    php?.lifecycle.preStop.exec.command[2] ?? "",
    /^# fpm-graceful drain hook: wait 10s, wait until port 9000 is idle/,
  );
  const errors = errorsOf([{ path: "patched.yaml", text: JSON.stringify(patched) }]);
  assert.deepEqual(errors, []);
  const validate = answered(
    review({ ...custom, request: { ...custom.request, object: patched } }, "validate", REVIEW_CONFIG),
  );
  assert.equal(validate.response.allowed, true);
});
