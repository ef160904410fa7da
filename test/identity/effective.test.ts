import assert from "node:assert/strict";
import { test } from "node:test";
import { expandFpmValue, processControlTimeout } from "../../src/model/effective.js";
import type { Container } from "../../src/model/types.js";
import { containerOf, modelOf } from "./support.js";

/**
 * A php-fpm container whose `[global]` `process_control_timeout = ${PCT}` comes from a ConfigMap mounted
 * into php-fpm.d, with `env` (YAML at the container's indentation) and a Dockerfile that builds its image.
 */
function fpmContainer(
  env: string,
  dockerfile: string,
  setting = `process_control_timeout = \${PCT}`,
): Container {
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/fpm:1.4
${env}          volumeMounts:
            - {name: fpm, mountPath: /usr/local/etc/php-fpm.d/zz-graceful.conf, subPath: zz-graceful.conf}
      volumes:
        - name: fpm
          configMap: {name: fpm}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fpm}
data:
  zz-graceful.conf: |
    [global]
    ${setting}
`;
  const model = modelOf({ "k8s/app.yaml": manifest, "docker/fpm/Dockerfile": dockerfile });
  assert.deepEqual(model.problems, []);
  const c = containerOf(model, "shop", "app");
  assert.equal(c.imageFacts.dockerfile, "docker/fpm/Dockerfile", "the Dockerfile is linked");
  return c;
}

const ENV_25 = "          env: [{name: PCT, value: 25s}]\n";
const VALUE_FROM = "          env: [{name: PCT, valueFrom: {configMapKeyRef: {name: x, key: y}}}]\n";

test(`processControlTimeout: \${PCT} from the container's env`, () => {
  const c = fpmContainer(ENV_25, "FROM php:8.3-fpm\n");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 25);
  assert.equal(pct.unknown, undefined);
  assert.match(pct.because, /PCT=25s from the container's env/);
  assert.equal(pct.loc?.file, "k8s/app.yaml");
  assert.deepEqual(expandFpmValue(`\${PCT}`, c), {
    value: "25s",
    expanded: "PCT=25s from the container's env",
  });
});

test(`processControlTimeout: \${PCT} from the Dockerfile's ENV`, () => {
  const c = fpmContainer("", "FROM php:8.3-fpm\nENV PCT=15s\n");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 15);
  assert.equal(pct.unknown, undefined);
  assert.match(pct.because, /PCT=15s from the image's ENV/);
});

test("processControlTimeout: the container's env overrides the image's ENV", () => {
  const c = fpmContainer(ENV_25, "FROM php:8.3-fpm\nENV PCT=15s\n");
  assert.equal(processControlTimeout(c).value, 25);
  assert.equal(expandFpmValue(`\${PCT}`, c).value, "25s");
});

test("processControlTimeout: a valueFrom env is unknown, even over the image's ENV", () => {
  const c = fpmContainer(VALUE_FROM, "FROM php:8.3-fpm\nENV PCT=15s\n");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 0);
  assert.match(pct.unknown ?? "", /PCT is set from a valueFrom/);
  const expanded = expandFpmValue(`\${PCT}`, c);
  assert.equal(expanded.value, `\${PCT}`, "left as written");
  assert.match(expanded.unknown ?? "", /valueFrom/);
});

test("processControlTimeout: unset everywhere, the value stays 0 but unknown is set", () => {
  const c = fpmContainer("", "FROM php:8.3-fpm\n");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 0);
  assert.match(pct.unknown ?? "", /PCT is set neither in the container's env nor in its image's ENV/);
  assert.match(pct.because, /process_control_timeout = \$\{PCT\}/);
});

test("processControlTimeout: a literal value needs no variable and is read as is", () => {
  const c = fpmContainer("", "FROM php:8.3-fpm\n", "process_control_timeout = 40s");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 40);
  assert.equal(pct.unknown, undefined);
  assert.doesNotMatch(pct.because, /from the/);
});

test("processControlTimeout: no setting at all is php-fpm's default 0, and known", () => {
  const c = fpmContainer("", "FROM php:8.3-fpm\n", "emergency_restart_threshold = 0");
  const pct = processControlTimeout(c);
  assert.equal(pct.value, 0);
  assert.equal(pct.unknown, undefined);
  assert.match(pct.because, /default is 0/);
});

test("processControlTimeout: a variable in a minutes value expands before parsing", () => {
  const c = fpmContainer("          env: [{name: PCT, value: 1m}]\n", "FROM php:8.3-fpm\n");
  assert.equal(processControlTimeout(c).value, 60);
});

test(`expandFpmValue: a value without \${…} is returned unchanged, with nothing expanded or unknown`, () => {
  const c = fpmContainer(ENV_25, "FROM php:8.3-fpm\n");
  assert.deepEqual(expandFpmValue("10s", c), { value: "10s" });
  assert.deepEqual(expandFpmValue("$PCT", c), { value: "$PCT" }, "php-fpm expands only the braced form");
});

test("expandFpmValue: two variables, one from env and one from ENV, are both named", () => {
  const c = fpmContainer(
    "          env: [{name: A, value: '1'}]\n",
    "FROM php:8.3-fpm\nENV B=0s\n",
    `process_control_timeout = \${A}\${B}`,
  );
  const expanded = expandFpmValue(`\${A}\${B}`, c);
  assert.equal(expanded.value, "10s");
  assert.equal(expanded.expanded, "A=1 from the container's env, B=0s from the image's ENV");
  assert.equal(processControlTimeout(c).value, 10);
});

test("expandFpmValue: one unknown variable makes the whole value unknown", () => {
  const c = fpmContainer(ENV_25, "FROM php:8.3-fpm\n");
  const expanded = expandFpmValue(`\${PCT}\${NOPE}`, c);
  assert.equal(expanded.value, `\${PCT}\${NOPE}`);
  assert.match(expanded.unknown ?? "", /^NOPE /);
});
