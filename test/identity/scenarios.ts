/** Multi-file inputs the identity tests build models from (and permute: the outcome must not change). */
import type { Files } from "../rules/harness.js";
import { deployment } from "./support.js";

/** App, web and queue containers of two custom images, each built by a Dockerfile named for it. */
export const NAMED: Files = {
  "k8s/app.yaml": deployment(
    "shop",
    `        - name: app
          image: registry.example.com/shop/fpm:1.4
        - name: web
          image: registry.example.com/shop/nginx:1.4
        - name: queue
          image: registry.example.com/shop/fpm:1.4
          command: [php, artisan, queue:work]
`,
  ),
  "docker/fpm/Dockerfile": "FROM php:8.3-fpm-alpine\nENV PCT=20s\n",
  "docker/nginx/Dockerfile": "FROM nginx:1.27-alpine\n",
};

/** NAMED with a second Dockerfile whose path names fpm: the fpm image is ambiguous. */
export const AMBIGUOUS: Files = { ...NAMED, "shop/fpm/Dockerfile": "FROM php:8.3-fpm\n" };

/** A Symfony-style multi-stage Dockerfile (php stages, then caddy) linked to a php-fpm container by port 9000. */
export const MULTI_STAGE: Files = {
  "k8s/app.yaml": deployment(
    "api",
    `        - name: app
          image: myorg/app:1
          ports: [{containerPort: 9000}]
`,
  ),
  Dockerfile: "FROM php:8.2-fpm AS base\nFROM base AS prod\nSTOPSIGNAL SIGTERM\nFROM caddy:2\n",
};

/** Images named for nothing: each goes with the only Dockerfile of its role; two manifests. */
export const SOLE_OF_ROLE: Files = {
  "k8s/web.yaml": deployment(
    "web",
    `        - name: php
          image: ghcr.io/acme/backend:7
          ports: [{containerPort: 9000}]
        - name: proxy
          image: ghcr.io/acme/frontend:7
          command: [nginx, -g, "daemon off;"]
`,
  ),
  "k8s/jobs.yaml": deployment(
    "jobs",
    `        - name: worker
          image: ghcr.io/acme/backend:7
          command: [php, artisan, horizon]
`,
  ),
  "images/one/Dockerfile": "FROM php:8.3-fpm\n",
  "images/two/Dockerfile": "FROM nginx:1.27\n",
};

/** One php-fpm image named for nothing, two php-fpm Dockerfiles: ambiguous. */
export const SOLE_AMBIGUOUS: Files = {
  "k8s/web.yaml": deployment(
    "web",
    `        - name: php
          image: ghcr.io/acme/backend:7
          ports: [{containerPort: 9000}]
`,
  ),
  "images/one/Dockerfile": "FROM php:8.3-fpm\n",
  "images/two/Dockerfile": "FROM php:8.2-fpm-alpine\n",
};

/** A Dockerfile FROM an image another Dockerfile of the inputs builds: STOPSIGNAL and ENV carry over. */
export const CHAIN: Files = {
  "k8s/app.yaml": deployment(
    "shop",
    `        - name: app
          image: registry.example.com/acme/shop:2
`,
  ),
  "docker/php-base/Dockerfile": "FROM php:8.3-fpm-alpine\nSTOPSIGNAL SIGTERM\nENV BASE=1\n",
  "docker/shop/Dockerfile": "FROM registry.example.com/acme/php-base:1\nENV APP=1\n",
};

/** An explicit annotation link, a role declaration and a known image beside a Dockerfile given alone. */
export const ANNOTATED: Files = {
  "k8s/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: blog
  annotations:
    fpm-graceful.io/dockerfile.wp: ../build/wp/Dockerfile
    fpm-graceful.io/role.sidecar: worker
spec:
  template:
    spec:
      containers:
        - name: wp
          image: registry.example.com/blog/site:5
        - name: sidecar
          image: alpine:3.20
        - name: nginx
          image: nginx:1.27
`,
  "build/wp/Dockerfile": 'FROM wordpress:6-fpm\nSTOPSIGNAL SIGQUIT\nCMD ["php-fpm"]\n',
  "build/tools/Dockerfile": "FROM golang:1.22\n",
};

export const SCENARIOS: Record<string, Files> = {
  NAMED,
  AMBIGUOUS,
  MULTI_STAGE,
  SOLE_OF_ROLE,
  SOLE_AMBIGUOUS,
  CHAIN,
  ANNOTATED,
};
