import { dedent, fpmDeployment, ruleTester } from "./harness.js";

/** php-fpm from a custom image (linked to the only php-fpm Dockerfile), with an optional command. */
const deployment = (command = "") => fpmDeployment(command, "registry.example.com/shop/app:1.4");

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
      name: "manifest `command: [sh, -c, …]` without exec",
      files: { "app.yaml": deployment('command: [sh, -c, "php-fpm -t && php-fpm -F"]') },
      findings: [{ line: 10, column: 20, severity: "error", message: "keeps php-fpm as its child" }],
    },
    {
      name: "nginx started by `sh -c` without exec",
      files: {
        "app.yaml": dedent`
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
                  - envsubst < /tmpl > /etc/nginx/conf.d/default.conf; nginx -g 'daemon off;'
        `,
      },
      findings: [{ line: 9, column: 9, severity: "error", message: "keeps nginx as its child" }],
    },
  ],
});
