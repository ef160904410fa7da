import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { onPath } from "../../src/sources/render.js";
import { runCli } from "../cli/run-cli.js";

// A repository as it is (#14): a PHP app, a Go service, redis, a Helm chart's source and a kustomize
// overlay, checked as one directory.
let repo: string;

const GO_DOCKERFILE =
  'FROM golang:1.22 AS build\nRUN go build -o /api ./cmd/api\nFROM gcr.io/distroless/base\nCOPY --from=build /api /api\nENTRYPOINT ["/api"]\n';
const REDIS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7
`;
const CHART_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  template:
    spec:
      containers:
        - name: php-fpm
          image: "{{ .Values.image }}"
{{- if .Values.extra }}
{{ toYaml .Values.extra | indent 10 }}
{{- end }}
`;

before(async () => {
  repo = await mkdtemp(join(tmpdir(), "fpm-graceful-repo-"));
  await cp("examples/seed", join(repo, "app"), { recursive: true });
  await mkdir(join(repo, "kustomize", "base"), { recursive: true });
  await cp("examples/seed/deployment.yaml", join(repo, "kustomize", "base", "web.yaml"));
  const files: Record<string, string> = {
    "services/api/Dockerfile": GO_DOCKERFILE,
    "deploy/redis.yaml": REDIS,
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "charts/web/values.yaml": "image: php:8.2-fpm\n",
    "charts/web/templates/deployment.yaml": CHART_TEMPLATE,
    "kustomize/base/kustomization.yaml": "resources:\n  - web.yaml\n",
    "kustomize/overlays/prod/kustomization.yaml": "resources:\n  - ../../base\nnamePrefix: prod-\n",
    "node_modules/some-lib/deployment.yaml": REDIS.replace("php", "x"),
    ".git/config.yaml": "apiVersion: v1\nkind: Pod\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
});
after(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** A PATH with node only: no helm, no kubectl, no kustomize. */
async function bareEnv(): Promise<NodeJS.ProcessEnv> {
  const bin = join(repo, "..", `bare-bin-${process.pid}`);
  await mkdir(bin, { recursive: true });
  return { PATH: bin };
}

test("without renderers: findings on the PHP workload only, one message per chart and per overlay", async () => {
  const run = runCli(["check", repo, "-f", "json"], { env: await bareEnv(), cwd: repo });
  const result = JSON.parse(run.stdout) as {
    findings: { file: string; severity: string }[];
    problems: { file: string; code: string; message: string }[];
  };
  const files = new Set(result.findings.map((f) => f.file.slice(repo.length + 1)));
  assert.deepEqual(
    [...files].sort(),
    ["app/Dockerfile", "app/deployment.yaml"],
    "findings only on the PHP app",
  );
  assert.deepEqual(
    result.problems.map((p) => [p.file.slice(repo.length + 1), p.code]),
    [
      ["charts/web/Chart.yaml", "unrendered"],
      ["kustomize/base/kustomization.yaml", "unrendered"],
      ["kustomize/overlays/prod/kustomization.yaml", "unrendered"],
    ],
  );
  assert.match(result.problems[0]?.message ?? "", /helm template .*charts\/web \| fpm-graceful check -/);
  assert.match(result.problems[2]?.message ?? "", /kustomize build .*overlays\/prod \| fpm-graceful check -/);
});

test("with kubectl on PATH: the overlay is rendered and its workload checked", {
  skip: onPath("kubectl") ? false : "kubectl is not on PATH",
}, () => {
  const run = runCli(["check", repo, "-f", "json"], { cwd: repo });
  const result = JSON.parse(run.stdout) as {
    workloads: { id: string; file: string }[];
    problems: { code: string; file: string }[];
  };
  assert.ok(
    result.workloads.some((w) => w.id.includes("prod-app-fpm") && w.file.includes("kubectl kustomize")),
    JSON.stringify(result.workloads.map((w) => [w.id, w.file])),
  );
  if (!onPath("helm")) {
    // helm: no npm package ships a real helm binary we could install here; the chart is reported instead.
    console.log("# helm is not on PATH: the chart is reported, not rendered");
    assert.ok(result.problems.some((p) => p.code === "unrendered" && p.file.endsWith("Chart.yaml")));
  }
});

test("fix on a rendered overlay: nothing written, the reason says to pipe it, and no file is counted as changed", {
  skip: onPath("kubectl") ? false : "kubectl is not on PATH",
}, () => {
  const overlay = join(repo, "kustomize", "overlays", "prod");
  const run = runCli(["fix", overlay], { cwd: repo });
  assert.equal(run.status, 2, run.stderr);
  assert.match(
    run.stderr,
    /not written: .*kubectl kustomize.*: rendered input, not a file: pipe the rendered output to `fpm-graceful fix -`/,
  );
  assert.match(run.stderr, /changed 0 files/);
  assert.doesNotMatch(run.stderr, /ENOENT/);
});

test("a Dockerfile piped on stdin is read as a Dockerfile, not as YAML", () => {
  const run = runCli(["check", "-", "-f", "json"], {
    input: '# syntax=docker/dockerfile:1\nFROM php:8.2-fpm\nCMD ["sh", "-c", "php-fpm"]\n',
  });
  const result = JSON.parse(run.stdout) as { problems: { code: string }[] };
  assert.deepEqual(
    result.problems.map((p) => p.code),
    [],
  );
});

test("--exclude skips what its globs match: a folder by path or by name anywhere", async () => {
  const env = await bareEnv();
  const all = runCli(["check", repo, "-f", "json"], { env, cwd: repo });
  const excluded = runCli(
    ["check", repo, "-f", "json", "--exclude", "app/**", "--exclude", "charts", "--exclude", "kustomize"],
    { env, cwd: repo },
  );
  const parse = (out: string) =>
    JSON.parse(out) as {
      findings: { file: string }[];
      problems: { file: string }[];
      workloads: { id: string }[];
    };
  assert.ok(parse(all.stdout).findings.length > 0);
  const result = parse(excluded.stdout);
  assert.deepEqual(result.findings, [], "the PHP app is excluded");
  assert.deepEqual(
    result.problems.map((p) => p.file.slice(repo.length + 1)),
    [],
    "the chart and kustomize folders are excluded by name",
  );
  assert.deepEqual(
    result.workloads.map((w) => w.id),
    ["Deployment/default/redis"],
  );
});

/** scripts/setup-system.sh fetches a real helm (from an npm package) here when none is on PATH. */
const FETCHED_HELM_DIR = fileURLToPath(
  new URL("../../../node_modules/.cache/fpm-graceful/helm", import.meta.url),
);
const helmDir = onPath("helm")
  ? undefined
  : existsSync(join(FETCHED_HELM_DIR, "helm"))
    ? FETCHED_HELM_DIR
    : undefined;
const haveHelm = onPath("helm") !== undefined || helmDir !== undefined;

test("with helm on PATH: the chart is rendered, its findings located at the template (# Source:)", {
  skip: haveHelm ? false : "no helm: scripts/setup-system.sh could not fetch one",
}, async () => {
  const values = join(repo, "prod-values.yaml");
  await writeFile(values, 'image: "php:8.3-fpm"\n');
  const env = { PATH: `${helmDir ? `${helmDir}:` : ""}${process.env.PATH ?? ""}` };
  const run = runCli(["check", join(repo, "charts"), "-f", "json", "--helm-values", values], { env });
  const result = JSON.parse(run.stdout) as {
    workloads: { id: string; file: string; helmSource?: string }[];
    findings: { rule: string; helmSource?: string }[];
    problems: unknown[];
  };
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.workloads.map((w) => [w.id, w.helmSource]),
    [["Deployment/default/release-name-web", "web/templates/deployment.yaml"]],
  );
  assert.ok(result.findings.length > 0, "the rendered workload is checked");
  assert.ok(result.findings.every((f) => f.helmSource === "web/templates/deployment.yaml"));
});

test("a named .yaml with no Kubernetes object is a problem like a named .txt; in a walk it is left alone", async () => {
  const values = join(repo, "charts", "web", "values.yaml");
  const named = runCli(["check", values]);
  assert.equal(named.status, 2, named.stdout + named.stderr);
  assert.match(named.stdout + named.stderr, /values\.yaml:1:1 YAML\/JSON without a Kubernetes object/);
  const workflow = join(repo, "ci.yml");
  await writeFile(workflow, "on: push\njobs: {}\n");
  const walked = runCli(["check", repo, "-f", "json", "--exclude", "app/**"], { env: await bareEnv() });
  assert.ok(!walked.stdout.includes("ci.yml"), "the workflow in the walk is not reported");
  await rm(workflow);
});
