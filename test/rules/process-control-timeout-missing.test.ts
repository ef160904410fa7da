import { dedent, ruleTester } from "./harness.js";

const deployment = (image: string) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    template:
      spec:
        containers:
          - name: php-fpm
            image: ${image}
`;

ruleTester("process-control-timeout-missing", {
  valid: [
    {
      name: "set in a [global] section of a php-fpm.d file",
      files: {
        "app.yaml": deployment("php:8.2-fpm"),
        "php-fpm.d/zz.conf": "[global]\nprocess_control_timeout = 30s\n",
      },
    },
    {
      name: "written only to php.ini: process-control-timeout-ignored explains it instead",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1"),
        "app/Dockerfile":
          "FROM php:8.2-fpm\nRUN echo process_control_timeout=5s >> /usr/local/etc/php/conf.d/x.ini\n",
      },
    },
    {
      name: "a Dockerfile RUN printf that writes [global] and the setting into php-fpm.d",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1"),
        "app/Dockerfile":
          "FROM php:8.2-fpm\nRUN printf '[global]\\nprocess_control_timeout = 30s\\n' > /usr/local/etc/php-fpm.d/zz.conf\n",
      },
    },
    {
      name: "no php-fpm container",
      files: { "app.yaml": deployment("nginx:1.27") },
    },
  ],
  invalid: [
    {
      name: "a php-fpm.d file mounted from a ConfigMap that is not among the inputs: a warning, not an error",
      output: null,
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                containers:
                  - name: php-fpm
                    image: php:8.2-fpm
                    volumeMounts: [{name: fpm, mountPath: /usr/local/etc/php-fpm.d/zz.conf, subPath: zz.conf}]
                volumes: [{name: fpm, configMap: {name: app-fpm}}]
        `,
      },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message:
            "ConfigMap app-fpm mounted at /usr/local/etc/php-fpm.d/zz.conf is not among them and may set it",
        },
      ],
    },
    {
      name: "official image, no config: points at the container",
      files: { "app.yaml": deployment("php:8.2-fpm") },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "error",
          message: "no [global] process_control_timeout reaches php-fpm: its default is 0",
          fix: "process_control_timeout = 35s",
        },
      ],
    },
    {
      name: "a [global] section without it: points at the section's first setting",
      files: {
        "app.yaml": deployment("php:8.2-fpm"),
        "php-fpm.d/zz.conf":
          "[global]\nemergency_restart_threshold = 10\n\n[www]\nrequest_terminate_timeout = 60s\n",
      },
      findings: [
        {
          file: "php-fpm.d/zz.conf",
          line: 2,
          column: 1,
          severity: "error",
          messageId: "default",
          data: { seconds: 65, longest: "60s" },
          fix: "= 65s",
        },
      ],
      // A [global] of its own after the pool, appended after the file's last line (its final newline kept).
      output: {
        "php-fpm.d/zz.conf":
          "[global]\nemergency_restart_threshold = 10\n\n[www]\nrequest_terminate_timeout = 60s\n\n[global]\nprocess_control_timeout = 65s\n",
      },
    },
    {
      name: "a Dockerfile STOPSIGNAL SIGQUIT: points at it",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1"),
        "app/Dockerfile": "FROM php:8.2-fpm\nSTOPSIGNAL SIGQUIT\n",
      },
      findings: [
        { file: "app/Dockerfile", line: 2, column: 12, severity: "error", message: "its default is 0" },
      ],
    },
  ],
});
