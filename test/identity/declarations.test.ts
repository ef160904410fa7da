/**
 * What a user declares settles what the tool cannot know: the role and stop-signal annotations, the
 * config file's `containers:`, and the evidence every report carries.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { checkSources } from "../../src/engine/check.js";
import { checkPaths } from "../../src/index.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { dedent, sourceFiles } from "../rules/harness.js";

const custom = (annotations = "", extra = "") => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web${annotations}}
  spec:
    template:
      spec:
        containers:
          - name: app
            image: registry.example.com/shop/app:1.4${extra ? `\n            ${extra}` : ""}
`;

const check = (files: Record<string, string>, containers = {}) =>
  checkSources(sourceFiles(files), { assumptions: DEFAULT_ASSUMPTIONS, containers });

test("a custom image with no evidence is `other` and says how to declare it", () => {
  const [c] = check({ "app.yaml": custom() }).workloads[0]?.containers ?? [];
  assert.equal(c?.role, "other");
  assert.match(c?.roleBasis ?? "", /declare it with fpm-graceful.io\/role.app/);
  assert.deepEqual(c?.evidence, []);
});

test("the role annotation decides over every other evidence, and says so", () => {
  const result = check({
    "app.yaml": custom(', annotations: {"fpm-graceful.io/role.app": worker}', "command: [php-fpm]"),
  });
  const [c] = result.workloads[0]?.containers ?? [];
  assert.equal(c?.role, "worker");
  assert.equal(c?.evidence[0]?.signal, "declared");
  assert.equal(c?.evidence[1]?.signal, "argv", "the argv is still shown as weighed");
  assert.deepEqual(result.findings, [], "no request-traffic rule applies to a worker");
});

test("an unknown image's stop signal is assumed SIGTERM at warning level; the annotation settles it", () => {
  const unknown = check({ "app.yaml": custom("", "command: [php-fpm, -F]") });
  const hard = unknown.findings.find((f) => f.rule === "fpm-hard-stop");
  assert.equal(hard?.severity, "warning");
  assert.match(hard?.message ?? "", /Assumed: the stop signal of app's image .* is unknown/);
  assert.match(hard?.message ?? "", /fpm-graceful.io\/stop-signal.app: SIGQUIT/);
  assert.equal(unknown.workloads[0]?.containers[0]?.stopSignal.unknown, true);

  const declared = check({
    "app.yaml": custom(
      ', annotations: {"fpm-graceful.io/stop-signal.app": SIGQUIT}',
      "command: [php-fpm, -F]",
    ),
  });
  assert.equal(
    declared.findings.find((f) => f.rule === "fpm-hard-stop"),
    undefined,
    "SIGQUIT declared: no hard stop",
  );
  assert.equal(declared.workloads[0]?.containers[0]?.stopSignal.value, "SIGQUIT");
  assert.equal(declared.workloads[0]?.containers[0]?.stopSignal.unknown, false);
  // The image is still unknown, so its own php-fpm config is unseen: process_control_timeout stays a warning.
  assert.equal(
    declared.findings.find((f) => f.rule === "process-control-timeout-missing")?.severity,
    "warning",
  );
});

test("the config file's containers: declares role and stop signal by name or workload/name", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-decl-"));
  try {
    const path = join(dir, ".fpm-graceful.yaml");
    await writeFile(
      path,
      "containers:\n  web/app: {role: fpm, stopSignal: SIGQUIT}\n  queue: {role: worker}\n",
    );
    const { config, problems } = await loadConfig(path, true);
    assert.deepEqual(problems, []);
    assert.deepEqual(config.containers, {
      "web/app": { role: "fpm", stopSignal: "SIGQUIT" },
      queue: { role: "worker" },
    });
    const result = check({ "app.yaml": custom() }, config.containers);
    const [c] = result.workloads[0]?.containers ?? [];
    assert.equal(c?.role, "fpm");
    assert.match(c?.roleBasis ?? "", /declared in the config file/);
    assert.equal(c?.stopSignal.value, "SIGQUIT");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a wrong declaration in the config file is a problem at its line, not a silent default", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-decl-"));
  try {
    const path = join(dir, ".fpm-graceful.yaml");
    await writeFile(path, "containers:\n  app:\n    role: php\n    stopSignal: QUIT\n    shell: dash\n");
    const { problems } = await loadConfig(path, true);
    assert.deepEqual(
      problems.map((p) => [p.line, p.message.split(":")[0]]),
      [
        [3, "containers.app.role"],
        [4, "containers.app.stopSignal"],
        [5, "containers.app"],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the only Dockerfile and the only custom image go together, whatever either is called", () => {
  const result = check({
    "k8s/web.yaml": custom(),
    "images/Dockerfile": 'FROM php:8.3-fpm-alpine\nCMD ["php-fpm"]\n',
  });
  const [c] = result.workloads[0]?.containers ?? [];
  assert.equal(c?.role, "fpm");
  assert.match(c?.links.join(" ") ?? "", /the only Dockerfile among the inputs, for the only image/);
  assert.equal(c?.stopSignal.value, "SIGQUIT");
});

test("two Dockerfiles that could build one image: a warning-level problem naming both and the flag", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-amb-"));
  try {
    await writeFile(join(dir, "web.yaml"), custom("", "command: [php-fpm]").replace("shop/app", "shop/php"));
    for (const d of ["docker", "legacy"]) {
      await mkdir(join(dir, d, "php"), { recursive: true });
      await writeFile(join(dir, d, "php", "Dockerfile"), "FROM php:8.3-fpm\n");
    }
    const { result } = await checkPaths([dir]);
    const problem = result.problems.find((p) => p.code === "ambiguous-dockerfile");
    assert.ok(problem, JSON.stringify(result.problems));
    assert.equal(problem.severity, "warning");
    assert.match(problem.message, /docker\/php\/Dockerfile.*legacy\/php\/Dockerfile/);
    assert.match(problem.message, /--dockerfile app=PATH\[#STAGE\]/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("docs/IMAGES.md lists every entry of the image table, in order", async () => {
  const { readFile } = await import("node:fs/promises");
  const { KNOWN_IMAGES } = await import("../../src/model/identity/known-images.js");
  const page = await readFile(new URL("../../../docs/IMAGES.md", import.meta.url), "utf8");
  const rows = [...page.matchAll(/^\| (\d+) \| `([^`]+)` \|/gm)].map((m) => m[2]);
  assert.equal(rows.length, KNOWN_IMAGES.length, "one row per entry");
  KNOWN_IMAGES.forEach((entry, i) => {
    const repository = typeof entry.repository === "string" ? entry.repository : entry.repository.source;
    // Markdown escapes `|` inside a table cell.
    assert.equal(rows[i]?.replace(/\\\|/g, "|"), repository, `row ${i + 1}`);
  });
});
