/** `fix` on a Dockerfile no workload among the inputs uses: it edits the Dockerfile, never a pod spec it lacks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fixSources } from "../../src/engine/fix-sources.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { dedent, sourceFiles } from "../rules/harness.js";

const PHP_INI_LINE = 'RUN echo "process_control_timeout=5s" >> /usr/local/etc/php/conf.d/graceful.ini';

test("fix: the php.ini line in a Dockerfile no container links is replaced by php-fpm's own [global] file", () => {
  const files = sourceFiles({
    // Two custom images with no evidence of what they run: neither is linked to the Dockerfile.
    "k8s/app.yaml": dedent`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: app}
      spec:
        template:
          spec:
            containers:
              - {name: web, image: registry.example.com/acme/web:2}
              - {name: app, image: registry.example.com/acme/site:2}
    `,
    "docker/Dockerfile": `FROM php:8.2-fpm\n${PHP_INI_LINE}\n`,
  });
  const run = fixSources(files, { assumptions: DEFAULT_ASSUMPTIONS });
  assert.deepEqual(run.failures, []);
  assert.deepEqual(
    run.changes.map((c) => c.file),
    ["docker/Dockerfile"],
  );
  const after = run.changes[0]?.after ?? "";
  assert.doesNotMatch(after, /conf\.d\/graceful\.ini/);
  // The folder comes from the image table's fact for php:8.2-fpm (docker-library/php).
  assert.match(
    after,
    /^RUN printf '\[global\]\\nprocess_control_timeout = \d+s\\n' > \/usr\/local\/etc\/php-fpm\.d\/zz-graceful\.conf$/m,
  );
  assert.equal(run.after.findings.filter((f) => f.severity === "error").length, 0);
});

test("fix: a Dockerfile FROM an image whose php-fpm folder is unknown gets no guessed path", () => {
  const files = sourceFiles({
    Dockerfile: `FROM registry.example.com/base/php:8\n${PHP_INI_LINE}\nCMD ["php-fpm"]\n`,
  });
  const run = fixSources(files, { assumptions: DEFAULT_ASSUMPTIONS });
  // STOPSIGNAL SIGQUIT is safe whatever the base sets; a php-fpm.d path the image may not read is not.
  assert.doesNotMatch(run.changes[0]?.after ?? "", /zz-graceful\.conf/);
  assert.match(run.changes[0]?.after ?? "", /^STOPSIGNAL SIGQUIT$/m);
  assert.ok(run.after.findings.some((f) => f.rule === "process-control-timeout-ignored" && !f.autofix));
});
