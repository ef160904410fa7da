import assert from "node:assert/strict";
import { test } from "node:test";
import { stopSignal } from "../../src/model/effective.js";
import {
  AMBIGUOUS,
  ANNOTATED,
  CHAIN,
  MULTI_STAGE,
  NAMED,
  SOLE_AMBIGUOUS,
  SOLE_OF_ROLE,
} from "./scenarios.js";
import { containerOf, deployment, modelOf } from "./support.js";

test("identify: each image is linked to the Dockerfile its name names", () => {
  const model = modelOf(NAMED);
  assert.deepEqual(model.problems, []);
  const app = containerOf(model, "shop", "app");
  assert.equal(app.role, "fpm");
  assert.equal(app.identity.evidence[0]?.signal, "argv");
  assert.equal(app.identity.argv?.origin, "dockerfile", "php-fpm's argv comes through the linked Dockerfile");
  assert.equal(app.imageFacts.dockerfile, "docker/fpm/Dockerfile");
  assert.equal(app.imageFacts.stopSignal.value, "SIGQUIT", "inherited from php:8.3-fpm-alpine");
  assert.equal(app.imageFacts.shell, "busybox");
  assert.deepEqual(app.imageFacts.env, { PCT: "20s" });
  assert.ok(
    app.links.some((l) => /docker\/fpm\/Dockerfile .*named by the path/.test(l)),
    app.links.join("\n"),
  );
  const web = containerOf(model, "shop", "web");
  assert.equal(web.role, "nginx");
  assert.equal(web.imageFacts.dockerfile, "docker/nginx/Dockerfile");
  assert.equal(web.imageFacts.stopSignal.value, "SIGQUIT");
});

test("identify: a queue worker on the php-fpm image shares its Dockerfile but is a worker by its argv", () => {
  const queue = containerOf(modelOf(NAMED), "shop", "queue");
  assert.equal(queue.role, "worker");
  assert.equal(queue.identity.evidence[0]?.signal, "argv");
  assert.equal(queue.identity.argv?.origin, "manifest");
  assert.equal(queue.imageFacts.dockerfile, "docker/fpm/Dockerfile");
  assert.equal(queue.imageFacts.role, "fpm", "the image is php-fpm's, the container runs something else");
});

test("identify: two Dockerfiles matching one image are one ambiguous-dockerfile warning, and no link", () => {
  const model = modelOf(AMBIGUOUS);
  const ambiguous = model.problems.filter((p) => p.code === "ambiguous-dockerfile");
  assert.equal(ambiguous.length, 1, JSON.stringify(model.problems));
  const [problem] = ambiguous;
  assert.equal(problem?.severity, "warning");
  assert.match(problem?.message ?? "", /docker\/fpm\/Dockerfile, shop\/fpm\/Dockerfile/);
  assert.match(problem?.message ?? "", /--dockerfile app=PATH\[#STAGE\]/);
  assert.equal(problem?.file, "k8s/app.yaml");
  const app = containerOf(model, "shop", "app");
  assert.equal(app.imageFacts.dockerfile, undefined);
  assert.equal(app.imageFacts.stopSignal.value, "SIGTERM");
  assert.ok(
    "unknown" in app.imageFacts.stopSignal && app.imageFacts.stopSignal.unknown,
    "the stop signal is unknown",
  );
  assert.equal(app.role, "fpm", "the name still says php-fpm");
  assert.equal(app.identity.evidence[0]?.signal, "name");
  assert.equal(
    containerOf(model, "shop", "web").imageFacts.dockerfile,
    "docker/nginx/Dockerfile",
    "nginx unaffected",
  );
});

test("identify: the ambiguous Dockerfiles are then checked on their own as images", () => {
  const ids = modelOf(AMBIGUOUS).workloads.map((w) => w.id);
  assert.ok(ids.includes("Image/-/docker/fpm/Dockerfile"), ids.join(" "));
  assert.ok(ids.includes("Image/-/shop/fpm/Dockerfile"), ids.join(" "));
});

test("identify: a Dockerfile whose last stage is caddy gives a php-fpm container its php prod stage", () => {
  const model = modelOf(MULTI_STAGE);
  assert.deepEqual(model.problems, []);
  const app = containerOf(model, "api", "app");
  assert.equal(app.role, "fpm");
  assert.equal(app.imageFacts.dockerfile, "Dockerfile");
  assert.equal(app.imageFacts.dockerfileStage, "prod");
  assert.equal(app.imageFacts.dockerfileFromLine, 2);
  assert.equal(app.imageFacts.stopSignal.value, "SIGTERM", "the prod stage's own STOPSIGNAL");
  assert.equal(stopSignal(app, "1.30").loc?.line, 3);
});

test("identify: images named for nothing go with the only Dockerfile of their role", () => {
  const model = modelOf(SOLE_OF_ROLE);
  assert.deepEqual(model.problems, []);
  const php = containerOf(model, "web", "php");
  assert.equal(php.imageFacts.dockerfile, "images/one/Dockerfile");
  assert.equal(php.role, "fpm");
  assert.ok(
    php.links.some((l) => /the only php-fpm Dockerfile among the inputs/.test(l)),
    php.links.join("\n"),
  );
  assert.equal(containerOf(model, "web", "proxy").imageFacts.dockerfile, "images/two/Dockerfile");
  const worker = containerOf(model, "jobs", "worker");
  assert.equal(worker.role, "worker");
  assert.equal(
    worker.imageFacts.dockerfile,
    "images/one/Dockerfile",
    "every container of that image shares it",
  );
});

test("identify: one php-fpm image and two php-fpm Dockerfiles is ambiguous", () => {
  const model = modelOf(SOLE_AMBIGUOUS);
  const codes = model.problems.map((p) => [p.code, p.severity]);
  assert.deepEqual(codes, [["ambiguous-dockerfile", "warning"]]);
  assert.match(model.problems[0]?.message ?? "", /images\/one\/Dockerfile, images\/two\/Dockerfile/);
  const php = containerOf(model, "web", "php");
  assert.equal(php.imageFacts.dockerfile, undefined);
  assert.equal(php.role, "fpm", "port 9000 still says php-fpm");
  assert.equal(php.identity.evidence[0]?.signal, "traffic");
});

test("identify: a Dockerfile FROM another input's image inherits its STOPSIGNAL and ENV", () => {
  const model = modelOf(CHAIN);
  assert.deepEqual(model.problems, []);
  const app = containerOf(model, "shop", "app");
  assert.equal(app.imageFacts.dockerfile, "docker/shop/Dockerfile");
  assert.equal(app.role, "fpm");
  assert.equal(app.imageFacts.stopSignal.value, "SIGTERM", "php-base's STOPSIGNAL over php's SIGQUIT");
  assert.equal(stopSignal(app, "1.30").loc?.file, "docker/php-base/Dockerfile");
  assert.deepEqual(app.imageFacts.env, { BASE: "1", APP: "1" });
  assert.match(app.imageFacts.basis, /built by docker\/php-base\/Dockerfile/);
});

test("identify: an annotation links a Dockerfile relative to the manifest; a role annotation declares", () => {
  const model = modelOf(ANNOTATED);
  assert.deepEqual(model.problems, []);
  const wp = containerOf(model, "blog", "wp");
  assert.equal(wp.imageFacts.dockerfile, "build/wp/Dockerfile");
  assert.ok(
    wp.links.some((l) => l.includes("annotation fpm-graceful.io/dockerfile.wp")),
    wp.links.join("\n"),
  );
  assert.equal(wp.role, "fpm");
  assert.equal(wp.imageFacts.shell, "dash", "wordpress:6-fpm is Debian");
  const sidecar = containerOf(model, "blog", "sidecar");
  assert.equal(sidecar.role, "worker");
  assert.equal(sidecar.identity.evidence[0]?.signal, "declared");
  const nginx = containerOf(model, "blog", "nginx");
  assert.equal(nginx.imageFacts.dockerfile, undefined, "a known image is not linked by name");
  assert.equal(nginx.imageFacts.stopSignal.value, "SIGQUIT");
  assert.equal(nginx.identity.evidence[0]?.signal, "argv");
  assert.equal(nginx.identity.argv?.origin, "image-default");
});

test("identify: an annotation naming a Dockerfile not among the inputs is an unreadable problem", () => {
  const files = {
    "k8s/app.yaml": ANNOTATED["k8s/app.yaml"] as string,
    "build/tools/Dockerfile": "FROM golang:1.22\n",
  };
  const model = modelOf(files);
  const problem = model.problems.find((p) => p.code === "unreadable");
  assert.ok(problem, JSON.stringify(model.problems));
  assert.match(
    problem.message,
    /annotation fpm-graceful\.io\/dockerfile\.wp names \.\.\/build\/wp\/Dockerfile/,
  );
});

test("identify: --dockerfile with #stage picks that stage", () => {
  const model = modelOf(MULTI_STAGE, { dockerfiles: { app: "Dockerfile#base" } });
  const app = containerOf(model, "api", "app");
  assert.equal(app.imageFacts.dockerfileStage, "base");
  assert.equal(app.imageFacts.stopSignal.value, "SIGQUIT", "base has no STOPSIGNAL: php:8.2-fpm's");
});

test("identify: a declared stop signal settles an unknown one", () => {
  const files = {
    "k8s/app.yaml": deployment(
      "x",
      `        - name: php
          image: ghcr.io/acme/unknown:1
`,
    ),
  };
  const model = modelOf(files, { containers: { php: { stopSignal: "SIGQUIT", role: "fpm" } } });
  const php = containerOf(model, "x", "php");
  assert.equal(php.role, "fpm");
  assert.equal(php.identity.evidence[0]?.signal, "declared");
  assert.equal(php.imageFacts.stopSignal.value, "SIGQUIT");
  assert.ok(!("unknown" in php.imageFacts.stopSignal && php.imageFacts.stopSignal.unknown));
});

test("identify: an unknown image with nothing linked has an unknown SIGTERM and no role but a guess", () => {
  const files = {
    "k8s/app.yaml": deployment(
      "x",
      `        - name: main
          image: myorg/app:1
`,
    ),
  };
  const main = containerOf(modelOf(files), "x", "main");
  assert.equal(main.role, "other");
  assert.deepEqual(main.identity.evidence, []);
  assert.equal(main.imageFacts.stopSignal.value, "SIGTERM");
  assert.ok("unknown" in main.imageFacts.stopSignal && main.imageFacts.stopSignal.unknown);
  assert.match(main.imageFacts.basis, /not in the image table/);
});
