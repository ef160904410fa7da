import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, "utf8");
/** The commands `fpm-graceful --help` lists. */
const COMMANDS = ["check", "fix", "init", "timeline", "rules", "rehearse", "webhook"];

test("install: npm pack ships the built CLI, the docs and the LICENSE, and no tests", () => {
  // --ignore-scripts: prepack would rebuild dist while other tests read it; the build ran before the tests.
  const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(pack.status, 0, pack.stderr);
  const [{ files }] = JSON.parse(pack.stdout) as [{ files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  for (const path of [
    "dist/src/cli/main.js",
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "LICENSE",
    "README.md",
  ])
    assert.ok(paths.includes(path), `${path} is in the package`);
  assert.ok(paths.includes("docs/rules/fpm-hard-stop.md"), "the rule pages the doc links name");
  assert.equal(paths.filter((p) => p.startsWith("dist/test/") || p.startsWith("src/")).length, 0);
  const pkg = JSON.parse(read("package.json"));
  assert.equal(pkg.scripts.prepack, "npm run build", "a publish from a clean checkout builds dist first");
  assert.equal(pkg.bin["fpm-graceful"], "dist/src/cli/main.js");
  assert.match(read("LICENSE"), /^MIT License\n/);
  assert.equal(pkg.license, "MIT");
});

test("install: action.yml is a composite action that runs check --format sarif and uploads it", () => {
  const action = parse(read("action.yml"));
  assert.equal(action.runs.using, "composite");
  const steps = action.runs.steps as { uses?: string; run?: string; with?: Record<string, string> }[];
  const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
  assert.ok(upload, "uploads with github/codeql-action/upload-sarif");
  assert.match(upload.with?.sarif_file ?? "", /^\$\{\{ inputs\.sarif-file \}\}$/);
  const scripts = steps.map((s) => s.run ?? "").join("\n");
  assert.match(scripts, /"\$FPM_GRACEFUL" check --format sarif --output "\$INPUT_SARIF"/);
  // Inputs go through the environment: `${{ inputs.… }}` pasted into a script would be a shell injection.
  assert.doesNotMatch(scripts, /\$\{\{\s*inputs\./);
  for (const input of Object.keys(action.inputs)) assert.ok(action.inputs[input].description, input);
});

test("install: .pre-commit-hooks.yaml names real commands of the CLI", () => {
  const hooks = parse(read(".pre-commit-hooks.yaml")) as {
    id: string;
    entry: string;
    language: string;
    files: string;
  }[];
  assert.ok(hooks.length >= 1);
  for (const hook of hooks) {
    const [bin, command] = hook.entry.split(" ");
    assert.equal(bin, "fpm-graceful", hook.id);
    assert.ok(COMMANDS.includes(command ?? ""), `${hook.id}: ${command} is a command`);
    assert.equal(hook.language, "node");
    const files = new RegExp(hook.files);
    for (const path of ["k8s/app.yaml", "docker/php/Dockerfile", "php-fpm.d/www.conf", "php.ini"])
      assert.match(path, files, `${hook.id} checks ${path}`);
    assert.doesNotMatch("src/app.php", files);
  }
});

test("install: the CLI image builds in stages and runs fpm-graceful as a non-root user", () => {
  const dockerfile = read("deploy/cli/Dockerfile");
  const stages = dockerfile.match(/^FROM /gm) ?? [];
  assert.ok(stages.length >= 2, "multi-stage: build tools stay out of the image");
  const final = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const user = final.match(/^USER (\S+)/m)?.[1];
  assert.ok(user && !/^(0|root)(:|$)/.test(user), `runs as ${user}`);
  assert.match(final, /^ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]$/m);
  assert.match(
    read("deploy/webhook/Dockerfile"),
    /^CMD \["webhook", "serve"/m,
    "the webhook image keeps its default",
  );
});
