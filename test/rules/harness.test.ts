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
