import { dedent, fpmDeployment, ruleTester } from "./harness.js";

const fpm = (image: string, command: string) =>
  fpmDeployment(`lifecycle:\n  preStop:\n    exec:\n      command: ${command}`, image);

ruleTester("prestop-kill-syntax", {
  valid: [
    {
      name: "`kill -QUIT 1` in dash",
      files: { "app.yaml": fpm("php:8.2-fpm", '["sh", "-c", "sleep 10 && kill -QUIT 1"]') },
    },
    {
      name: "`kill -s QUIT 1` in dash",
      files: { "app.yaml": fpm("php:8.2-fpm", '["sh", "-c", "kill -s QUIT 1"]') },
    },
    { name: "`kill -3 1` in dash", files: { "app.yaml": fpm("php:8.2-fpm", '["sh", "-c", "kill -3 1"]') } },
    {
      name: "busybox (alpine) accepts `-SIGQUIT`",
      files: { "app.yaml": fpm("php:8.2-fpm-alpine", '["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]') },
    },
    {
      name: "an explicit bash accepts `-SIGQUIT`",
      files: { "app.yaml": fpm("php:8.2-fpm", '["bash", "-c", "sleep 10 && kill -SIGQUIT 1"]') },
    },
    {
      name: "a custom image built FROM alpine: busybox",
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4", '["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]'),
        "app/Dockerfile": "FROM alpine:3.20\nRUN apk add --no-cache php83-fpm\n",
      },
    },
  ],
  invalid: [
    {
      name: "Helm output on stdin: the finding names the chart template",
      files: {
        "<stdin>": dedent`
          ---
          # Source: shop/templates/service.yaml
          apiVersion: v1
          kind: Service
          metadata: {name: app}
          spec: {ports: [{port: 9000}]}
          ---
          # Source: shop/templates/deployment.yaml
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                containers:
                  - name: php-fpm
                    image: php:8.2-fpm
                    lifecycle:
                      preStop:
                        exec:
                          command: [sh, -c, "sleep 10 && kill -SIGQUIT 1"]
        `,
      },
      findings: [
        {
          line: 21,
          column: 48,
          severity: "error",
          message: "fails in dash",
          helmSource: "shop/templates/deployment.yaml",
        },
      ],
    },
    {
      name: "the copied recipe on the official Debian image: dash rejects `-SIGQUIT`",
      files: { "app.yaml": fpm("php:8.2-fpm", '["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]') },
      findings: [
        {
          line: 13,
          column: 52,
          severity: "error",
          message: "`kill -SIGQUIT` fails in dash (image php:8.2-fpm",
          fix: "kill -QUIT 1",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "an explicit `dash -c` on any image",
      files: { "app.yaml": fpm("php:8.2-fpm-alpine", '["dash", "-c", "kill -SIGQUIT 1"]') },
      findings: [
        { line: 13, column: 42, severity: "error", message: "fails in dash (the hook runs `dash -c`)" },
      ],
    },
    {
      name: "a custom image whose shell is unknown: a warning",
      output: null,
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4", '["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]'),
      },
      findings: [{ line: 13, column: 52, severity: "warning", message: "fails where /bin/sh is dash" }],
    },
    {
      name: "the Dockerfile links a custom image to a Debian base: dash",
      files: {
        "app.yaml": fpm(
          "registry.example.com/shop/app:1.4",
          '["/bin/sh", "-c", "sleep 10 && kill -SIGQUIT 1"]',
        ),
        "app/Dockerfile": "FROM php:8.2-fpm\n",
      },
      findings: [
        {
          line: 13,
          column: 57,
          severity: "error",
          message: "fails in dash (Dockerfile app/Dockerfile FROM php:8.2-fpm)",
        },
      ],
    },
    {
      name: "a custom image built FROM debian: dash",
      output: null,
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4", '["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]'),
        "app/Dockerfile": "FROM debian:12-slim\nRUN apt-get install -y php8.2-fpm\n",
      },
      findings: [
        {
          line: 13,
          column: 52,
          severity: "error",
          message: "fails in dash (Dockerfile app/Dockerfile FROM debian:12-slim)",
        },
      ],
    },
  ],
});
