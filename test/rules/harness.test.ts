import assert from "node:assert/strict";
import { test } from "node:test";
import { assertInvalid, assertValid, dedent } from "./harness.js";

const files = {
  "app.yaml": dedent`
    apiVersion: v1
    kind: Pod
    metadata: {name: app}
    spec:
      containers:
        - name: php-fpm
          image: php:8.2-fpm
  `,
};
const expected = { line: 6, column: 13, severity: "warning", message: "has no readinessProbe" } as const;

test("harness: the case it is given passes", () => {
  assertInvalid("readiness-probe-missing", { name: "ok", files, findings: [expected] });
});

test("harness: refuses an invalid case that lists no finding", () => {
  assert.throws(
    () => assertInvalid("readiness-probe-missing", { name: "empty", files, findings: [] }),
    /could never fail/,
  );
});

test("harness: fails on a wrong column, severity, message, or count", () => {
  const wrong = [
    { ...expected, column: 12 },
    { ...expected, severity: "error" as const },
    { ...expected, message: "something else" },
  ];
  for (const finding of wrong) {
    assert.throws(() =>
      assertInvalid("readiness-probe-missing", { name: "wrong", files, findings: [finding] }),
    );
  }
  assert.throws(() =>
    assertInvalid("readiness-probe-missing", { name: "two", files, findings: [expected, expected] }),
  );
});

test("harness: a valid case fails when the rule fires, or when the input does not parse", () => {
  assert.throws(() => assertValid("readiness-probe-missing", { name: "fires", files }), /must not fire/);
  assert.throws(() =>
    assertValid("readiness-probe-missing", { name: "broken", files: { "app.yaml": "kind: Pod\n  x: [" } }),
  );
});

test("harness: matches a report by message id and data, and fails on either wrong", () => {
  const byId = { line: 6, column: 13, severity: "warning", messageId: "default" } as const;
  assertInvalid("readiness-probe-missing", {
    name: "by id",
    files,
    findings: [{ ...byId, data: { container: "php-fpm", port: 9000 } }],
  });
  for (const finding of [
    { ...byId, messageId: "byHand" },
    { ...byId, data: { port: 9001 } },
  ])
    assert.throws(() =>
      assertInvalid("readiness-probe-missing", { name: "wrong id", files, findings: [finding] }),
    );
  const { message: _message, ...unnamed } = expected;
  assert.throws(
    () => assertInvalid("readiness-probe-missing", { name: "unnamed", files, findings: [unnamed] }),
    /names the message/,
  );
});

test("harness: checks the fixed output, and refuses `output: null` where the rule does fix", () => {
  const probed = `${files["app.yaml"]}      readinessProbe:\n        tcpSocket:\n          port: 9000\n        periodSeconds: 2\n`;
  assertInvalid("readiness-probe-missing", {
    name: "output",
    files,
    findings: [expected],
    output: { "app.yaml": probed },
  });
  assert.throws(
    () =>
      assertInvalid("readiness-probe-missing", {
        name: "wrong output",
        files,
        findings: [expected],
        output: files,
      }),
    /fixed output of app.yaml/,
  );
  assert.throws(
    () =>
      assertInvalid("readiness-probe-missing", { name: "null", files, findings: [expected], output: null }),
    /offers a fix/,
  );
});

test("harness: a case whose finding has no fix must say `output: null`", () => {
  const socket = {
    "app.yaml": files["app.yaml"].replace("image: php:8.2-fpm", "image: php:8.2-fpm\n      env: []"),
    "php-fpm.d/zz-listen.conf": "[www]\nlisten = /run/php/fpm.sock\n",
  };
  const finding = { ...expected, messageId: "byHand", message: "unix socket" };
  assert.throws(
    () => assertInvalid("readiness-probe-missing", { name: "no fix", files: socket, findings: [finding] }),
    /say so with `output: null`/,
  );
  assertInvalid("readiness-probe-missing", {
    name: "no fix",
    files: socket,
    findings: [finding],
    output: null,
  });
});
