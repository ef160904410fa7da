import assert from "node:assert/strict";
import { test } from "node:test";
import { imageKnowledge, imageName, lookupImage } from "../../src/model/identity/images.js";
import { KNOWN_IMAGES, REGISTRY_MIRRORS } from "../../src/model/identity/known-images.js";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

// ---- imageName ----------------------------------------------------------------------------------------

const NAMES: [string, string, { repository: string; tag: string; mirror: string | undefined }][] = [
  ["a bare official name", "php:8.2-fpm", { repository: "php", tag: "8.2-fpm", mirror: undefined }],
  ["no tag means latest", "nginx", { repository: "nginx", tag: "latest", mirror: undefined }],
  [
    "docker.io/library/ removed",
    "docker.io/library/php:8.2-fpm",
    { repository: "php", tag: "8.2-fpm", mirror: "docker.io/library/" },
  ],
  [
    "ECR Public's Docker library mirror removed",
    "public.ecr.aws/docker/library/php:8.2-fpm",
    { repository: "php", tag: "8.2-fpm", mirror: "public.ecr.aws/docker/library/" },
  ],
  [
    "mirror.gcr.io/library/ removed",
    "mirror.gcr.io/library/nginx:1.27",
    { repository: "nginx", tag: "1.27", mirror: "mirror.gcr.io/library/" },
  ],
  [
    "index.docker.io/library/ removed",
    "index.docker.io/library/php:8.2-fpm",
    { repository: "php", tag: "8.2-fpm", mirror: "index.docker.io/library/" },
  ],
  [
    "index.docker.io/ alone removed",
    "index.docker.io/php:8.2-fpm",
    { repository: "php", tag: "8.2-fpm", mirror: "index.docker.io/" },
  ],
  [
    "docker.io/ on a user repository keeps the namespace",
    "docker.io/myorg/app:1",
    { repository: "myorg/app", tag: "1", mirror: "docker.io/" },
  ],
  [
    "a digest after a tag is dropped",
    `php:8.2-fpm@${DIGEST_B}`,
    { repository: "php", tag: "8.2-fpm", mirror: undefined },
  ],
  [
    "a digest alone: the tag is unknown",
    `php@${DIGEST_A}`,
    { repository: "php", tag: "", mirror: undefined },
  ],
  [
    "a registry port is not a tag",
    "registry.local:5000/php:8.2-fpm",
    { repository: "registry.local:5000/php", tag: "8.2-fpm", mirror: undefined },
  ],
  [
    "a registry port without a tag",
    "registry.local:5000/php",
    { repository: "registry.local:5000/php", tag: "latest", mirror: undefined },
  ],
  ["the repository is lower-cased", "Php:8.2-fpm", { repository: "php", tag: "8.2-fpm", mirror: undefined }],
  [
    "an upper-case mirror prefix is still removed",
    "Docker.IO/Library/PHP:8.2-fpm",
    { repository: "php", tag: "8.2-fpm", mirror: "docker.io/library/" },
  ],
  [
    "surrounding spaces are ignored",
    "  nginx:1.27  ",
    { repository: "nginx", tag: "1.27", mirror: undefined },
  ],
];

for (const [name, reference, expected] of NAMES) {
  test(`imageName: ${name} (${reference.slice(0, 50)})`, () => {
    assert.deepEqual(imageName(reference), expected);
  });
}

// ---- lookupImage / imageKnowledge ---------------------------------------------------------------------

interface Expect {
  known: boolean;
  role?: string;
  stopSignal?: string;
  shell?: string;
}

const KNOWLEDGE: [string, string, Expect][] = [
  // wodby/php: FROM php:*-fpm-alpine, PID 1 sudo relaying the stop signal (the held-out wodby/charts php-fpm)
  [
    "wodby/php:latest via docker.io/",
    "docker.io/wodby/php:latest",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "busybox" },
  ],
  ["wodby/php:8.4-4.62.1", "wodby/php:8.4-4.62.1", { known: true, role: "fpm", stopSignal: "SIGQUIT" }],
  ["wodby/php:7.4 (another Dockerfile, not read)", "wodby/php:7.4", { known: false }],
  ["official php-fpm", "php:8.2-fpm", { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" }],
  [
    "official php-fpm via docker.io/library/",
    "docker.io/library/php:8.2-fpm",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "official php-fpm via ECR Public",
    "public.ecr.aws/docker/library/php:8.2-fpm",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "official php-fpm via index.docker.io",
    "index.docker.io/library/php:8.2-fpm",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "official nginx via mirror.gcr.io",
    "mirror.gcr.io/library/nginx:1.27",
    { known: true, role: "nginx", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "php-fpm pinned by tag and digest",
    `php:8.2-fpm@${DIGEST_B}`,
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "php-fpm on Alpine",
    "php:8.3-fpm-alpine",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "busybox" },
  ],
  [
    "php-fpm with an upper-case repository",
    "PHP:8.2-fpm",
    { known: true, role: "fpm", stopSignal: "SIGQUIT" },
  ],
  [
    "php 7.0 fpm: end of life before STOPSIGNAL SIGQUIT",
    "php:7.0-fpm",
    { known: true, role: "fpm", stopSignal: "SIGTERM", shell: "dash" },
  ],
  [
    "php cli is not a server",
    "php:8.2-cli",
    { known: true, role: "other", stopSignal: "SIGTERM", shell: "dash" },
  ],
  ["php apache (mod_php)", "php:8.2-apache", { known: true, role: "other", stopSignal: "SIGWINCH" }],
  [
    "a private registry with a port is not the official php",
    "registry.local:5000/php:8.2-fpm",
    { known: false },
  ],
  ["localhost:5000/php is not the official php", "localhost:5000/php:8.2-fpm", { known: false }],
  ["ghcr.io/foo/php is not the official php", "ghcr.io/foo/php:8.2-fpm", { known: false }],
  [`an unexpanded \${IMAGE} is unknown`, `\${IMAGE}`, { known: false }],
  ["an unexpanded $IMAGE is unknown", "$IMAGE", { known: false }],
  [`an unexpanded tag php:\${TAG} is unknown`, `php:\${TAG}`, { known: false }],
  ["an empty reference is unknown", "", { known: false }],
  [
    "nextcloud fpm-alpine inherits php's SIGQUIT, busybox",
    "nextcloud:29-fpm-alpine",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "busybox" },
  ],
  [
    "wordpress fpm inherits php's SIGQUIT, dash",
    "wordpress:6-fpm",
    { known: true, role: "fpm", stopSignal: "SIGQUIT", shell: "dash" },
  ],
  [
    "wordpress apache is no php-fpm",
    "wordpress:6-apache",
    { known: true, role: "other", stopSignal: "SIGWINCH", shell: "dash" },
  ],
  [
    "nginx-unprivileged alpine",
    "nginxinc/nginx-unprivileged:1.27-alpine",
    { known: true, role: "nginx", stopSignal: "SIGQUIT", shell: "busybox" },
  ],
  ["an unknown myorg/app", "myorg/app:1", { known: false }],
  ["an unknown myorg/app via docker.io", "docker.io/myorg/app:1", { known: false }],
];

for (const [name, reference, expected] of KNOWLEDGE) {
  test(`imageKnowledge: ${name} (${reference || "empty"})`, () => {
    const k = imageKnowledge(reference);
    assert.equal(k.known, expected.known, k.basis);
    assert.equal(lookupImage(reference) !== undefined, expected.known, "lookupImage agrees");
    if (!expected.known) {
      assert.equal(k.role, undefined);
      assert.equal(k.stopSignal, undefined, "no stop signal for an unknown image");
      assert.equal(k.shell, undefined);
      assert.equal(k.defaultArgv, undefined);
      assert.match(k.basis, reference ? /not in the image table/ : /^no image$/);
      return;
    }
    assert.equal(k.role, expected.role);
    if (expected.stopSignal) assert.equal(k.stopSignal?.value, expected.stopSignal);
    if (expected.shell) assert.equal(k.shell?.value, expected.shell);
    assert.ok(k.stopSignal === undefined || k.stopSignal.source.length > 0, "a stop signal names its source");
  });
}

test("imageKnowledge: the basis of a mirrored image names the mirror", () => {
  assert.match(
    imageKnowledge("public.ecr.aws/docker/library/php:8.2-fpm").basis,
    /via public\.ecr\.aws\/docker\/library\//,
  );
  assert.doesNotMatch(imageKnowledge("php:8.2-fpm").basis, / via /);
});

test("imageKnowledge: the official php-fpm runs docker-php-entrypoint php-fpm by default", () => {
  assert.deepEqual(imageKnowledge("php:8.3-fpm").defaultArgv?.value, ["docker-php-entrypoint", "php-fpm"]);
  assert.deepEqual(imageKnowledge("nextcloud:29-fpm-alpine").defaultArgv?.value, [
    "/entrypoint.sh",
    "php-fpm",
  ]);
});

test("lookupImage: the first matching entry wins, an alpine fpm tag is not the Debian one", () => {
  const alpine = lookupImage("php:8.3-fpm-alpine3.20");
  const debian = lookupImage("php:8.3-fpm-bookworm");
  assert.ok(alpine && debian);
  assert.notEqual(alpine.entry, debian.entry);
  assert.equal(alpine.entry.shell?.value, "busybox");
  assert.equal(debian.entry.shell?.value, "dash");
});

// ---- the table itself ---------------------------------------------------------------------------------

const FACT_KEYS = [
  "stopSignal",
  "shell",
  "defaultArgv",
  "fpmConfigDir",
  "processControlTimeout",
  "entrypointExecs",
] as const;

/** `owner/repo:path…` at the start of a source. */
const SOURCE = /^[a-z0-9][\w.-]*\/[\w.-]+:[^\s:]+/i;

KNOWN_IMAGES.forEach((entry, i) => {
  const label = `${String(entry.repository)}${entry.tag ? ` ${String(entry.tag)}` : ""}`;
  test(`KNOWN_IMAGES[${i}] ${label}: a note and anchored patterns`, () => {
    assert.ok(entry.note.trim().length > 10, "a non-empty note");
    if (entry.repository instanceof RegExp) {
      assert.ok(entry.repository.source.startsWith("^"), "repository RegExp anchored at ^");
      assert.ok(entry.repository.source.endsWith("$"), "repository RegExp anchored at $");
    } else {
      assert.equal(entry.repository, entry.repository.toLowerCase(), "a lower-case repository");
      assert.doesNotMatch(entry.repository, /^(docker\.io|library)\//, "no registry prefix");
    }
    assert.ok(["fpm", "nginx", "worker", "other"].includes(entry.role));
  });
  for (const key of FACT_KEYS) {
    const fact = entry[key];
    if (!fact) continue;
    test(`KNOWN_IMAGES[${i}] ${label}: ${key}'s source looks like owner/repo:path`, () => {
      assert.match(fact.source, SOURCE, `${key}.source = ${JSON.stringify(fact.source)}`);
    });
  }
});

test("KNOWN_IMAGES: every entry of a repository after a catch-all (no tag) is unreachable: there is none", () => {
  KNOWN_IMAGES.forEach((entry, i) => {
    if (entry.tag !== undefined) return;
    for (const later of KNOWN_IMAGES.slice(i + 1)) {
      if (typeof entry.repository === "string" && typeof later.repository === "string")
        assert.notEqual(
          later.repository,
          entry.repository,
          `${later.repository} ${later.tag} is shadowed by entry ${i}`,
        );
    }
  });
});

test("REGISTRY_MIRRORS: no prefix comes before a longer prefix that starts with it", () => {
  REGISTRY_MIRRORS.forEach((m, i) => {
    for (const later of REGISTRY_MIRRORS.slice(i + 1))
      assert.ok(!later.prefix.startsWith(m.prefix), `${m.prefix} shadows ${later.prefix}`);
  });
});

test("REGISTRY_MIRRORS: every mirror ends in / and names its source", () => {
  for (const m of REGISTRY_MIRRORS) {
    assert.match(m.prefix, /\/$/);
    assert.ok(m.source.length > 10, m.prefix);
  }
});

// ---- bugs found ---------------------------------------------------------------------------------------

test("imageKnowledge: php@sha256:… (a digest, tag unknown) is not claimed as php:latest's cli", () => {
  const k = imageKnowledge(`php@${DIGEST_A}`);
  assert.equal(k.stopSignal, undefined, `${k.basis}: the digest may be any php tag, php-fpm's among them`);
});

test("imageKnowledge: an upper-case tag PHP:8.2-FPM is not claimed as the cli image", () => {
  const k = imageKnowledge("PHP:8.2-FPM");
  assert.notEqual(k.role, "other", k.basis);
});
