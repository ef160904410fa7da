import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { FORMATTERS } from "../../src/report/index.js";
import { parseDockerfile } from "../../src/sources/dockerfile.js";
import { decodeSource, type SourceFile, type SourceKind } from "../../src/sources/files.js";
import { fileLines, parseIni } from "../../src/sources/ini.js";
import { parseManifests } from "../../src/sources/kubernetes.js";
import { parseNginxConf } from "../../src/sources/nginx-conf.js";
import { assertLocated, holds } from "./support.js";

const options = { assumptions: DEFAULT_ASSUMPTIONS };

/** Text made of the pieces a format is built from, in any order and indentation, with noise between. */
function textOf(fragments: string[], maxPieces = 60): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fragments) },
    { weight: 2, arbitrary: fc.constantFrom("\n", "\n", "\r\n", " ", "  ", "    ", "\t", "- ", ": ") },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: "binary" }) },
  );
  return fc.array(piece, { maxLength: maxPieces }).map((pieces) => pieces.join(""));
}

/** Lines of fragments at random indentation: closer to real files than a free mix. */
function linesOf(fragments: string[]): fc.Arbitrary<string> {
  const line = fc
    .tuple(
      fc.constantFrom("", "", "  ", "    ", "      ", "\t", " \t"),
      fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 3 }),
    )
    .map(([indent, parts]) => indent + parts.join(" "));
  return fc
    .tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom("\n", "\r\n"))
    .map(([lines, eol]) => lines.join(eol));
}

const YAML_FRAGMENTS = [
  "---",
  "...",
  "apiVersion: apps/v1",
  "apiVersion: v1",
  "kind: Deployment",
  "kind: ConfigMap",
  "kind: List",
  "kind: PodDisruptionBudget",
  "kind: CronJob",
  "items:",
  "metadata:",
  "name: app",
  "namespace: shop",
  "annotations:",
  "fpm-graceful.io/ignore: all",
  "spec:",
  "template:",
  "jobTemplate:",
  "containers:",
  "initContainers:",
  "restartPolicy: Always",
  "- name: php-fpm",
  "- name: nginx",
  "image: php:8.2-fpm",
  "image: nginx:1.25",
  "command: [sh, -c, 'php-fpm -F']",
  "lifecycle:",
  "preStop:",
  "stopSignal: SIGQUIT",
  "sleep:",
  "seconds: 10",
  "seconds: -1",
  'seconds: "30s"',
  "exec:",
  'command: ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]',
  "httpGet: {path: /, port: 80}",
  "terminationGracePeriodSeconds: 30",
  "terminationGracePeriodSeconds: 30s",
  "replicas: 3",
  "strategy: {type: Recreate}",
  "volumeMounts: [{name: c, mountPath: /usr/local/etc/php-fpm.d/x.conf, subPath: x.conf}]",
  "volumes: [{name: c, configMap: {name: fpm}}]",
  "data:",
  "x.conf: |",
  "[global]",
  "process_control_timeout = 30s",
  "&a",
  "*a",
  "&anchor {a: 1}",
  "<<: *anchor",
  "*anchor",
  "[*a, *a, *a]",
  "!!str",
  "!!binary",
  "!custom",
  "%YAML 1.2",
  "%TAG ! tag:example.com,2000:",
  "? complex key",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "-",
  "|",
  "|-",
  ">+",
  "|2",
  '"',
  "'",
  "# comment",
  "# Source: chart/templates/deployment.yaml",
  "null",
  "~",
  "0x1F",
  "1e400",
  ".inf",
  "-.nan",
  "true",
  '"\\u0000"',
  "\uFEFF",
  "\u2028",
];

test("property: parseManifests never throws, on arbitrary strings and on YAML-ish text", () => {
  holds(
    "parseManifests never throws",
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 100, unit: "binary" }),
        textOf(YAML_FRAGMENTS),
        linesOf(YAML_FRAGMENTS),
      ),
      (text) => {
        const { objects, problems } = parseManifests("m.yaml", text);
        assertLocated("problem", problems, ["m.yaml"]);
        assert.ok(Array.isArray(objects));
      },
    ),
    1500,
  );
});

test("property: check never throws on YAML-ish manifests, locates every problem and finding, and every format renders", () => {
  holds(
    "check never throws on YAML-ish manifests",
    fc.property(linesOf(YAML_FRAGMENTS), (text) => {
      const file: SourceFile = { path: "m.yaml", kind: "kubernetes", text };
      const result = checkSources([file], options);
      assertLocated("problem", result.problems, ["m.yaml"]);
      assertLocated("finding", result.findings, ["m.yaml"]);
      for (const format of Object.values(FORMATTERS)) assert.equal(typeof format(result, false), "string");
    }),
    600,
  );
});

const DOCKERFILE_FRAGMENTS = [
  "FROM php:8.2-fpm",
  "FROM php:8.3-fpm-alpine AS base",
  "FROM base",
  "FROM --platform=$BUILDPLATFORM node:20 AS assets",
  "FROM scratch",
  "ARG PHP=8.2",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a template
  "FROM php:${PHP}-fpm",
  "STOPSIGNAL SIGQUIT",
  "STOPSIGNAL SIGTERM",
  "STOPSIGNAL 3",
  "STOPSIGNAL",
  'ENTRYPOINT ["docker-php-entrypoint"]',
  'CMD ["php-fpm"]',
  "CMD php-fpm -F",
  'CMD ["sh", "-c", "php-fpm -F"]',
  'CMD ["unterminated',
  "ENTRYPOINT []",
  'RUN echo "process_control_timeout=5s" >> /usr/local/etc/php/conf.d/graceful.ini',
  "RUN printf '[global]\\nprocess_control_timeout = 30s\\n' > /usr/local/etc/php-fpm.d/zz.conf",
  "RUN { echo '[global]'; echo 'process_control_timeout = 10'; } > /usr/local/etc/php-fpm.d/zz.conf",
  "RUN echo request_terminate_timeout=60s >> /usr/local/etc/php-fpm.d/www.conf",
  "COPY php-fpm.conf /usr/local/etc/php-fpm.d/",
  "COPY --from=assets /app /app",
  "RUN <<EOF",
  "EOF",
  "\\",
  "&&",
  "# syntax=docker/dockerfile:1",
  "# escape=`",
  "`",
  "#",
  "WORKDIR /app",
  "ONBUILD RUN x",
  "HEALTHCHECK CMD curl -f http://localhost/",
];

test("property: parseDockerfile never throws and locates its problems", () => {
  holds(
    "parseDockerfile never throws",
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), linesOf(DOCKERFILE_FRAGMENTS)), (text) => {
      const facts = parseDockerfile("Dockerfile", text);
      assertLocated(
        "problem",
        facts.problems.map((p) => p.loc),
        ["Dockerfile"],
      );
    }),
    1500,
  );
});

const INI_FRAGMENTS = [
  "[global]",
  "[www]",
  "[PHP]",
  "[",
  "]",
  "[global] ; comment",
  "process_control_timeout = 30s",
  "process_control_timeout=5",
  "process_control_timeout = 1m",
  "process_control_timeout = -1",
  "process_control_timeout = 99999999999999999999d",
  'process_control_timeout = "10s"',
  "request_terminate_timeout = 60",
  "max_execution_time = 30",
  "include = /etc/php-fpm.d/*.conf",
  "pm = dynamic",
  "=",
  "= value",
  "key =",
  "; comment",
  "# comment",
  "\uFEFF",
  '"',
  "'",
];

const NGINX_FRAGMENTS = [
  "server {",
  "http {",
  "location ~ \\.php$ {",
  "upstream php {",
  "}",
  "{",
  ";",
  "listen 8080;",
  "fastcgi_pass 127.0.0.1:9000;",
  "fastcgi_pass unix:/run/php-fpm.sock;",
  "fastcgi_read_timeout 60s;",
  "fastcgi_read_timeout 1m;",
  "fastcgi_read_timeout;",
  "worker_shutdown_timeout 30s;",
  "keepalive_timeout 75s 60s;",
  "proxy_pass http://app;",
  "include fastcgi_params;",
  "# comment",
  "'quoted;'",
  '"quoted {"',
];

test("property: parseIni and parseNginxConf never throw and locate what they read", () => {
  const at = fileLines("x.conf");
  holds(
    "parseIni and parseNginxConf never throw",
    fc.property(
      fc.oneof(fc.string({ maxLength: 200 }), linesOf(INI_FRAGMENTS), linesOf(NGINX_FRAGMENTS)),
      (text) => {
        const ini = parseIni(text, at);
        assertLocated(
          "ini entry",
          [...ini.entries, ...ini.sections, ...ini.problems].map((e) => e.loc),
          ["x.conf"],
        );
        assertLocated(
          "nginx directive",
          parseNginxConf(text, at).map((d) => d.loc),
          ["x.conf"],
        );
      },
    ),
    1500,
  );
});

const KINDS: (SourceKind | "conf" | undefined)[] = [
  "kubernetes",
  "dockerfile",
  "fpm-conf",
  "php-ini",
  "nginx-conf",
  "conf",
  undefined,
];

/** Bytes as they come off a disk: BOMs, UTF-16 of real text, invalid UTF-8, NULs, or text of a known format. */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(
      fc.constantFrom([], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]),
      fc.uint8Array({ maxLength: 200 }),
    )
    .map(([bom, rest]) => Uint8Array.from([...bom, ...rest])),
  fc
    .tuple(
      fc.constantFrom("utf16le", "utf8", "latin1") as fc.Arbitrary<BufferEncoding>,
      linesOf(YAML_FRAGMENTS),
    )
    .map(([encoding, text]) =>
      encoding === "utf16le"
        ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])
        : Buffer.from(text, encoding),
    ),
  fc
    .oneof(linesOf(DOCKERFILE_FRAGMENTS), linesOf(INI_FRAGMENTS), linesOf(NGINX_FRAGMENTS))
    .map((text) => Buffer.from(text)),
);

test("property: decodeSource never throws on any bytes, and what it decodes checks without throwing", () => {
  holds(
    "decodeSource never throws",
    fc.property(bytesArb, fc.constantFrom(...KINDS), fc.boolean(), (bytes, kind, explicit) => {
      const decoded = decodeSource("input", Buffer.from(bytes), kind, explicit);
      if (decoded === undefined) {
        assert.equal(explicit, false, "a file named explicitly is read or is a problem");
        return;
      }
      if ("code" in decoded) {
        assertLocated("problem", [decoded], ["input"]);
        return;
      }
      assert.equal(typeof decoded.text, "string");
      const result = checkSources([decoded], options);
      assertLocated("problem", result.problems, ["input"]);
      assertLocated("finding", result.findings, ["input"]);
    }),
    1500,
  );
});
