import assert from "node:assert/strict";
import { test } from "node:test";
import { DockerfileIndex, lastNameComponent } from "../../src/model/identity/dockerfiles.js";
import { type DockerfileFacts, type DockerStage, parseDockerfile } from "../../src/sources/dockerfile.js";

function stage(text: string, at = -1): DockerStage {
  const facts = parseDockerfile("Dockerfile", text);
  assert.deepEqual(facts.problems, [], "parses without problems");
  const s = facts.stages.at(at);
  assert.ok(s, `stage ${at}`);
  return s;
}

/** An index over inline Dockerfiles, with a manifest beside them so their folders are relative to the root. */
function indexOf(files: Record<string, string>): {
  index: DockerfileIndex;
  facts: Map<string, DockerfileFacts>;
} {
  const facts = new Map(Object.entries(files).map(([path, text]) => [path, parseDockerfile(path, text)]));
  return {
    index: new DockerfileIndex([...facts.values()], [...facts.keys(), "k8s/app.yaml"]),
    facts,
  };
}

// ---- parseDockerfile ----------------------------------------------------------------------------------

test("parseDockerfile: stage names are read and lower-cased, unnamed stages have none", () => {
  const f = parseDockerfile("Dockerfile", "FROM php:8.3-fpm AS Base\nFROM base AS prod\nFROM caddy:2\n");
  assert.deepEqual(
    f.stages.map((s) => [s.index, s.name]),
    [
      [0, "base"],
      [1, "prod"],
      [2, undefined],
    ],
  );
  assert.deepEqual(
    f.stages.map((s) => s.fromLine),
    [1, 2, 3],
  );
});

test("parseDockerfile: lower-case `from … as …` keywords", () => {
  const s = stage("from php:8.2-fpm as App\ncmd php-fpm -F\n");
  assert.equal(s.name, "app");
  assert.equal(s.from.value, "php:8.2-fpm");
  assert.deepEqual(s.cmd?.argv, ["/bin/sh", "-c", "php-fpm -F"]);
  assert.equal(s.cmd?.form, "shell");
});

test("parseDockerfile: FROM an earlier stage names it as parent and inherits STOPSIGNAL, ENTRYPOINT, CMD, ENV", () => {
  const text =
    'FROM php:8.3-fpm AS base\nSTOPSIGNAL SIGQUIT\nENTRYPOINT ["docker-php-entrypoint"]\nCMD ["php-fpm"]\nENV A=1\nFROM base AS prod\nENV B=2\n';
  const [base, prod] = parseDockerfile("Dockerfile", text).stages;
  assert.ok(base && prod);
  assert.equal(base.parent, undefined);
  assert.equal(prod.parent, 0);
  assert.equal(prod.from.value, "php:8.3-fpm", "a child stage's base is its parent's base");
  assert.equal(prod.stopSignal?.value, "SIGQUIT");
  assert.equal(prod.stopSignal?.loc.line, 2, "the inherited STOPSIGNAL points at the parent's line");
  assert.deepEqual(prod.entrypoint?.argv, ["docker-php-entrypoint"]);
  assert.deepEqual(prod.cmd?.argv, ["php-fpm"]);
  assert.deepEqual(prod.env, { A: "1", B: "2" });
  assert.deepEqual(base.env, { A: "1" }, "the child's ENV does not leak into the parent");
});

test("parseDockerfile: FROM an earlier stage named in another case still finds it", () => {
  const [, child] = parseDockerfile("Dockerfile", "FROM php:8.2-fpm AS Builder\nFROM BUILDER\n").stages;
  assert.equal(child?.parent, 0);
});

test("parseDockerfile: an image that shares a stage's name only as a prefix is not that stage", () => {
  const [, child] = parseDockerfile("Dockerfile", "FROM php:8.2-fpm AS php\nFROM php:8.2-cli\n").stages;
  assert.equal(child?.parent, undefined);
  assert.equal(child?.from.value, "php:8.2-cli");
});

test(`parseDockerfile: ARG PHP_VERSION=8.3 expands in FROM php:\${PHP_VERSION}-fpm-alpine`, () => {
  const s = stage(`ARG PHP_VERSION=8.3\nFROM php:\${PHP_VERSION}-fpm-alpine\n`);
  assert.equal(s.from.value, "php:8.3-fpm-alpine");
  assert.equal(s.unresolved, false);
});

test("parseDockerfile: a quoted ARG default and a bare $VAR expand", () => {
  assert.equal(stage('ARG BASE="php:8.2-fpm"\nFROM $BASE\n').from.value, "php:8.2-fpm");
});

test(`parseDockerfile: \${V:-8.2} takes its default when V is not set`, () => {
  const s = stage(`FROM php:\${V:-8.2}-fpm\n`);
  assert.equal(s.from.value, "php:8.2-fpm");
  assert.equal(s.unresolved, false);
});

test(`parseDockerfile: \${V:-8.2} takes the ARG default over its own`, () => {
  assert.equal(stage(`ARG V=8.3\nFROM php:\${V:-8.2}-fpm\n`).from.value, "php:8.3-fpm");
});

test("parseDockerfile: an ARG with no default leaves FROM unresolved", () => {
  const s = stage(`ARG V\nFROM php:\${V}-fpm\n`);
  assert.equal(s.unresolved, true);
  assert.equal(s.from.value, `php:\${V}-fpm`, "kept as written");
});

test("parseDockerfile: an ARG declared after the first FROM is not in scope for later FROMs", () => {
  const f = parseDockerfile(
    "Dockerfile",
    `ARG V=8.2\nFROM php:\${V}-fpm AS a\nARG V=9\nFROM php:\${V}-cli AS b\n`,
  );
  assert.deepEqual(
    f.stages.map((s) => s.from.value),
    ["php:8.2-fpm", "php:8.2-cli"],
  );
});

test("parseDockerfile: --platform=… before the image is skipped", () => {
  const s = stage("FROM --platform=$BUILDPLATFORM php:8.2-fpm AS a\n");
  assert.equal(s.from.value, "php:8.2-fpm");
  assert.equal(s.name, "a");
});

test("parseDockerfile: ENTRYPOINT resets an inherited CMD", () => {
  const f = parseDockerfile(
    "Dockerfile",
    'FROM php:8.2-fpm AS a\nCMD ["php-fpm"]\nFROM a\nENTRYPOINT ["/start.sh"]\n',
  );
  const last = f.stages.at(-1);
  assert.deepEqual(last?.entrypoint?.argv, ["/start.sh"]);
  assert.equal(last?.cmd, undefined);
  assert.deepEqual(f.stages[0]?.cmd?.argv, ["php-fpm"], "the parent keeps its CMD");
});

test("parseDockerfile: a CMD after ENTRYPOINT in the same stage is kept", () => {
  const s = stage('FROM php:8.2-fpm\nENTRYPOINT ["tini", "--"]\nCMD ["php-fpm", "-F"]\n');
  assert.deepEqual(s.entrypoint?.argv, ["tini", "--"]);
  assert.deepEqual(s.cmd?.argv, ["php-fpm", "-F"]);
  assert.equal(s.cmd?.form, "exec");
});

test("parseDockerfile: an unparsable JSON CMD is shell form", () => {
  const s = stage('FROM php:8.2-fpm\nCMD ["php-fpm", -F]\n');
  assert.equal(s.cmd?.form, "shell");
  assert.equal(s.cmd?.argv[0], "/bin/sh");
});

test("parseDockerfile: RUN apt-get install -y php8.2-fpm installs fpm", () => {
  const s = stage("FROM debian:bookworm\nRUN apt-get update && apt-get install -y php8.2-fpm\n");
  assert.deepEqual(
    s.installs.map((i) => [i.server, i.loc.line]),
    [["fpm", 2]],
  );
});

test("parseDockerfile: apk add nginx installs nginx", () => {
  assert.deepEqual(
    stage("FROM alpine:3.20\nRUN apk add --no-cache nginx\n").installs.map((i) => i.server),
    ["nginx"],
  );
});

test("parseDockerfile: apk add php83-fpm installs fpm", () => {
  assert.deepEqual(
    stage("FROM alpine:3.20\nRUN apk add php83-fpm\n").installs.map((i) => i.server),
    ["fpm"],
  );
});

test("parseDockerfile: an install over continuation lines finds both servers", () => {
  const s = stage("FROM debian\nRUN apt-get install -y \\\n  php8.2-fpm \\\n  nginx\n");
  assert.deepEqual(
    s.installs.map((i) => [i.server, i.loc.line]),
    [
      ["fpm", 2],
      ["nginx", 2],
    ],
  );
});

test("parseDockerfile: php8.2-cli and php8.2-fpm-dev are not php-fpm, nginx-common is not nginx", () => {
  assert.deepEqual(stage("FROM debian\nRUN apt-get install -y php8.2-cli nginx-common\n").installs, []);
});

test("parseDockerfile: installs carry over FROM an earlier stage", () => {
  const f = parseDockerfile("Dockerfile", "FROM debian AS a\nRUN apt-get install -y nginx\nFROM a\n");
  assert.deepEqual(
    f.stages.at(-1)?.installs.map((i) => i.server),
    ["nginx"],
  );
});

test('parseDockerfile: ENV A=1 B="x y" sets both', () => {
  assert.deepEqual(stage('FROM alpine\nENV A=1 B="x y"\n').env, { A: "1", B: "x y" });
});

test("parseDockerfile: the legacy ENV A 1 form, also with spaces in the value", () => {
  assert.deepEqual(stage("FROM alpine\nENV A 1\nENV D two words\n").env, { A: "1", D: "two words" });
});

test("parseDockerfile: ENV values holding `=` and single quotes", () => {
  assert.deepEqual(stage("FROM alpine\nENV A=\"x=y\" B='z'\n").env, { A: "x=y", B: "z" });
});

test("parseDockerfile: a later ENV overrides an earlier one", () => {
  assert.deepEqual(stage("FROM alpine\nENV A=1\nENV A=2\n").env, { A: "2" });
});

test("parseDockerfile: no FROM is a problem; an instruction before FROM is one too", () => {
  assert.match(
    parseDockerfile("x", "RUN echo\n").problems[0]?.message ?? "",
    /no FROM|before the first FROM/,
  );
  const f = parseDockerfile("x", "ENV A=1\nFROM alpine\n");
  assert.equal(f.stages.length, 1);
  assert.match(f.problems[0]?.message ?? "", /ENV before the first FROM/);
});

// ---- DockerfileIndex.pathWords ------------------------------------------------------------------------

const WORDS: [string, string[]][] = [
  ["docker/php/8.3/Dockerfile", ["php", "8.3"]],
  ["lagoon/php.dockerfile", ["lagoon", "php"]],
  [".docker/Dockerfile.fpm", ["fpm"]],
  ["build/nginx/Dockerfile", ["nginx"]],
  ["Dockerfile-nginx", ["nginx"]],
  ["base/fpm.Dockerfile", ["base", "fpm"]],
  ["deploy/k8s/images/worker/Dockerfile", ["worker"]],
  ["app/Containerfile", []],
];

for (const [path, expected] of WORDS) {
  test(`DockerfileIndex.pathWords: ${path} → [${expected.join(", ")}]`, () => {
    const { index, facts } = indexOf({ [path]: "FROM alpine\n" });
    assert.deepEqual(index.pathWords(facts.get(path) as DockerfileFacts), expected);
  });
}

test("DockerfileIndex.pathWords: words are relative to the inputs' common folder, wherever it is", () => {
  const here = indexOf({ "docker/php/Dockerfile": "FROM alpine\n" });
  const facts = parseDockerfile("/srv/checkout/docker/php/Dockerfile", "FROM alpine\n");
  const there = new DockerfileIndex([facts], [facts.file, "/srv/checkout/k8s/app.yaml"]);
  assert.deepEqual(
    there.pathWords(facts),
    here.index.pathWords(here.facts.get("docker/php/Dockerfile") as DockerfileFacts),
  );
  assert.deepEqual(there.pathWords(facts), ["php"]);
});

// ---- byImageName --------------------------------------------------------------------------------------

test("DockerfileIndex.byImageName: shop/fpm:1.4 matched by two paths naming fpm returns both", () => {
  const { index } = indexOf({
    "docker/fpm/Dockerfile": "FROM php:8.3-fpm\n",
    "shop/fpm/Dockerfile": "FROM php:8.3-fpm\n",
    "docker/nginx/Dockerfile": "FROM nginx\n",
  });
  assert.deepEqual(
    index.byImageName("registry.example.com/shop/fpm:1.4").map((d) => d.file),
    ["docker/fpm/Dockerfile", "shop/fpm/Dockerfile"],
  );
});

test("DockerfileIndex.byImageName: a registry with a port and a digest still reads the last name", () => {
  const { index } = indexOf({
    "docker/fpm/Dockerfile": "FROM php:8.3-fpm\n",
    "docker/nginx/Dockerfile": "FROM nginx\n",
  });
  assert.deepEqual(
    index.byImageName(`registry.example.com:5000/shop/nginx:1.4@sha256:${"c".repeat(64)}`).map((d) => d.file),
    ["docker/nginx/Dockerfile"],
  );
  assert.equal(lastNameComponent("registry.example.com:5000/shop/FPM:1.4@sha256:x"), "fpm");
});

test("DockerfileIndex.byImageName: the tag breaks a tie (base:8.3-fpm → base/fpm.Dockerfile)", () => {
  const { index } = indexOf({
    "base/fpm.Dockerfile": "FROM php:8.3-fpm\n",
    "base/cli.Dockerfile": "FROM php:8.3-cli\n",
  });
  assert.deepEqual(
    index.byImageName("myorg/base:8.3-fpm").map((d) => d.file),
    ["base/fpm.Dockerfile"],
  );
  assert.deepEqual(
    index.byImageName("myorg/base:8.3-cli").map((d) => d.file),
    ["base/cli.Dockerfile"],
  );
  assert.deepEqual(
    index.byImageName("myorg/base:8.3").map((d) => d.file),
    ["base/cli.Dockerfile", "base/fpm.Dockerfile"],
    "no tag word: still a tie",
  );
});

test("DockerfileIndex.byImageName: a dash-separated part matches when the whole name does not", () => {
  const { index } = indexOf({
    "docker/php/Dockerfile": "FROM php:8.3-fpm\n",
    "docker/nginx/Dockerfile": "FROM nginx\n",
  });
  assert.deepEqual(
    index.byImageName("ghcr.io/acme/shop-php:3").map((d) => d.file),
    ["docker/php/Dockerfile"],
  );
});

test("DockerfileIndex.byImageName: a name no path or stage holds matches nothing", () => {
  const { index } = indexOf({ "docker/php/Dockerfile": "FROM php:8.3-fpm\n" });
  assert.deepEqual(index.byImageName("ghcr.io/acme/redis:7"), []);
  assert.deepEqual(index.byImageName(""), []);
});

test("DockerfileIndex.byImageName: a stage name matches below a path word", () => {
  const { index } = indexOf({
    Dockerfile: "FROM php:8.3-fpm AS php_prod\nFROM caddy:2 AS caddy_prod\n",
    "docker/caddy/Dockerfile": "FROM caddy:2\n",
  });
  assert.deepEqual(
    index.byImageName("ghcr.io/acme/caddy:1").map((d) => d.file),
    ["docker/caddy/Dockerfile"],
    "the path (score 4) over a stage (3)",
  );
  assert.deepEqual(
    index.byImageName("ghcr.io/acme/php:1").map((d) => d.file),
    ["Dockerfile"],
  );
});

test("DockerfileIndex.byImageName: the excluded Dockerfile is not returned", () => {
  const { index, facts } = indexOf({ "docker/fpm/Dockerfile": "FROM php:8.3-fpm\n" });
  assert.deepEqual(index.byImageName("acme/fpm:1", facts.get("docker/fpm/Dockerfile")), []);
});

test("DockerfileIndex: files are sorted by path whatever the order given", () => {
  const a = parseDockerfile("b/Dockerfile", "FROM alpine\n");
  const b = parseDockerfile("a/Dockerfile", "FROM alpine\n");
  assert.deepEqual(
    new DockerfileIndex([a, b], []).files.map((d) => d.file),
    ["a/Dockerfile", "b/Dockerfile"],
  );
});

// ---- chooseStage / stageNamed / stageRole -------------------------------------------------------------

const SYMFONY = `FROM php:8.3-fpm-alpine AS php_base
RUN echo base
FROM php_base AS php_dev
FROM php_base AS php_prod
STOPSIGNAL SIGQUIT
FROM caddy:2 AS caddy_base
FROM caddy_base AS caddy_prod
`;

test("DockerfileIndex.chooseStage: final stage caddy, php stages before it → the php prod stage for fpm", () => {
  const { index, facts } = indexOf({ Dockerfile: SYMFONY });
  const choice = index.chooseStage(facts.get("Dockerfile") as DockerfileFacts, "fpm");
  assert.ok(choice && "stage" in choice, JSON.stringify(choice));
  assert.equal(choice.stage.name, "php_prod");
  assert.match(choice.why, /production fpm stage/);
});

test("DockerfileIndex.chooseStage: a worker takes the php-fpm prod stage too", () => {
  const { index, facts } = indexOf({ Dockerfile: SYMFONY });
  const choice = index.chooseStage(facts.get("Dockerfile") as DockerfileFacts, "worker");
  assert.ok(choice && "stage" in choice);
  assert.equal(choice.stage.name, "php_prod");
});

test("DockerfileIndex.chooseStage: no role, or a role no stage builds → the last stage", () => {
  const { index, facts } = indexOf({ Dockerfile: SYMFONY });
  const f = facts.get("Dockerfile") as DockerfileFacts;
  for (const role of [undefined, "nginx", "other"] as const) {
    const choice = index.chooseStage(f, role);
    assert.ok(choice && "stage" in choice, String(role));
    assert.equal(choice.stage.name, "caddy_prod", String(role));
    assert.equal(choice.why, "its last stage");
  }
});

test("DockerfileIndex.chooseStage: the last stage when it fits the role", () => {
  const { index, facts } = indexOf({ Dockerfile: "FROM node:20 AS assets\nFROM php:8.3-fpm AS app\n" });
  const choice = index.chooseStage(facts.get("Dockerfile") as DockerfileFacts, "fpm");
  assert.ok(choice && "stage" in choice);
  assert.equal(choice.stage.name, "app");
  assert.equal(choice.why, "its last stage");
});

test("DockerfileIndex.chooseStage: an explicit target, by name (any case) or index", () => {
  const { index, facts } = indexOf({ Dockerfile: SYMFONY });
  const f = facts.get("Dockerfile") as DockerfileFacts;
  const named = index.chooseStage(f, "fpm", "PHP_DEV");
  assert.ok(named && "stage" in named);
  assert.equal(named.stage.name, "php_dev");
  assert.match(named.why, /as asked/);
  const byIndex = index.chooseStage(f, "fpm", "0");
  assert.ok(byIndex && "stage" in byIndex);
  assert.equal(byIndex.stage.name, "php_base");
  assert.equal(index.chooseStage(f, "fpm", "nope"), undefined, "a target that is no stage");
});

test("DockerfileIndex.chooseStage: two production php-fpm leaves are candidates, not a coin toss", () => {
  const { index, facts } = indexOf({
    Dockerfile: "FROM php:8.3-fpm AS a_prod\nFROM php:8.3-fpm AS b_prod\nFROM caddy\n",
  });
  const choice = index.chooseStage(facts.get("Dockerfile") as DockerfileFacts, "fpm");
  assert.ok(choice && "candidates" in choice, JSON.stringify(choice));
  assert.deepEqual(
    choice.candidates.map((s) => s.name),
    ["a_prod", "b_prod"],
  );
});

test("DockerfileIndex.stageNamed: the leaf stage named for the image", () => {
  const { index, facts } = indexOf({ Dockerfile: SYMFONY });
  const f = facts.get("Dockerfile") as DockerfileFacts;
  assert.equal(index.stageNamed(f, "ghcr.io/acme/app/caddy:1"), "caddy_prod");
  assert.equal(index.stageNamed(f, "ghcr.io/acme/app/php:1"), "php_prod");
  assert.equal(index.stageNamed(f, "ghcr.io/acme/app/redis:1"), undefined);
});

test("DockerfileIndex.stageRole: own CMD, then installs, then the base image", () => {
  const { index, facts } = indexOf({
    "a/Dockerfile": 'FROM php:8.3-fpm\nCMD ["php", "artisan", "queue:work"]\n',
    "b/Dockerfile": "FROM debian:bookworm-slim\nRUN apt-get install -y nginx\n",
    "c/Dockerfile": "FROM php:8.3-fpm\n",
    "d/Dockerfile": "FROM golang:1.22\n",
  });
  const role = (p: string) => {
    const f = facts.get(p) as DockerfileFacts;
    return index.stageRole(f, f.stages.at(-1) as DockerStage);
  };
  assert.equal(role("a/Dockerfile")?.role, "worker");
  assert.equal(role("b/Dockerfile")?.role, "nginx");
  assert.match(role("b/Dockerfile")?.reason ?? "", /b\/Dockerfile:2 installs nginx/);
  assert.equal(role("c/Dockerfile")?.role, "fpm");
  assert.equal(role("d/Dockerfile"), undefined);
});

test("DockerfileIndex.stageRole: a base built by another Dockerfile of the inputs lends its role", () => {
  const { index, facts } = indexOf({
    "docker/php-base/Dockerfile": "FROM php:8.3-fpm-alpine\n",
    "docker/shop/Dockerfile": "FROM registry.example.com/acme/php-base:1\n",
  });
  const f = facts.get("docker/shop/Dockerfile") as DockerfileFacts;
  const role = index.stageRole(f, f.stages[0] as DockerStage);
  assert.equal(role?.role, "fpm");
  assert.match(role?.reason ?? "", /docker\/php-base\/Dockerfile/);
});

test("DockerfileIndex.stageRole: Dockerfiles FROM each other do not loop", () => {
  const { index, facts } = indexOf({
    "docker/alpha/Dockerfile": "FROM acme/beta:1\n",
    "docker/beta/Dockerfile": "FROM acme/alpha:1\n",
  });
  const f = facts.get("docker/alpha/Dockerfile") as DockerfileFacts;
  assert.equal(index.stageRole(f, f.stages[0] as DockerStage), undefined);
});

test("DockerfileIndex.parentOf: an unresolved FROM has no parent among the inputs", () => {
  const { index, facts } = indexOf({
    "docker/php/Dockerfile": "FROM php:8.3-fpm\n",
    "docker/shop/Dockerfile": `ARG BASE\nFROM acme/\${BASE}php:1\n`,
  });
  const f = facts.get("docker/shop/Dockerfile") as DockerfileFacts;
  assert.equal(index.parentOf(f, f.stages[0] as DockerStage), undefined);
});

// ---- bugs found ---------------------------------------------------------------------------------------

test("parseDockerfile: a php-fpm image whose pool runs as user nginx does not install nginx", () => {
  const text =
    "FROM alpine:3.20\nRUN apk add --no-cache php83-fpm && sed -i 's/user = nobody/user = nginx/' /etc/php83/php-fpm.d/www.conf\n";
  assert.deepEqual(
    stage(text).installs.map((i) => i.server),
    ["fpm"],
  );
  const { index, facts } = indexOf({ Dockerfile: text });
  const f = facts.get("Dockerfile") as DockerfileFacts;
  assert.equal(index.stageRole(f, f.stages[0] as DockerStage)?.role, "fpm");
});

test("parseDockerfile: apt-get install -y nginx-extras installs nginx", () => {
  assert.deepEqual(
    stage("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y nginx-extras\n").installs.map(
      (i) => i.server,
    ),
    ["nginx"],
  );
});
