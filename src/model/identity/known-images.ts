import type { ContainerRole, ImageShell, Signal } from "../types.js";

/**
 * The image table: what the tool knows about public images from their Dockerfiles, so that a manifest naming
 * `php:8.3-fpm` or `uselagoon/php-8.3-fpm` can be checked without the user's Dockerfile. Every fact names the
 * file it was read from (docs/IMAGES.md explains the table and how to add an image). Facts that could not be
 * read are left out: the tool then says "unknown" and findings resting on them are warnings.
 *
 * Docker keeps STOPSIGNAL, ENTRYPOINT and CMD across FROM (setting ENTRYPOINT in a child resets an inherited
 * CMD), so a derived image's facts name both its own Dockerfile (its FROM line) and the base's.
 */

/** One fact about an image, with the Dockerfile (or file in the same repository) it was read from. */
export interface ImageFact<T> {
  value: T;
  /** `owner/repo:path` of the file the fact was read from; several joined with " + " for inherited facts. */
  source: string;
}

/** An image the tool knows, matched on the repository after mirror prefixes are removed. */
export interface KnownImageEntry {
  /** Canonical repository without registry or `library/`: `php`, `nginx`, `uselagoon/php-8.3-fpm`. A RegExp must be anchored (^…$). */
  repository: string | RegExp;
  /** The tags this entry covers (undefined: every tag). Entries are tried in order; the first whose repository and tag match wins, so put narrower entries (e.g. alpine tags) first. */
  tag?: RegExp;
  /** What the image runs by default. */
  role: ContainerRole;
  stopSignal?: ImageFact<Signal>;
  /** /bin/sh: dash (Debian/Ubuntu), busybox (Alpine), bash. */
  shell?: ImageFact<Exclude<ImageShell, "unknown">>;
  /** ENTRYPOINT + CMD as Docker runs them when the manifest sets neither. */
  defaultArgv?: ImageFact<string[]>;
  /** Directory whose *.conf php-fpm includes (php-fpm only). */
  fpmConfigDir?: ImageFact<string>;
  /** process_control_timeout the image's own fpm config sets in [global] (php-fpm only), as written, e.g. "30s". */
  processControlTimeout?: ImageFact<string>;
  /**
   * Where the server listens by default: php-fpm's pool `listen` and the file in `fpmConfigDir` that sets
   * it (`zz-docker.conf`, read after a user's `www.conf`), or nginx's `listen` and its config file.
   */
  listen?: ImageFact<{ file: string; value: string }>;
  /** Whether the default entrypoint script ends by exec'ing its arguments (so PID 1 becomes php-fpm/nginx): read it in the script. */
  entrypointExecs?: ImageFact<boolean>;
  /**
   * The image's PID 1 (a process supervisor under its default ENTRYPOINT) ignores the image's own stop
   * signal: the value names it. Nothing then stops until SIGKILL at the end of the grace period.
   */
  pid1IgnoresStopSignal?: ImageFact<string>;
  /** One line for the docs: what the image is and what it is built on. */
  note: string;
}

/** Registry prefixes that serve the same images as Docker Hub (or another repository). Longest prefix first. */
export interface RegistryMirror {
  /** e.g. `public.ecr.aws/docker/library/` */
  prefix: string;
  /** What it is replaced with before matching: "" for Docker Hub official images, or e.g. "nginx/" */
  replacement: string;
  source: string;
}

// Sources read more than once. docker-library/php builds every fpm variant from one template
// (Dockerfile-linux.template); the paths name one generated Dockerfile per base.
const PHP_FPM_DEBIAN = "docker-library/php:8.2/bookworm/fpm/Dockerfile";
const PHP_FPM_ALPINE = "docker-library/php:8.3/alpine3.24/fpm/Dockerfile";
const PHP_APACHE = "docker-library/php:8.2/bookworm/apache/Dockerfile";
const PHP_CLI_DEBIAN = "docker-library/php:8.2/bookworm/cli/Dockerfile";
const PHP_CLI_ALPINE = "docker-library/php:8.3/alpine3.24/cli/Dockerfile";
const PHP_ENTRYPOINT = "docker-library/php:8.2/bookworm/fpm/docker-php-entrypoint";
const NGINX_DEBIAN = "nginxinc/docker-nginx:mainline/debian/Dockerfile";
const NGINX_ALPINE =
  "nginxinc/docker-nginx:mainline/alpine/Dockerfile (FROM nginx:*-alpine-slim) + nginxinc/docker-nginx:mainline/alpine-slim/Dockerfile";
const NGINX_ENTRYPOINT = "nginxinc/docker-nginx:entrypoint/docker-entrypoint.sh";
const UNPRIV_DEBIAN = "nginxinc/docker-nginx-unprivileged:mainline/debian/Dockerfile";
/** The official php-fpm images end their php-fpm.d with `zz-docker.conf`: `[www]` `listen = 9000`. */
const PHP_FPM_LISTEN = {
  value: { file: "zz-docker.conf", value: "9000" },
  source:
    "docker-library/php:8.2/bookworm/fpm/Dockerfile (RUN … echo '[www]'; echo 'listen = 9000'; } | tee php-fpm.d/zz-docker.conf)",
};
/** The official nginx image's default.conf listens on 80; the unprivileged image rewrites it to 8080. */
const NGINX_LISTEN = {
  value: { file: "/etc/nginx/conf.d/default.conf", value: "80" },
  source: `${UNPRIV_DEBIAN} (RUN sed -i 's,listen       80;,listen       8080;,' /etc/nginx/conf.d/default.conf: the official default.conf listens on 80)`,
};
const UNPRIV_LISTEN = {
  value: { file: "/etc/nginx/conf.d/default.conf", value: "8080" },
  source: `${UNPRIV_DEBIAN} (RUN sed -i 's,listen       80;,listen       8080;,' /etc/nginx/conf.d/default.conf)`,
};
const UNPRIV_ALPINE =
  "nginxinc/docker-nginx-unprivileged:mainline/alpine/Dockerfile (FROM nginxinc/nginx-unprivileged:*-alpine-slim) + nginxinc/docker-nginx-unprivileged:mainline/alpine-slim/Dockerfile";
const UNPRIV_ENTRYPOINT = "nginxinc/docker-nginx-unprivileged:entrypoint/docker-entrypoint.sh";
const LAGOON_ENTRYPOINT = "uselagoon/lagoon-images:images/commons/lagoon/entrypoints.sh";
const SSU_FPM = "serversideup/docker-php:src/variations/fpm/Dockerfile";
const SSU_FPM_NGINX = "serversideup/docker-php:src/variations/fpm-nginx/Dockerfile";
const SSU_FPM_APACHE = "serversideup/docker-php:src/variations/fpm-apache/Dockerfile";
const SSU_CLI = "serversideup/docker-php:src/variations/cli/Dockerfile";
const SSU_ENTRYPOINT = "serversideup/docker-php:src/common/usr/local/bin/docker-php-serversideup-entrypoint";
const SSU_POOL =
  "serversideup/docker-php:src/php-fpm.d/usr/local/etc/php-fpm.d/docker-php-serversideup-pool.conf";

// Tag shapes shared by the docker-library images: `8.3-fpm`, `fpm-alpine`, `6.5-php8.2-fpm-alpine3.20`, `8.2-apache`.
const FPM_ALPINE_TAG = /(?:^|-)fpm-alpine/;
const FPM_TAG = /(?:^|-)fpm(?:-|$)/;
const ALPINE_TAG = /(?:^|-)alpine/;

const SIGQUIT_PHP_FPM_DEBIAN: ImageFact<Signal> = { value: "SIGQUIT", source: PHP_FPM_DEBIAN };
const SIGQUIT_PHP_FPM_ALPINE: ImageFact<Signal> = { value: "SIGQUIT", source: PHP_FPM_ALPINE };
const PHP_FPM_CONFIG_DIR: ImageFact<string> = {
  value: "/usr/local/etc/php-fpm.d",
  source: `${PHP_FPM_DEBIAN} (--sysconfdir=/usr/local/etc; writes php-fpm.d/docker.conf and zz-docker.conf)`,
};

export const REGISTRY_MIRRORS: readonly RegistryMirror[] = [
  {
    prefix: "registry.hub.docker.com/library/",
    replacement: "",
    source:
      "Docker Hub's former registry host name (docker/docker-py#453 treats it as Docker Hub; it has answered 404 since 2021: metal3-io/project-infra#212)",
  },
  {
    prefix: "public.ecr.aws/docker/library/",
    replacement: "",
    source:
      "Docker Official Images mirrored by Docker to ECR Public (aws/containers-roadmap#1168, shipped; gallery.ecr.aws/docker/library/php in docker-library/php#1611)",
  },
  {
    prefix: "registry-1.docker.io/library/",
    replacement: "",
    source:
      "Docker Hub's registry host (distribution/reference:normalize.go; podman-container-tools/buildah#1992 lists the equivalent names)",
  },
  {
    prefix: "index.docker.io/library/",
    replacement: "",
    source:
      "distribution/reference:normalize.go (legacyDefaultDomain index.docker.io, officialRepoPrefix library/)",
  },
  {
    prefix: "public.ecr.aws/z9d2n7e1/",
    replacement: "nginx/",
    source:
      "nginxinc/docker-nginx:sync-awsecr.sh (pulls Docker Hub nginx:<tag>, pushes public.ecr.aws/z9d2n7e1/nginx:<tag>; nginx/docker-nginx#952)",
  },
  {
    prefix: "registry.hub.docker.com/",
    replacement: "",
    source: "Docker Hub's former registry host name (docker/docker-py#453)",
  },
  {
    prefix: "mirror.gcr.io/library/",
    replacement: "",
    source:
      "Google's pull-through cache of Docker Hub, kept in sync with it (cloud.google.com/artifact-registry/docs/pull-cached-dockerhub-images)",
  },
  {
    prefix: "ghcr.io/serversideup/",
    replacement: "serversideup/",
    source:
      "serversideup/docker-php:.github/workflows/action_publish-images-production.yml (registry-repositories: docker.io/serversideup/php,ghcr.io/serversideup/php)",
  },
  {
    prefix: "public.ecr.aws/nginx/",
    replacement: "nginx/",
    source:
      "NGINX's ECR Public registry, synced from Docker Hub nginx (nginxinc/docker-nginx:.github/workflows/sync.yml, nginx/docker-nginx#869); nginx-unprivileged and nginx-prometheus-exporter push there too (nginxinc/docker-nginx-unprivileged:.github/workflows/alpine-mainline.yml, nginxinc/nginx-prometheus-exporter:.github/workflows/ci.yml)",
  },
  {
    prefix: "registry-1.docker.io/",
    replacement: "",
    source: "Docker Hub's registry host (distribution/reference:normalize.go)",
  },
  {
    prefix: "docker.io/library/",
    replacement: "",
    source: "distribution/reference:normalize.go (defaultDomain docker.io, officialRepoPrefix library/)",
  },
  {
    prefix: "ghcr.io/neomantra/",
    replacement: "openresty/",
    source:
      "openresty/docker-openresty:README.md (Image Registries: ghcr.io/neomantra/openresty is the primary, mirrored to Docker Hub openresty/openresty)",
  },
  {
    prefix: "ghcr.io/uselagoon/",
    replacement: "uselagoon/",
    source:
      "uselagoon/lagoon-images:docker-bake.hcl (PUSH_REPO ghcr.io/uselagoon) + images/php-fpm/8.3.Dockerfile (label base.name docker.io/uselagoon/…)",
  },
  {
    prefix: "index.docker.io/",
    replacement: "",
    source: "distribution/reference:normalize.go (legacyDefaultDomain index.docker.io)",
  },
  {
    prefix: "ghcr.io/nginx/",
    replacement: "nginx/",
    source:
      "nginxinc/docker-nginx-unprivileged:.github/workflows/alpine-mainline.yml (pushes docker.io/nginxinc/nginx-unprivileged and ghcr.io/nginx/nginx-unprivileged); nginxinc/nginx-prometheus-exporter:.github/workflows/ci.yml",
  },
  {
    prefix: "mirror.gcr.io/",
    replacement: "",
    source:
      "Google's pull-through cache of Docker Hub (cloud.google.com/artifact-registry/docs/pull-cached-dockerhub-images)",
  },
  {
    prefix: "quay.io/nginx/",
    replacement: "nginx/",
    source:
      "nginxinc/docker-nginx-unprivileged:.github/workflows/alpine-mainline.yml (quay.io/nginx/nginx-unprivileged); nginxinc/nginx-prometheus-exporter:.github/workflows/ci.yml",
  },
  {
    prefix: "docker.io/",
    replacement: "",
    source: "distribution/reference:normalize.go (defaultDomain docker.io)",
  },
  {
    prefix: "library/",
    replacement: "",
    source: "distribution/reference:normalize.go (officialRepoPrefix library/: `library/php` is `php`)",
  },
];

/** s6-overlay's PID 1 (s6-svscan under s6-linux-init) ignores SIGQUIT: `.s6-svscan/SIGQUIT` is an empty script. */
function s6IgnoresQuit(dockerfile: string): ImageFact<string> {
  return {
    value: "s6-svscan",
    source: `${dockerfile} (ENTRYPOINT … /init: s6-overlay; .s6-svscan/SIGQUIT is empty: skarnet/s6-linux-init:src/init/s6-linux-init-maker.c)`,
  };
}

export const KNOWN_IMAGES: readonly KnownImageEntry[] = [
  // ---------------------------------------------------------------------------------------------------------
  // php (docker-library/php). STOPSIGNAL SIGQUIT on fpm variants since docker-library/php e21810a0
  // (2019-04-18, PHP 7.1-7.3 then); 5.6 and 7.0 were end of life before it and never got it.
  {
    repository: "php",
    tag: /^(?:5\.|7\.0(?=[.-]|$)).*(?:^|-)fpm-alpine/,
    role: "fpm",
    stopSignal: {
      value: "SIGTERM",
      source:
        "docker-library/php:7.0/alpine3.7/fpm/Dockerfile at c32a9f63^ (no STOPSIGNAL; the runtime default applies)",
    },
    shell: {
      value: "busybox",
      source: "docker-library/php:7.0/alpine3.7/fpm/Dockerfile at c32a9f63^ (FROM alpine)",
    },
    defaultArgv: {
      value: ["docker-php-entrypoint", "php-fpm"],
      source: "docker-library/php:7.0/alpine3.7/fpm/Dockerfile at c32a9f63^",
    },
    note: "Official php-fpm image of PHP 5.6/7.0 on Alpine: end of life before STOPSIGNAL SIGQUIT was added, so it stops with SIGTERM",
  },
  {
    repository: "php",
    tag: /^(?:5\.|7\.0(?=[.-]|$)).*(?:^|-)fpm(?:-|$)/,
    role: "fpm",
    stopSignal: {
      value: "SIGTERM",
      source:
        "docker-library/php:7.0/stretch/fpm/Dockerfile at c32a9f63^ + 5.6/stretch/fpm/Dockerfile at e9320fdb^ (no STOPSIGNAL)",
    },
    shell: {
      value: "dash",
      source: "docker-library/php:7.0/stretch/fpm/Dockerfile at c32a9f63^ (FROM debian:stretch-slim)",
    },
    defaultArgv: {
      value: ["docker-php-entrypoint", "php-fpm"],
      source: "docker-library/php:7.0/stretch/fpm/Dockerfile at c32a9f63^",
    },
    note: "Official php-fpm image of PHP 5.6/7.0 on Debian: end of life before STOPSIGNAL SIGQUIT was added, so it stops with SIGTERM",
  },
  {
    repository: "php",
    tag: /^(?:5\.|7\.0(?=[.-]|$))/,
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source:
        "docker-library/php:7.0/stretch/apache/Dockerfile + 7.0/stretch/cli/Dockerfile at c32a9f63^, 5.6/stretch/apache/Dockerfile at e9320fdb^ (no STOPSIGNAL)",
    },
    note: "Official php image of PHP 5.6/7.0 (cli or apache): end of life before STOPSIGNAL SIGWINCH was added to apache",
  },
  {
    repository: "php",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: SIGQUIT_PHP_FPM_ALPINE,
    shell: { value: "busybox", source: `${PHP_FPM_ALPINE} (FROM alpine:3.24)` },
    defaultArgv: { value: ["docker-php-entrypoint", "php-fpm"], source: PHP_FPM_ALPINE },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    listen: PHP_FPM_LISTEN,
    entrypointExecs: { value: true, source: "docker-library/php:8.3/alpine3.24/fpm/docker-php-entrypoint" },
    note: "Official php-fpm image on Alpine: STOPSIGNAL SIGQUIT, php-fpm as PID 1, no process_control_timeout (0)",
  },
  {
    repository: "php",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: SIGQUIT_PHP_FPM_DEBIAN,
    shell: {
      value: "dash",
      source: `${PHP_FPM_DEBIAN} (FROM debian:bookworm-slim; trixie tags FROM debian:trixie-slim)`,
    },
    defaultArgv: { value: ["docker-php-entrypoint", "php-fpm"], source: PHP_FPM_DEBIAN },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    listen: PHP_FPM_LISTEN,
    entrypointExecs: { value: true, source: PHP_ENTRYPOINT },
    note: "Official php-fpm image on Debian: STOPSIGNAL SIGQUIT, php-fpm as PID 1, no process_control_timeout (0)",
  },
  {
    repository: "php",
    tag: /(?:^|-)apache(?:-|$)/,
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `${PHP_APACHE} (httpd's graceful-stop; spelled SIGWINCH since docker-library/php 49d86143, 2019-11-27)`,
    },
    shell: { value: "dash", source: `${PHP_APACHE} (FROM debian:bookworm-slim)` },
    defaultArgv: { value: ["docker-php-entrypoint", "apache2-foreground"], source: PHP_APACHE },
    entrypointExecs: {
      value: true,
      source: `${PHP_ENTRYPOINT} + docker-library/php:8.2/bookworm/apache/apache2-foreground (exec apache2 -DFOREGROUND)`,
    },
    note: "Official php image with Apache httpd and mod_php (no php-fpm), on Debian",
  },
  {
    repository: "php",
    tag: ALPINE_TAG,
    role: "other",
    stopSignal: { value: "SIGTERM", source: `${PHP_CLI_ALPINE} (no STOPSIGNAL; FROM alpine:3.24)` },
    shell: { value: "busybox", source: `${PHP_CLI_ALPINE} (FROM alpine:3.24)` },
    defaultArgv: { value: ["docker-php-entrypoint", "php", "-a"], source: PHP_CLI_ALPINE },
    entrypointExecs: { value: true, source: "docker-library/php:8.3/alpine3.24/cli/docker-php-entrypoint" },
    note: "Official php cli/zts image on Alpine (tags `8.3-alpine`, `8.3-cli-alpine`, `8.3-zts-alpine`): no server",
  },
  {
    repository: "php",
    role: "other",
    stopSignal: { value: "SIGTERM", source: `${PHP_CLI_DEBIAN} (no STOPSIGNAL; FROM debian:bookworm-slim)` },
    shell: { value: "dash", source: `${PHP_CLI_DEBIAN} (FROM debian:bookworm-slim)` },
    defaultArgv: { value: ["docker-php-entrypoint", "php", "-a"], source: PHP_CLI_DEBIAN },
    entrypointExecs: { value: true, source: "docker-library/php:8.2/bookworm/cli/docker-php-entrypoint" },
    note: "Official php cli/zts image on Debian (tags `latest`, `8.3`, `8.3-cli`, `8.3-zts`, `8.3-bookworm`): no server",
  },

  // ---------------------------------------------------------------------------------------------------------
  // nginx (nginxinc/docker-nginx). STOPSIGNAL history: none until 2017-04, SIGQUIT 2017-04-13..05-30, SIGTERM
  // from 16ec71e (2017-05-30), SIGQUIT from 3fb70dd (2020-11-24, first release 1.19.5; stable 1.18.0 rebuilt).
  // Tags of 1.12 and 1.18 were built both ways, so their stop signal is left unknown.
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    tag: /^(?:1\.(?:\d|1[013-7])(?:[.-]|$)|1\.19\.[0-4](?:-|$)).*alpine/,
    role: "nginx",
    listen: NGINX_LISTEN,
    stopSignal: {
      value: "SIGTERM",
      source:
        "nginxinc/docker-nginx:mainline/alpine/Dockerfile at 3fb70dd^ (STOPSIGNAL SIGTERM from 16ec71e; none before 4d1f7f8)",
    },
    shell: {
      value: "busybox",
      source: "nginxinc/docker-nginx:mainline/alpine/Dockerfile at 3fb70dd^ (FROM alpine)",
    },
    note: "Official nginx image on Alpine, releases before 1.19.5 (1.18 excepted): STOPSIGNAL SIGTERM, a fast shutdown",
  },
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    tag: /^(?:1\.(?:\d|1[013-7])(?:[.-]|$)|1\.19\.[0-4](?:-|$))/,
    role: "nginx",
    listen: NGINX_LISTEN,
    stopSignal: {
      value: "SIGTERM",
      source:
        "nginxinc/docker-nginx:mainline/debian/Dockerfile at 3fb70dd^ (STOPSIGNAL SIGTERM from 16ec71e; none before 4d1f7f8)",
    },
    shell: {
      value: "dash",
      source: "nginxinc/docker-nginx:mainline/debian/Dockerfile at 3fb70dd^ (FROM debian)",
    },
    note: "Official nginx image on Debian, releases before 1.19.5 (1.18 excepted): STOPSIGNAL SIGTERM, a fast shutdown",
  },
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    tag: /^1\.1[28](?:[.-]|$).*alpine/,
    role: "nginx",
    listen: NGINX_LISTEN,
    shell: {
      value: "busybox",
      source: "nginxinc/docker-nginx:stable/alpine/Dockerfile at 3fb70dd (FROM alpine)",
    },
    note: "Official nginx 1.12/1.18 on Alpine: built with SIGTERM and later with SIGQUIT, so the digest decides",
  },
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    tag: /^1\.1[28](?:[.-]|$)/,
    role: "nginx",
    listen: NGINX_LISTEN,
    shell: {
      value: "dash",
      source: "nginxinc/docker-nginx:stable/debian/Dockerfile at 3fb70dd (FROM debian)",
    },
    note: "Official nginx 1.12/1.18 on Debian: built with SIGTERM and later with SIGQUIT, so the digest decides",
  },
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    tag: ALPINE_TAG,
    role: "nginx",
    listen: NGINX_LISTEN,
    stopSignal: { value: "SIGQUIT", source: NGINX_ALPINE },
    shell: { value: "busybox", source: `${NGINX_ALPINE} (FROM alpine:3.21)` },
    defaultArgv: { value: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], source: NGINX_ALPINE },
    entrypointExecs: {
      value: true,
      source: "nginxinc/docker-nginx:mainline/alpine-slim/docker-entrypoint.sh",
    },
    note: "Official nginx image on Alpine (alpine, alpine-slim, alpine-perl, alpine-otel): STOPSIGNAL SIGQUIT, nginx as PID 1",
  },
  {
    repository: /^(?:nginx|nginx\/nginx)$/,
    role: "nginx",
    listen: NGINX_LISTEN,
    stopSignal: { value: "SIGQUIT", source: NGINX_DEBIAN },
    shell: {
      value: "dash",
      source: `${NGINX_DEBIAN} (FROM debian:bookworm-slim; perl/otel FROM nginx:<version>)`,
    },
    defaultArgv: { value: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], source: NGINX_DEBIAN },
    entrypointExecs: { value: true, source: NGINX_ENTRYPOINT },
    note: "Official nginx image on Debian (also perl, otel): STOPSIGNAL SIGQUIT, nginx as PID 1",
  },

  // nginxinc/nginx-unprivileged: STOPSIGNAL SIGTERM until 015ce72 (2020-12-03, 1.19.5), SIGQUIT since.
  {
    repository: /^(?:nginxinc|nginx)\/nginx-unprivileged$/,
    tag: /^(?:1\.(?:\d|1[013-7])(?:[.-]|$)|1\.19\.[0-4](?:-|$)).*alpine/,
    role: "nginx",
    listen: UNPRIV_LISTEN,
    stopSignal: {
      value: "SIGTERM",
      source:
        "nginxinc/docker-nginx-unprivileged:mainline/alpine/Dockerfile at 015ce72^ (STOPSIGNAL SIGTERM)",
    },
    shell: {
      value: "busybox",
      source: "nginxinc/docker-nginx-unprivileged:mainline/alpine/Dockerfile at 015ce72^ (FROM alpine)",
    },
    note: "nginx-unprivileged on Alpine, releases before 1.19.5 (1.18 excepted): STOPSIGNAL SIGTERM",
  },
  {
    repository: /^(?:nginxinc|nginx)\/nginx-unprivileged$/,
    tag: /^(?:1\.(?:\d|1[013-7])(?:[.-]|$)|1\.19\.[0-4](?:-|$))/,
    role: "nginx",
    listen: UNPRIV_LISTEN,
    stopSignal: {
      value: "SIGTERM",
      source:
        "nginxinc/docker-nginx-unprivileged:mainline/buster/Dockerfile at 015ce72^ (STOPSIGNAL SIGTERM)",
    },
    shell: {
      value: "dash",
      source: "nginxinc/docker-nginx-unprivileged:mainline/buster/Dockerfile at 015ce72^ (FROM debian)",
    },
    note: "nginx-unprivileged on Debian, releases before 1.19.5 (1.18 excepted): STOPSIGNAL SIGTERM",
  },
  {
    repository: /^(?:nginxinc|nginx)\/nginx-unprivileged$/,
    tag: /^1\.18(?:[.-]|$)/,
    role: "nginx",
    listen: UNPRIV_LISTEN,
    note: "nginx-unprivileged 1.18: built with SIGTERM and later with SIGQUIT (015ce72), so the digest decides",
  },
  {
    repository: /^(?:nginxinc|nginx)\/nginx-unprivileged$/,
    tag: ALPINE_TAG,
    role: "nginx",
    listen: UNPRIV_LISTEN,
    stopSignal: { value: "SIGQUIT", source: UNPRIV_ALPINE },
    shell: { value: "busybox", source: `${UNPRIV_ALPINE} (ARG IMAGE=alpine:3.21)` },
    defaultArgv: { value: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], source: UNPRIV_ALPINE },
    entrypointExecs: {
      value: true,
      source: "nginxinc/docker-nginx-unprivileged:mainline/alpine-slim/docker-entrypoint.sh",
    },
    note: "NGINX's unprivileged nginx (port 8080, USER 101) on Alpine: STOPSIGNAL SIGQUIT, nginx as PID 1",
  },
  {
    repository: /^(?:nginxinc|nginx)\/nginx-unprivileged$/,
    role: "nginx",
    listen: UNPRIV_LISTEN,
    stopSignal: { value: "SIGQUIT", source: UNPRIV_DEBIAN },
    shell: { value: "dash", source: `${UNPRIV_DEBIAN} (ARG IMAGE=debian:bookworm-slim)` },
    defaultArgv: { value: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], source: UNPRIV_DEBIAN },
    entrypointExecs: { value: true, source: UNPRIV_ENTRYPOINT },
    note: "NGINX's unprivileged nginx (port 8080, USER 101) on Debian: STOPSIGNAL SIGQUIT, nginx as PID 1",
  },

  // ---------------------------------------------------------------------------------------------------------
  // openresty/openresty: every Linux flavour sets STOPSIGNAL SIGQUIT (since 709f99f, 2018-09-08) and has no
  // ENTRYPOINT, so openresty (nginx) is PID 1. Flavours differ in base and binary path.
  {
    repository: "openresty/openresty",
    tag: /(?:^|-)windows(?:-|$)/,
    role: "nginx",
    defaultArgv: {
      value: ["nginx", "-g", "daemon off;"],
      source: "openresty/docker-openresty:windows/Dockerfile",
    },
    note: "OpenResty on Windows nanoserver: no STOPSIGNAL, no /bin/sh",
  },
  {
    repository: "openresty/openresty",
    tag: ALPINE_TAG,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "openresty/docker-openresty:alpine/Dockerfile (alpine-fat: alpine/Dockerfile.fat FROM openresty/openresty:alpine)",
    },
    shell: { value: "busybox", source: "openresty/docker-openresty:alpine/Dockerfile (FROM alpine:3.23.4)" },
    defaultArgv: {
      value: ["/usr/local/openresty/bin/openresty", "-g", "daemon off;"],
      source: "openresty/docker-openresty:alpine/Dockerfile + alpine-apk/Dockerfile",
    },
    note: "OpenResty (nginx + LuaJIT) on Alpine, built from source (alpine, alpine-fat, alpine-slim) or from packages (alpine-apk)",
  },
  {
    repository: "openresty/openresty",
    tag: /(?:^|-)(?:debug|valgrind)(?:-|$)/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source: "openresty/docker-openresty:bullseye/Dockerfile.debug + Dockerfile.valgrind",
    },
    shell: {
      value: "dash",
      source: "openresty/docker-openresty:bullseye/Dockerfile.debug (FROM debian:bullseye-slim)",
    },
    note: "OpenResty debug/valgrind builds on Debian bullseye (openresty-debug or openresty-valgrind as PID 1)",
  },
  {
    repository: "openresty/openresty",
    tag: /(?:^|-)(?:bookworm|bullseye|buster|stretch|jessie|wheezy|trixie)(?:-|$)|^latest$/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "openresty/docker-openresty:bookworm/Dockerfile + bullseye/Dockerfile (-fat: Dockerfile.fat FROM openresty/openresty:<flavor>)",
    },
    shell: {
      value: "dash",
      source:
        "openresty/docker-openresty:bookworm/Dockerfile (FROM debian:bookworm-slim; -buildpack FROM buildpack-deps:bookworm; latest is bookworm per README.md)",
    },
    defaultArgv: {
      value: ["/usr/bin/openresty", "-g", "daemon off;"],
      source: "openresty/docker-openresty:bookworm/Dockerfile",
    },
    note: "OpenResty on Debian from upstream packages (bookworm, bullseye; `latest` is bookworm)",
  },
  {
    repository: "openresty/openresty",
    tag: /(?:^|-)(?:resolute|noble|jammy|focal|bionic|xenial|trusty)(?:-|$)/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source: "openresty/docker-openresty:noble/Dockerfile + jammy/Dockerfile",
    },
    shell: { value: "dash", source: "openresty/docker-openresty:noble/Dockerfile (FROM ubuntu:noble)" },
    defaultArgv: {
      value: ["/usr/local/openresty/bin/openresty", "-g", "daemon off;"],
      source: "openresty/docker-openresty:noble/Dockerfile",
    },
    note: "OpenResty on Ubuntu, built from source (resolute, noble, jammy; focal/bionic archived)",
  },
  {
    repository: "openresty/openresty",
    tag: /(?:^|-)(?:alma|fedora|rocky|centos7?|amzn2)(?:-|$)/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source: "openresty/docker-openresty:alma/Dockerfile + fedora/Dockerfile",
    },
    shell: {
      value: "bash",
      source:
        "openresty/docker-openresty:alma/Dockerfile (FROM almalinux:10-minimal) + fedora/Dockerfile (FROM fedora:43)",
    },
    note: "OpenResty on the RHEL family (alma, fedora, rocky, centos, amzn2), where /bin/sh is bash",
  },
  {
    repository: "openresty/openresty",
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "openresty/docker-openresty:alpine/Dockerfile + bookworm/Dockerfile + noble/Dockerfile + alma/Dockerfile (every Linux flavour sets it)",
    },
    note: "OpenResty, flavour not recognised from the tag: STOPSIGNAL SIGQUIT in every Linux flavour",
  },

  // ---------------------------------------------------------------------------------------------------------
  // Applications on the official php images: they set no STOPSIGNAL, so they inherit php's.
  // wordpress (docker-library/wordpress): tags `6-fpm`, `6.5-php8.2-fpm-alpine`, `cli-2.10-php8.3`, `latest` (apache).
  {
    repository: "wordpress",
    tag: /^cli(?:-|$)/,
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: `docker-library/wordpress:cli/php8.3/alpine/Dockerfile (FROM php:8.3-alpine) + ${PHP_CLI_ALPINE} (no STOPSIGNAL)`,
    },
    shell: {
      value: "busybox",
      source: "docker-library/wordpress:cli/php8.3/alpine/Dockerfile (FROM php:8.3-alpine)",
    },
    defaultArgv: {
      value: ["docker-entrypoint.sh", "wp", "shell"],
      source: "docker-library/wordpress:cli/php8.3/alpine/Dockerfile",
    },
    entrypointExecs: {
      value: true,
      source: "docker-library/wordpress:cli/php8.3/alpine/docker-entrypoint.sh",
    },
    note: "wp-cli on php:*-alpine (USER www-data): a CLI, not a server",
  },
  {
    repository: "wordpress",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `docker-library/wordpress:latest/php8.3/fpm-alpine/Dockerfile (FROM php:8.3-fpm-alpine) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source: "docker-library/wordpress:latest/php8.3/fpm-alpine/Dockerfile (FROM php:8.3-fpm-alpine)",
    },
    defaultArgv: {
      value: ["docker-entrypoint.sh", "php-fpm"],
      source: "docker-library/wordpress:latest/php8.3/fpm-alpine/Dockerfile",
    },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    entrypointExecs: {
      value: true,
      source: "docker-library/wordpress:latest/php8.3/fpm-alpine/docker-entrypoint.sh",
    },
    note: "WordPress on php:*-fpm-alpine: inherits STOPSIGNAL SIGQUIT; its bash entrypoint copies WordPress in, then execs php-fpm",
  },
  {
    repository: "wordpress",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `docker-library/wordpress:latest/php8.3/fpm/Dockerfile (FROM php:8.3-fpm) + ${PHP_FPM_DEBIAN}`,
    },
    shell: {
      value: "dash",
      source: "docker-library/wordpress:latest/php8.3/fpm/Dockerfile (FROM php:8.3-fpm, Debian)",
    },
    defaultArgv: {
      value: ["docker-entrypoint.sh", "php-fpm"],
      source: "docker-library/wordpress:latest/php8.3/fpm/Dockerfile",
    },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    entrypointExecs: {
      value: true,
      source: "docker-library/wordpress:latest/php8.3/fpm/docker-entrypoint.sh",
    },
    note: "WordPress on php:*-fpm (Debian): inherits STOPSIGNAL SIGQUIT; its bash entrypoint execs php-fpm",
  },
  {
    repository: "wordpress",
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `docker-library/wordpress:latest/php8.3/apache/Dockerfile (FROM php:8.3-apache) + ${PHP_APACHE}`,
    },
    shell: {
      value: "dash",
      source: "docker-library/wordpress:latest/php8.3/apache/Dockerfile (FROM php:8.3-apache, Debian)",
    },
    defaultArgv: {
      value: ["docker-entrypoint.sh", "apache2-foreground"],
      source: "docker-library/wordpress:latest/php8.3/apache/Dockerfile",
    },
    entrypointExecs: {
      value: true,
      source: "docker-library/wordpress:latest/php8.3/apache/docker-entrypoint.sh",
    },
    note: "WordPress on php:*-apache (the default `latest`, `6`, `php8.3` tags): Apache with mod_php, no php-fpm",
  },

  // drupal (docker-library/drupal): no ENTRYPOINT or CMD of its own; tags `10-fpm`, `10-php8.2-fpm-alpine`, `11-apache`.
  {
    repository: "drupal",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `docker-library/drupal:11.4/php8.4/fpm-alpine3.24/Dockerfile (FROM php:8.4-fpm-alpine3.24) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source: "docker-library/drupal:11.4/php8.4/fpm-alpine3.24/Dockerfile (FROM php:8.4-fpm-alpine3.24)",
    },
    defaultArgv: {
      value: ["docker-php-entrypoint", "php-fpm"],
      source: `docker-library/drupal:11.4/php8.4/fpm-alpine3.24/Dockerfile (sets neither) + ${PHP_FPM_ALPINE}`,
    },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    entrypointExecs: { value: true, source: "docker-library/php:8.3/alpine3.24/fpm/docker-php-entrypoint" },
    note: "Drupal on php:*-fpm-alpine (WORKDIR /opt/drupal): everything about shutdown is php's",
  },
  {
    repository: "drupal",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `docker-library/drupal:11.4/php8.4/fpm-bookworm/Dockerfile (FROM php:8.4-fpm-bookworm) + ${PHP_FPM_DEBIAN}`,
    },
    shell: {
      value: "dash",
      source: "docker-library/drupal:11.4/php8.4/fpm-bookworm/Dockerfile (FROM php:8.4-fpm-bookworm)",
    },
    defaultArgv: {
      value: ["docker-php-entrypoint", "php-fpm"],
      source: `docker-library/drupal:11.4/php8.4/fpm-bookworm/Dockerfile (sets neither) + ${PHP_FPM_DEBIAN}`,
    },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    entrypointExecs: { value: true, source: PHP_ENTRYPOINT },
    note: "Drupal on php:*-fpm (Debian bookworm/trixie): everything about shutdown is php's",
  },
  {
    repository: "drupal",
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `docker-library/drupal:11.4/php8.4/apache-bookworm/Dockerfile (FROM php:8.4-apache-bookworm) + ${PHP_APACHE}`,
    },
    shell: {
      value: "dash",
      source: "docker-library/drupal:11.4/php8.4/apache-bookworm/Dockerfile (FROM php:8.4-apache-bookworm)",
    },
    defaultArgv: {
      value: ["docker-php-entrypoint", "apache2-foreground"],
      source: `docker-library/drupal:11.4/php8.4/apache-bookworm/Dockerfile (sets neither) + ${PHP_APACHE}`,
    },
    note: "Drupal on php:*-apache (the default tags): Apache with mod_php, no php-fpm",
  },

  // nextcloud (nextcloud/docker): tags `28-fpm`, `fpm-alpine`, `stable-fpm`, `latest`/`28` (apache).
  {
    repository: "nextcloud",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `nextcloud/docker:34/fpm-alpine/Dockerfile (FROM php:8.5-fpm-alpine3.24) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source: "nextcloud/docker:34/fpm-alpine/Dockerfile (FROM php:8.5-fpm-alpine3.24)",
    },
    defaultArgv: {
      value: ["/entrypoint.sh", "php-fpm"],
      source: "nextcloud/docker:34/fpm-alpine/Dockerfile",
    },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    entrypointExecs: { value: true, source: "nextcloud/docker:34/fpm-alpine/entrypoint.sh" },
    note: "Nextcloud on php:*-fpm-alpine: inherits STOPSIGNAL SIGQUIT; /entrypoint.sh installs/upgrades, then execs php-fpm",
  },
  {
    repository: "nextcloud",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `nextcloud/docker:34/fpm/Dockerfile (FROM php:8.5-fpm-trixie; 28 and 29 FROM php:8.2-fpm-bookworm) + ${PHP_FPM_DEBIAN}`,
    },
    shell: { value: "dash", source: "nextcloud/docker:34/fpm/Dockerfile (FROM php:8.5-fpm-trixie)" },
    defaultArgv: { value: ["/entrypoint.sh", "php-fpm"], source: "nextcloud/docker:34/fpm/Dockerfile" },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    entrypointExecs: { value: true, source: "nextcloud/docker:34/fpm/entrypoint.sh" },
    note: "Nextcloud on php:*-fpm (Debian): inherits STOPSIGNAL SIGQUIT; /entrypoint.sh execs php-fpm",
  },
  {
    repository: "nextcloud",
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `nextcloud/docker:34/apache/Dockerfile (FROM php:8.5-apache-trixie) + ${PHP_APACHE}`,
    },
    shell: { value: "dash", source: "nextcloud/docker:34/apache/Dockerfile (FROM php:8.5-apache-trixie)" },
    defaultArgv: {
      value: ["/entrypoint.sh", "apache2-foreground"],
      source: "nextcloud/docker:34/apache/Dockerfile",
    },
    entrypointExecs: { value: true, source: "nextcloud/docker:34/apache/entrypoint.sh" },
    note: "Nextcloud on php:*-apache (the default `latest`, `28`, `stable` tags): Apache with mod_php",
  },

  // joomla (joomla-docker/docker-joomla): tags `5-php8.2-fpm`, `fpm-alpine`, `latest` (apache).
  {
    repository: "joomla",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `joomla-docker/docker-joomla:6.1/php8.4/fpm-alpine/Dockerfile (FROM php:8.4-fpm-alpine) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source: "joomla-docker/docker-joomla:6.1/php8.4/fpm-alpine/Dockerfile (FROM php:8.4-fpm-alpine)",
    },
    defaultArgv: {
      value: ["/entrypoint.sh", "php-fpm"],
      source: "joomla-docker/docker-joomla:6.1/php8.4/fpm-alpine/Dockerfile",
    },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    entrypointExecs: {
      value: true,
      source: "joomla-docker/docker-joomla:6.1/php8.4/fpm-alpine/docker-entrypoint.sh",
    },
    note: "Joomla on php:*-fpm-alpine: inherits STOPSIGNAL SIGQUIT; its bash entrypoint execs php-fpm",
  },
  {
    repository: "joomla",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `joomla-docker/docker-joomla:5.4/php8.2/fpm/Dockerfile (FROM php:8.2-fpm) + ${PHP_FPM_DEBIAN}`,
    },
    shell: {
      value: "dash",
      source: "joomla-docker/docker-joomla:5.4/php8.2/fpm/Dockerfile (FROM php:8.2-fpm, Debian)",
    },
    defaultArgv: {
      value: ["/entrypoint.sh", "php-fpm"],
      source: "joomla-docker/docker-joomla:5.4/php8.2/fpm/Dockerfile",
    },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    entrypointExecs: {
      value: true,
      source: "joomla-docker/docker-joomla:5.4/php8.2/fpm/docker-entrypoint.sh",
    },
    note: "Joomla on php:*-fpm (Debian): inherits STOPSIGNAL SIGQUIT; its bash entrypoint execs php-fpm",
  },
  {
    repository: "joomla",
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `joomla-docker/docker-joomla:6.1/php8.4/apache/Dockerfile (FROM php:8.4-apache) + ${PHP_APACHE}`,
    },
    shell: {
      value: "dash",
      source: "joomla-docker/docker-joomla:6.1/php8.4/apache/Dockerfile (FROM php:8.4-apache)",
    },
    defaultArgv: {
      value: ["/entrypoint.sh", "apache2-foreground"],
      source: "joomla-docker/docker-joomla:6.1/php8.4/apache/Dockerfile",
    },
    note: "Joomla on php:*-apache (the default tags): Apache with mod_php",
  },

  // matomo (matomo-org/docker): tags `fpm`, `5-fpm-alpine`, `latest` (apache).
  {
    repository: "matomo",
    tag: FPM_ALPINE_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `matomo-org/docker:fpm-alpine/Dockerfile (FROM php:8.4-fpm-alpine) + ${PHP_FPM_ALPINE}`,
    },
    shell: { value: "busybox", source: "matomo-org/docker:fpm-alpine/Dockerfile (FROM php:8.4-fpm-alpine)" },
    defaultArgv: { value: ["/entrypoint.sh", "php-fpm"], source: "matomo-org/docker:fpm-alpine/Dockerfile" },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    entrypointExecs: { value: true, source: "matomo-org/docker:fpm-alpine/docker-entrypoint.sh" },
    note: "Matomo on php:*-fpm-alpine: inherits STOPSIGNAL SIGQUIT; /entrypoint.sh copies Matomo in, then execs php-fpm",
  },
  {
    repository: "matomo",
    tag: FPM_TAG,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `matomo-org/docker:fpm/Dockerfile (FROM php:8.4-fpm) + ${PHP_FPM_DEBIAN}`,
    },
    shell: { value: "dash", source: "matomo-org/docker:fpm/Dockerfile (FROM php:8.4-fpm, Debian)" },
    defaultArgv: { value: ["/entrypoint.sh", "php-fpm"], source: "matomo-org/docker:fpm/Dockerfile" },
    fpmConfigDir: PHP_FPM_CONFIG_DIR,
    entrypointExecs: { value: true, source: "matomo-org/docker:fpm/docker-entrypoint.sh" },
    note: "Matomo on php:*-fpm (Debian): inherits STOPSIGNAL SIGQUIT; /entrypoint.sh execs php-fpm",
  },
  {
    repository: "matomo",
    role: "other",
    stopSignal: {
      value: "SIGWINCH",
      source: `matomo-org/docker:apache/Dockerfile (FROM php:8.4-apache) + ${PHP_APACHE}`,
    },
    shell: { value: "dash", source: "matomo-org/docker:apache/Dockerfile (FROM php:8.4-apache)" },
    defaultArgv: {
      value: ["/entrypoint.sh", "apache2-foreground"],
      source: "matomo-org/docker:apache/Dockerfile",
    },
    entrypointExecs: { value: true, source: "matomo-org/docker:apache/docker-entrypoint.sh" },
    note: "Matomo on php:*-apache (the default tags): Apache with mod_php",
  },

  // ---------------------------------------------------------------------------------------------------------
  // Lagoon (uselagoon/lagoon-images). PID 1 is tini (`/sbin/tini -- /lagoon/entrypoints.sh`); the entrypoint
  // sources /lagoon/entrypoints/* and execs its arguments, so the server is tini's child. Release tags are
  // `YY.M.P`: php-fpm.d/global.conf (process_control_timeout = 30s) ships from 22.4.1 (b8ba5507), and php-cli
  // resets STOPSIGNAL to SIGTERM from 24.5.1 (6452fc3d).
  {
    repository: /^uselagoon\/php-\d+\.\d+-fpm$/,
    tag: /^(?:\d|1\d|2[01])\.\d+\.\d+$|^22\.[0-3]\.\d+$|^22\.4\.0$/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "uselagoon/lagoon-images:images/php-fpm/<version>.Dockerfile (FROM php:<version>-fpm-alpine) + docker-library/php",
    },
    shell: {
      value: "busybox",
      source: "uselagoon/lagoon-images:images/php-fpm/<version>.Dockerfile (FROM php:*-fpm-alpine)",
    },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: PHP_FPM_ALPINE },
    note: "Lagoon php-fpm releases before 22.4.1: built before global.conf set process_control_timeout (so 0)",
  },
  {
    repository: /^uselagoon\/php-\d+\.\d+-fpm$/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `uselagoon/lagoon-images:images/php-fpm/8.3.Dockerfile (FROM php:8.3.32-fpm-alpine3.23) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source: "uselagoon/lagoon-images:images/php-fpm/8.3.Dockerfile (FROM php:8.3.32-fpm-alpine3.23)",
    },
    defaultArgv: {
      value: ["/sbin/tini", "--", "/lagoon/entrypoints.sh", "/usr/local/sbin/php-fpm", "-F", "-R"],
      source: "uselagoon/lagoon-images:images/php-fpm/8.3.Dockerfile",
    },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source:
        "uselagoon/lagoon-images:images/php-fpm/8.3.Dockerfile (COPY php-fpm.d/www.conf php-fpm.d/global.conf)",
    },
    processControlTimeout: {
      value: "30s",
      source: "uselagoon/lagoon-images:images/php-fpm/php-fpm.d/global.conf",
    },
    entrypointExecs: { value: true, source: LAGOON_ENTRYPOINT },
    note: "Lagoon php-fpm on php:*-fpm-alpine: STOPSIGNAL SIGQUIT inherited, process_control_timeout 30s, tini as PID 1",
  },
  {
    repository: /^uselagoon\/php-\d+\.\d+-cli(?:-drupal)?$/,
    tag: /^(?:\d|1\d|2[0-3])\.\d+\.\d+$|^24\.[0-4]\.\d+$|^24\.5\.0$/,
    role: "other",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "uselagoon/lagoon-images:images/php-cli/8.2.Dockerfile at 6452fc3d^ (no STOPSIGNAL; FROM lagoon/php-8.2-fpm) + docker-library/php",
    },
    shell: {
      value: "busybox",
      source: "uselagoon/lagoon-images:images/php-cli/8.2.Dockerfile (FROM lagoon/php-8.2-fpm, Alpine)",
    },
    note: "Lagoon php-cli releases before 24.5.1: inherited STOPSIGNAL SIGQUIT from the fpm image",
  },
  {
    repository: /^uselagoon\/php-\d+\.\d+-cli(?:-drupal)?$/,
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source:
        "uselagoon/lagoon-images:images/php-cli/8.3.Dockerfile (STOPSIGNAL SIGTERM; -drupal: images/php-cli-drupal/8.3.Dockerfile FROM lagoon/php-8.3-cli)",
    },
    shell: {
      value: "busybox",
      source: "uselagoon/lagoon-images:images/php-cli/8.3.Dockerfile (FROM lagoon/php-8.3-fpm, Alpine)",
    },
    defaultArgv: {
      value: ["/sbin/tini", "--", "/lagoon/entrypoints.sh", "/bin/docker-sleep"],
      source: "uselagoon/lagoon-images:images/php-cli/8.3.Dockerfile",
    },
    entrypointExecs: { value: true, source: LAGOON_ENTRYPOINT },
    note: "Lagoon php-cli (drush, cron; sleeps by default): resets the fpm image's STOPSIGNAL to SIGTERM",
  },
  {
    repository: /^uselagoon\/nginx(?:-drupal)?$/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "uselagoon/lagoon-images:images/nginx/Dockerfile (FROM openresty/openresty:1.29.2.5-1-alpine; nginx-drupal FROM lagoon/nginx) + openresty/docker-openresty:alpine/Dockerfile",
    },
    shell: {
      value: "busybox",
      source: "uselagoon/lagoon-images:images/nginx/Dockerfile (FROM openresty/openresty:1.29.2.5-1-alpine)",
    },
    defaultArgv: {
      value: ["/sbin/tini", "--", "/lagoon/entrypoints.sh", "nginx", "-g", "daemon off;"],
      source: "uselagoon/lagoon-images:images/nginx/Dockerfile",
    },
    entrypointExecs: { value: true, source: LAGOON_ENTRYPOINT },
    note: "Lagoon nginx (OpenResty on Alpine; nginx-drupal adds Drupal's config): STOPSIGNAL SIGQUIT inherited, tini as PID 1",
  },

  // ---------------------------------------------------------------------------------------------------------
  // Silta (wunderio/silta-images, published as wunderio/<directory>).
  {
    repository: "wunderio/silta-php-fpm",
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `wunderio/silta-images:silta-php-fpm/8.3-fpm/Dockerfile (FROM php:8.3.32-fpm-alpine) + ${PHP_FPM_ALPINE}`,
    },
    shell: {
      value: "busybox",
      source:
        "wunderio/silta-images:silta-php-fpm/8.3-fpm/Dockerfile (FROM php:8.3.32-fpm-alpine; 7.2-8.5 alike)",
    },
    defaultArgv: {
      value: ["/sbin/tini", "--", "/silta/entrypoint.sh", "php-fpm", "-F", "-R"],
      source: "wunderio/silta-images:silta-php-fpm/8.3-fpm/Dockerfile",
    },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source:
        "wunderio/silta-images:silta-php-fpm/8.3-fpm/Dockerfile (COPY config/www.fpm.conf; silta/entrypoints/20-php-fpm-conf.sh copies /tmp/zz-custom.conf there)",
    },
    entrypointExecs: {
      value: true,
      source: "wunderio/silta-images:silta-php-fpm/8.3-fpm/silta/entrypoint.sh",
    },
    note: "Silta php-fpm on php:*-fpm-alpine: STOPSIGNAL SIGQUIT inherited, tini as PID 1; www.fpm.conf sets no process_control_timeout",
  },
  {
    repository: "wunderio/silta-nginx",
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source: "wunderio/silta-images:silta-nginx/latest/Dockerfile (STOPSIGNAL SIGQUIT)",
    },
    shell: {
      value: "busybox",
      source:
        "wunderio/silta-images:silta-nginx/latest/Dockerfile (FROM nginxinc/nginx-unprivileged:<version>-alpine)",
    },
    defaultArgv: {
      value: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
      source: `wunderio/silta-images:silta-nginx/latest/Dockerfile (CMD; ENTRYPOINT inherited) + ${UNPRIV_ALPINE}`,
    },
    entrypointExecs: { value: true, source: UNPRIV_ENTRYPOINT },
    note: "Silta nginx on nginxinc/nginx-unprivileged:*-alpine with echo and VTS modules: STOPSIGNAL SIGQUIT",
  },
  {
    repository: "wunderio/silta-php-shell",
    role: "other",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "wunderio/silta-images:silta-php-shell/php-8.3/Dockerfile (FROM wunderio/silta-php-fpm:8.3-fpm-v1) + silta-php-fpm/8.3-fpm/Dockerfile + docker-library/php",
    },
    shell: {
      value: "busybox",
      source:
        "wunderio/silta-images:silta-php-shell/php-8.3/Dockerfile (FROM wunderio/silta-php-fpm, Alpine)",
    },
    defaultArgv: {
      value: ["/entrypoint.sh"],
      source:
        "wunderio/silta-images:silta-php-shell/php-8.3/Dockerfile (its ENTRYPOINT resets the inherited CMD)",
    },
    entrypointExecs: {
      value: true,
      source: "wunderio/silta-images:silta-php-shell/php-8.3/entrypoint.sh (exec sshd)",
    },
    note: "Silta's SSH shell container (sshd as PID 1, php-fpm image underneath): not a server of PHP requests",
  },

  // ---------------------------------------------------------------------------------------------------------
  // wodby/php (Wodby's Drupal/WordPress stacks, its php-fpm Helm chart): tags `8.4`, `8.4-4.62.1`, `latest`,
  // `-dev`; all built by 8/Dockerfile FROM php:<PHP_VER>-fpm-alpine with no STOPSIGNAL of its own. PID 1 is
  // `sudo -E php-fpm` (the entrypoint execs docker-php-entrypoint, which execs sudo); sudo relays the signals
  // it receives to its command (sudo(8), "Signal handling"), so php-fpm gets the stop signal. Its
  // zz-www.conf.tmpl sets pm.*, a [ping] pool on 9001 and no process_control_timeout.
  {
    repository: "wodby/php",
    tag: /^(?:8\.\d+|latest|dev)(?:[.-]|$)/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `wodby/php:8/Dockerfile (FROM php:<PHP_VER>-fpm-alpine) + ${PHP_FPM_ALPINE} (sudo as PID 1 relays it to php-fpm: sudo(8), Signal handling)`,
    },
    shell: { value: "busybox", source: "wodby/php:8/Dockerfile (FROM php:<PHP_VER>-fpm-alpine)" },
    defaultArgv: {
      value: ["/docker-entrypoint.sh", "sudo", "-E", "php-fpm"],
      source: 'wodby/php:8/Dockerfile (ENTRYPOINT ["/docker-entrypoint.sh"], CMD ["sudo", "-E", "php-fpm"])',
    },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source:
        "wodby/php:8/docker-entrypoint.sh (_gotpl zz-www.conf.tmpl /usr/local/etc/php-fpm.d/zz-www.conf)",
    },
    listen: PHP_FPM_LISTEN,
    entrypointExecs: {
      value: true,
      source:
        "wodby/php:8/docker-entrypoint.sh (its last line execs /usr/local/bin/docker-php-entrypoint with its arguments)",
    },
    note: "Wodby's php-fpm on php:*-fpm-alpine: inherits STOPSIGNAL SIGQUIT, relayed to php-fpm by sudo as PID 1; no process_control_timeout",
  },

  // ---------------------------------------------------------------------------------------------------------
  // serversideup/php (v3 layout, src/variations/*): tags `8.3-fpm`, `8.3-fpm-nginx-alpine`, `8.3-fpm-apache`,
  // `8.3-cli`, `8.3-frankenphp`, `latest`/`8.3` (cli). Debian unless the tag says alpine.
  // fpm-nginx and fpm-apache run s6-overlay: /init becomes s6-svscan as PID 1 under s6-linux-init, whose
  // .s6-svscan/SIGQUIT is an empty script (skarnet/s6-linux-init:src/init/s6-linux-init-maker.c, make_image), so
  // the image's STOPSIGNAL SIGQUIT stops nothing: the container runs on until SIGKILL (serversideup/docker-php#529).
  {
    repository: "serversideup/php",
    tag: /(?:^|-)fpm-nginx-alpine/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `${SSU_FPM_NGINX} (PID 1 s6-svscan ignores it: skarnet/s6-linux-init:src/init/s6-linux-init-maker.c)`,
    },
    shell: { value: "busybox", source: `${SSU_FPM_NGINX} (FROM php:<version>-fpm-<os>, alpine3.x)` },
    defaultArgv: { value: ["docker-php-serversideup-entrypoint", "/init"], source: SSU_FPM_NGINX },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source: `${SSU_FPM_NGINX} (rm -rf /usr/local/etc/php-fpm.d/*.conf; COPY src/php-fpm.d/)`,
    },
    processControlTimeout: {
      value: "10s",
      source: `${SSU_POOL} (\${PHP_FPM_PROCESS_CONTROL_TIMEOUT}) + ${SSU_FPM_NGINX} (ENV PHP_FPM_PROCESS_CONTROL_TIMEOUT="10s")`,
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    pid1IgnoresStopSignal: s6IgnoresQuit(SSU_FPM_NGINX),
    note: "serversideup php-fpm + nginx in one container under s6-overlay, on Alpine (s6-svscan as PID 1 ignores SIGQUIT)",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)fpm-nginx(?:-|$)/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `${SSU_FPM_NGINX} (PID 1 s6-svscan ignores it: skarnet/s6-linux-init:src/init/s6-linux-init-maker.c)`,
    },
    shell: { value: "dash", source: `${SSU_FPM_NGINX} (FROM php:<version>-fpm-<os>, bookworm/trixie)` },
    defaultArgv: { value: ["docker-php-serversideup-entrypoint", "/init"], source: SSU_FPM_NGINX },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source: `${SSU_FPM_NGINX} (rm -rf /usr/local/etc/php-fpm.d/*.conf; COPY src/php-fpm.d/)`,
    },
    processControlTimeout: {
      value: "10s",
      source: `${SSU_POOL} (\${PHP_FPM_PROCESS_CONTROL_TIMEOUT}) + ${SSU_FPM_NGINX} (ENV PHP_FPM_PROCESS_CONTROL_TIMEOUT="10s")`,
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    pid1IgnoresStopSignal: s6IgnoresQuit(SSU_FPM_NGINX),
    note: "serversideup php-fpm + nginx in one container under s6-overlay, on Debian: s6-svscan as PID 1 ignores SIGQUIT, so the pod stops at SIGKILL",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)fpm-apache(?:-|$)/,
    role: "fpm",
    stopSignal: {
      value: "SIGQUIT",
      source: `${SSU_FPM_APACHE} (PID 1 s6-svscan ignores it: skarnet/s6-linux-init:src/init/s6-linux-init-maker.c)`,
    },
    shell: {
      value: "dash",
      source: `${SSU_FPM_APACHE} (FROM php:<version>-fpm-<os>; Debian only: scripts/conf/php-versions-base-config.yml)`,
    },
    defaultArgv: { value: ["docker-php-serversideup-entrypoint", "/init"], source: SSU_FPM_APACHE },
    fpmConfigDir: { value: "/usr/local/etc/php-fpm.d", source: `${SSU_FPM_APACHE} (COPY src/php-fpm.d/)` },
    processControlTimeout: {
      value: "10s",
      source: `${SSU_POOL} (\${PHP_FPM_PROCESS_CONTROL_TIMEOUT}) + ${SSU_FPM_APACHE} (ENV PHP_FPM_PROCESS_CONTROL_TIMEOUT="10s")`,
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    pid1IgnoresStopSignal: s6IgnoresQuit(SSU_FPM_APACHE),
    note: "serversideup php-fpm + Apache in one container under s6-overlay (Debian only): s6-svscan as PID 1 ignores SIGQUIT",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)fpm-alpine/,
    role: "fpm",
    stopSignal: { value: "SIGQUIT", source: SSU_FPM },
    shell: { value: "busybox", source: `${SSU_FPM} (FROM php:<version>-fpm-<os>, alpine3.x)` },
    defaultArgv: { value: ["docker-php-serversideup-entrypoint", "php-fpm"], source: SSU_FPM },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source: `${SSU_FPM} (rm -rf /usr/local/etc/php-fpm.d/*.conf; COPY src/php-fpm.d/)`,
    },
    processControlTimeout: {
      value: "10s",
      source: `${SSU_POOL} (\${PHP_FPM_PROCESS_CONTROL_TIMEOUT}) + ${SSU_FPM} (ENV PHP_FPM_PROCESS_CONTROL_TIMEOUT="10s")`,
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    note: "serversideup php-fpm on php:*-fpm-alpine (USER www-data): STOPSIGNAL SIGQUIT, process_control_timeout from env (10s)",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)fpm(?:-|$)/,
    role: "fpm",
    stopSignal: { value: "SIGQUIT", source: SSU_FPM },
    shell: { value: "dash", source: `${SSU_FPM} (FROM php:<version>-fpm-<os>, bookworm/trixie)` },
    defaultArgv: { value: ["docker-php-serversideup-entrypoint", "php-fpm"], source: SSU_FPM },
    fpmConfigDir: {
      value: "/usr/local/etc/php-fpm.d",
      source: `${SSU_FPM} (rm -rf /usr/local/etc/php-fpm.d/*.conf; COPY src/php-fpm.d/)`,
    },
    processControlTimeout: {
      value: "10s",
      source: `${SSU_POOL} (\${PHP_FPM_PROCESS_CONTROL_TIMEOUT}) + ${SSU_FPM} (ENV PHP_FPM_PROCESS_CONTROL_TIMEOUT="10s")`,
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    note: "serversideup php-fpm on php:*-fpm (Debian, USER www-data): STOPSIGNAL SIGQUIT, process_control_timeout from env (10s)",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)frankenphp(?:-|$)/,
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source:
        "serversideup/docker-php:src/variations/frankenphp/Dockerfile (no STOPSIGNAL; FROM php:<version>-zts-<os>)",
    },
    defaultArgv: {
      value: [
        "docker-php-serversideup-entrypoint",
        "frankenphp",
        "run",
        "--config",
        "/etc/frankenphp/Caddyfile",
        "--adapter",
        "caddyfile",
      ],
      source: "serversideup/docker-php:src/variations/frankenphp/Dockerfile",
    },
    entrypointExecs: { value: true, source: SSU_ENTRYPOINT },
    note: "serversideup FrankenPHP (Caddy serving PHP itself, no php-fpm)",
  },
  {
    repository: "serversideup/php",
    tag: /(?:^|-)unit(?:-|$)/,
    role: "other",
    note: "serversideup NGINX Unit variation: deprecated and removed from the repository, facts not recorded",
  },
  {
    repository: "serversideup/php",
    tag: ALPINE_TAG,
    role: "other",
    stopSignal: { value: "SIGTERM", source: `${SSU_CLI} (no STOPSIGNAL; FROM php:<version>-cli-<os>)` },
    shell: { value: "busybox", source: `${SSU_CLI} (FROM php:<version>-cli-<os>, alpine3.x)` },
    defaultArgv: {
      value: ["docker-php-serversideup-entrypoint"],
      source: `${SSU_CLI} (its ENTRYPOINT resets php's CMD; none set)`,
    },
    note: "serversideup PHP CLI on Alpine (the default variation: `8.3-alpine`, `8.3-cli-alpine`)",
  },
  {
    repository: "serversideup/php",
    role: "other",
    stopSignal: { value: "SIGTERM", source: `${SSU_CLI} (no STOPSIGNAL; FROM php:<version>-cli-<os>)` },
    shell: { value: "dash", source: `${SSU_CLI} (FROM php:<version>-cli-<os>, bookworm/trixie)` },
    defaultArgv: {
      value: ["docker-php-serversideup-entrypoint"],
      source: `${SSU_CLI} (its ENTRYPOINT resets php's CMD; none set)`,
    },
    note: "serversideup PHP CLI on Debian (the default variation: `latest`, `8.3`, `8.3-cli`)",
  },

  // ---------------------------------------------------------------------------------------------------------
  // Bitnami (bitnami/containers). Built on bitnami/minideb (Debian); `SHELL ["/bin/bash", …]` applies to RUN
  // only, /bin/sh stays Debian's dash.
  {
    repository: "bitnami/php-fpm",
    role: "fpm",
    stopSignal: {
      value: "SIGTERM",
      source:
        "bitnami/containers:bitnami/php-fpm/8.4/debian-12/Dockerfile (no STOPSIGNAL; FROM docker.io/bitnami/minideb:bookworm) + 8.3/debian-12/Dockerfile",
    },
    shell: {
      value: "dash",
      source:
        "bitnami/containers:bitnami/php-fpm/8.4/debian-12/Dockerfile (FROM docker.io/bitnami/minideb:bookworm)",
    },
    defaultArgv: {
      value: [
        "php-fpm",
        "-F",
        "--pid",
        "/opt/bitnami/php/tmp/php-fpm.pid",
        "-y",
        "/opt/bitnami/php/etc/php-fpm.conf",
      ],
      source: "bitnami/containers:bitnami/php-fpm/8.4/debian-12/Dockerfile (CMD, no ENTRYPOINT)",
    },
    note: "Bitnami php-fpm on minideb (Debian): no STOPSIGNAL, so SIGTERM kills in-flight requests; php-fpm is PID 1; config /opt/bitnami/php/etc",
  },
  {
    repository: "bitnami/nginx",
    tag: /^1\.(?:2[89]|[3-9]\d)(?:[.-]|$)/,
    role: "nginx",
    stopSignal: {
      value: "SIGQUIT",
      source:
        "bitnami/containers:bitnami/nginx/1.29/debian-12/Dockerfile + 1.28/debian-12/Dockerfile at 0b17ce06 (STOPSIGNAL SIGQUIT)",
    },
    shell: {
      value: "dash",
      source:
        "bitnami/containers:bitnami/nginx/1.29/debian-12/Dockerfile (FROM docker.io/bitnami/minideb:bookworm)",
    },
    defaultArgv: {
      value: ["/opt/bitnami/scripts/nginx/entrypoint.sh", "/opt/bitnami/scripts/nginx/run.sh"],
      source: "bitnami/containers:bitnami/nginx/1.29/debian-12/Dockerfile",
    },
    note: "Bitnami nginx 1.28+ on minideb (Debian, USER 1001, port 8080): STOPSIGNAL SIGQUIT",
  },
  {
    repository: "bitnami/nginx",
    tag: /^1\.(?:1\d|2[0-7])(?:[.-]|$)/,
    role: "nginx",
    stopSignal: {
      value: "SIGTERM",
      source: "bitnami/containers:bitnami/nginx/1.27/debian-12/Dockerfile at 043f89c8 (no STOPSIGNAL)",
    },
    shell: {
      value: "dash",
      source:
        "bitnami/containers:bitnami/nginx/1.27/debian-12/Dockerfile (FROM docker.io/bitnami/minideb:bookworm)",
    },
    defaultArgv: {
      value: ["/opt/bitnami/scripts/nginx/entrypoint.sh", "/opt/bitnami/scripts/nginx/run.sh"],
      source: "bitnami/containers:bitnami/nginx/1.27/debian-12/Dockerfile",
    },
    note: "Bitnami nginx 1.27 and older on minideb (Debian): no STOPSIGNAL, so SIGTERM (a fast shutdown)",
  },
  {
    repository: "bitnami/nginx",
    role: "nginx",
    shell: {
      value: "dash",
      source:
        "bitnami/containers:bitnami/nginx/1.29/debian-12/Dockerfile (FROM docker.io/bitnami/minideb:bookworm)",
    },
    note: "Bitnami nginx, tag without a version (`latest`): the stop signal depends on the build (SIGQUIT from 1.28)",
  },

  // ---------------------------------------------------------------------------------------------------------
  // Exporters whose names say php-fpm or nginx but which are neither.
  {
    repository: "hipages/php-fpm_exporter",
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: "hipages/php-fpm_exporter:Dockerfile (no STOPSIGNAL; FROM alpine:3.22.1)",
    },
    shell: { value: "busybox", source: "hipages/php-fpm_exporter:Dockerfile (FROM alpine:3.22.1)" },
    defaultArgv: { value: ["/php-fpm_exporter", "server"], source: "hipages/php-fpm_exporter:Dockerfile" },
    note: "Prometheus exporter for php-fpm's status page (port 9253): not php-fpm",
  },
  {
    repository: "nginx/nginx-prometheus-exporter",
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: "nginxinc/nginx-prometheus-exporter:build/Dockerfile (no STOPSIGNAL; FROM scratch)",
    },
    defaultArgv: {
      value: ["/usr/bin/nginx-prometheus-exporter"],
      source: "nginxinc/nginx-prometheus-exporter:build/Dockerfile",
    },
    note: "Prometheus exporter for nginx's stub_status: not nginx; FROM scratch, so there is no /bin/sh for exec hooks",
  },
  // The distributions' own images, which custom images are built FROM: no STOPSIGNAL (so SIGTERM), and
  // their /bin/sh. Debian's image config is generated by debuerreotype; Alpine's Dockerfile is FROM scratch.
  {
    repository: "debian",
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: "debuerreotype/docker-debian-artifacts:bookworm/oci/blobs/image-config.json (no StopSignal)",
    },
    shell: {
      value: "dash",
      source: "debuerreotype/docker-debian-artifacts:bookworm/rootfs.manifest (dash is /bin/sh on Debian)",
    },
    defaultArgv: {
      value: ["bash"],
      source: "debuerreotype/docker-debian-artifacts:bookworm/oci/blobs/image-config.json",
    },
    note: "Debian: what custom images are often built FROM",
  },
  {
    repository: "alpine",
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: "alpinelinux/docker-alpine:x86_64/Dockerfile (FROM scratch, no STOPSIGNAL)",
    },
    shell: {
      value: "busybox",
      source: "alpinelinux/docker-alpine:x86_64/Dockerfile (alpine-minirootfs: busybox)",
    },
    defaultArgv: { value: ["/bin/sh"], source: "alpinelinux/docker-alpine:x86_64/Dockerfile" },
    note: "Alpine: what custom images are often built FROM",
  },
  {
    repository: "caddy",
    tag: /alpine|^\d+(\.\d+)*$|^latest$/,
    role: "other",
    stopSignal: {
      value: "SIGTERM",
      source: "caddyserver/caddy-docker:2.8/alpine/Dockerfile (no STOPSIGNAL; FROM alpine:3.21)",
    },
    shell: { value: "busybox", source: "caddyserver/caddy-docker:2.8/alpine/Dockerfile (FROM alpine:3.21)" },
    defaultArgv: {
      value: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
      source: "caddyserver/caddy-docker:2.8/alpine/Dockerfile",
    },
    note: "Caddy: a web server that fronts php-fpm itself (php_fastcgi), not nginx",
  },
];
