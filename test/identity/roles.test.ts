import assert from "node:assert/strict";
import { test } from "node:test";
import { decideRole, type RoleInput } from "../../src/model/identity/roles.js";

function input(over: Partial<RoleInput>): RoleInput {
  return {
    name: "main",
    workloadKind: "Deployment",
    declared: undefined,
    argv: undefined,
    configMounts: [],
    ports: [],
    probePorts: [],
    image: undefined,
    reference: "registry.example.com/acme/main:1",
    ...over,
  };
}

test("decideRole: the argv beats the image (a queue worker on the php-fpm image)", () => {
  const id = decideRole(
    input({
      argv: { argv: ["php", "artisan", "queue:work"], origin: "manifest" },
      image: { role: "fpm", reason: "image php:8.3-fpm" },
    }),
  );
  assert.equal(id.role, "worker");
  assert.deepEqual(
    id.evidence.map((e) => [e.signal, e.role]),
    [
      ["argv", "worker"],
      ["image", "fpm"],
    ],
  );
  assert.match(id.evidence[0]?.reason ?? "", /from the manifest's command\/args/);
});

test("decideRole: a declaration beats everything, and the rest is kept", () => {
  const id = decideRole(
    input({
      declared: { role: "nginx", reason: "declared" },
      argv: { argv: ["php-fpm"], origin: "image-default" },
    }),
  );
  assert.equal(id.role, "nginx");
  assert.deepEqual(
    id.evidence.map((e) => e.signal),
    ["declared", "argv"],
  );
});

test("decideRole: a Job or CronJob is other whatever it runs", () => {
  for (const workloadKind of ["Job", "CronJob"] as const) {
    const id = decideRole(input({ workloadKind, argv: { argv: ["php-fpm"], origin: "manifest" } }));
    assert.equal(id.role, "other", workloadKind);
    assert.equal(id.evidence[0]?.signal, "workload-kind");
  }
});

test("decideRole: a mounted php-fpm config beats port 9000 and the name", () => {
  const id = decideRole(
    input({
      name: "nginx",
      configMounts: [{ role: "fpm", mountPath: "/usr/local/etc/php-fpm.d/www.conf" }],
      ports: [9000],
    }),
  );
  assert.equal(id.role, "fpm");
  assert.deepEqual(
    id.evidence.map((e) => e.signal),
    ["config", "traffic", "name"],
  );
});

test("decideRole: port 9000 declared or probed says php-fpm", () => {
  assert.equal(decideRole(input({ ports: [9000] })).evidence[0]?.signal, "traffic");
  const probed = decideRole(input({ probePorts: [9000] }));
  assert.equal(probed.role, "fpm");
  assert.match(probed.evidence[0]?.reason ?? "", /is probed on port 9000/);
});

test("decideRole: the argv from the linked Dockerfile says so", () => {
  const id = decideRole(input({ argv: { argv: ["php-fpm", "-F"], origin: "dockerfile" } }));
  assert.match(id.evidence[0]?.reason ?? "", /the linked Dockerfile's ENTRYPOINT\/CMD/);
  assert.deepEqual(id.argv, { argv: ["php-fpm", "-F"], origin: "dockerfile" });
});

test("decideRole: an argv that says nothing adds no evidence", () => {
  const id = decideRole(
    input({ argv: { argv: ["/start.sh"], origin: "manifest" }, image: { role: "fpm", reason: "x" } }),
  );
  assert.equal(id.role, "fpm");
  assert.deepEqual(
    id.evidence.map((e) => e.signal),
    ["image"],
  );
});

test("decideRole: a name alone is a guess (container name, then an unknown image's name)", () => {
  const byContainer = decideRole(input({ name: "php-fpm", reference: "acme/x:1" }));
  assert.equal(byContainer.role, "fpm");
  assert.match(byContainer.evidence[0]?.reason ?? "", /container name php-fpm .*a guess/);
  const byImage = decideRole(input({ name: "main", reference: "registry.example.com/shop/nginx:1.4" }));
  assert.equal(byImage.role, "nginx");
  assert.match(byImage.evidence[0]?.reason ?? "", /image name nginx/);
});

test("decideRole: an exporter's name says other before fpm", () => {
  assert.equal(decideRole(input({ name: "php-fpm-exporter", reference: "hipages/x:1" })).role, "other");
});

test("decideRole: the image's name does not count when the image is known", () => {
  const id = decideRole(
    input({ name: "main", reference: "acme/fpm:1", image: { role: "other", reason: "cli image" } }),
  );
  assert.equal(id.role, "other");
  assert.ok(!id.evidence.some((e) => e.reason.includes("image name")));
});

test("decideRole: a worker name beats an image that only says `not a server`", () => {
  const id = decideRole(input({ name: "queue-worker", image: { role: "other", reason: "php:8.3-cli" } }));
  assert.equal(id.role, "worker");
  assert.match(id.evidence[0]?.reason ?? "", /its image serves no requests/);
});

test("decideRole: a worker name does not beat an image that is php-fpm", () => {
  const id = decideRole(input({ name: "queue-worker", image: { role: "fpm", reason: "php:8.3-fpm" } }));
  assert.equal(id.role, "fpm");
});

test("decideRole: no evidence at all is other, with nothing to show", () => {
  const id = decideRole(input({ name: "main", reference: "acme/main:1" }));
  assert.equal(id.role, "other");
  assert.deepEqual(id.evidence, []);
  assert.equal(id.argv, undefined);
});
