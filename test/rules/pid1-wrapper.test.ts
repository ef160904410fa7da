import { dedent, fpmDeployment, ruleTester } from "./harness.js";

/** php-fpm from a custom image (linked to the only php-fpm Dockerfile), with an optional command. */
const deployment = (command = "") => fpmDeployment(command, "registry.example.com/shop/app:1.4");

/** A Pod whose nginx (official image: Debian, dash) runs `script` through `/bin/sh -c`. */
const nginxPod = (script: string) => dedent`
  apiVersion: v1
  kind: Pod
  metadata: {name: web}
  spec:
    containers:
      - name: nginx
        image: nginx:1.27
        command:
          - /bin/sh
          - -c
          - ${script}
`;

ruleTester("pid1-wrapper", {
  valid: [
    {
      name: "exec-form CMD",
      files: { "app.yaml": deployment(), Dockerfile: 'FROM php:8.2-fpm\nCMD ["php-fpm", "-F"]\n' },
    },
    {
      name: "shell-form CMD that execs php-fpm",
      files: { "app.yaml": deployment(), Dockerfile: "FROM php:8.2-fpm\nCMD exec php-fpm -F\n" },
    },
    {
      name: "manifest `sh -c` that ends in `exec php-fpm`",
      files: { "app.yaml": deployment('command: [sh, -c, "php-fpm -t && exec php-fpm -F"]') },
    },
    { name: "manifest exec-form command", files: { "app.yaml": deployment("command: [php-fpm, -F]") } },
    {
      // busybox's ash execs the last command of `sh -c` (ash.c: evalstring(minusc, EV_EXIT)): php-fpm is PID 1.
      name: "manifest `sh -c` on an Alpine image: busybox execs the last command",
      files: {
        "app.yaml": deployment('command: [sh, -c, "php-fpm -t && php-fpm -F"]'),
        Dockerfile: "FROM php:8.3-fpm-alpine\n",
      },
    },
    {
      name: "shell-form CMD on an Alpine image",
      files: { "app.yaml": deployment(), Dockerfile: "FROM php:8.3-fpm-alpine\nCMD php-fpm -F\n" },
    },
    {
      name: "manifest `bash -c`: bash execs the last command",
      files: { "app.yaml": deployment('command: [bash, -c, "php-fpm -t; php-fpm -F"]') },
    },
    {
      name: "a shell-form CMD in an image of another role",
      files: {
        "app.yaml": dedent`
          apiVersion: v1
          kind: Pod
          metadata: {name: worker}
          spec:
            containers:
              - name: worker
                image: registry.example.com/shop/worker:1
                command: [sh, -c, "run-jobs"]
        `,
      },
    },
  ],
  invalid: [
    {
      name: "shell-form CMD in the Dockerfile keeps php-fpm as a child of sh",
      output: null,
      files: { "app.yaml": deployment(), Dockerfile: "FROM php:8.2-fpm\n\nCMD php-fpm -F\n" },
      findings: [
        {
          file: "Dockerfile",
          line: 3,
          column: 5,
          severity: "error",
          message: "PID 1 of php-fpm is a shell (`/bin/sh -c php-fpm -F`)",
          fix: "exec php-fpm",
        },
      ],
    },
    {
      name: "manifest `command: [sh, -c, …]` without exec on a Debian image (dash)",
      files: {
        "app.yaml": deployment('command: [sh, -c, "php-fpm -t && php-fpm -F"]'),
        Dockerfile: "FROM php:8.2-fpm\n",
      },
      findings: [{ line: 10, column: 20, severity: "error", message: "keeps php-fpm as its child" }],
    },
    {
      name: "manifest `sh -c` without exec on an image whose /bin/sh is unknown: a warning that says so",
      files: { "app.yaml": deployment('command: [sh, -c, "php-fpm -t && php-fpm -F"]') },
      findings: [
        {
          line: 10,
          column: 20,
          severity: "warning",
          message: "Assumed: the /bin/sh of php-fpm's image registry.example.com/shop/app:1.4 is unknown",
        },
      ],
    },
    {
      name: "a `sh -c` ending in a pipeline: no exec is inserted (it would not make the server PID 1)",
      output: null,
      files: {
        "app.yaml": deployment('command: [sh, -c, "php-fpm -F 2>&1 | cat"]'),
        Dockerfile: "FROM php:8.2-fpm\n",
      },
      findings: [{ line: 10, column: 20, severity: "error", message: "keeps php-fpm as its child" }],
    },
    {
      name: "nginx started by `sh -c` without exec",
      files: {
        "app.yaml": nginxPod("envsubst < /tmpl > /etc/nginx/conf.d/default.conf; nginx -g 'daemon off;'"),
      },
      findings: [{ line: 9, column: 9, severity: "error", message: "keeps nginx as its child" }],
      // `exec` goes before the last command, not into the quoted `daemon off;` (nginx would refuse to start).
      output: {
        "app.yaml": nginxPod(
          "envsubst < /tmpl > /etc/nginx/conf.d/default.conf; exec nginx -g 'daemon off;'",
        ),
      },
    },
  ],
});
