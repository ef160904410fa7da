import { dedent, ruleTester } from "./harness.js";

const deployment = dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    template:
      spec:
        terminationGracePeriodSeconds: 90
        containers:
          - name: php-fpm
            image: php:8.2-fpm
            lifecycle: {preStop: {sleep: {seconds: 10}}}
`;

ruleTester("process-control-timeout-short", {
  valid: [
    {
      name: "65s covers request_terminate_timeout 60s",
      files: {
        "app.yaml": deployment,
        "php-fpm.d/zz.conf":
          "[global]\nprocess_control_timeout = 65s\n[www]\nrequest_terminate_timeout = 60s\n",
      },
    },
    {
      name: "30s covers the default --max-request 30s",
      files: { "app.yaml": deployment, "php-fpm.d/zz.conf": "[global]\nprocess_control_timeout = 30s\n" },
    },
    {
      name: "1m covers php.ini's max_execution_time 45",
      files: {
        "app.yaml": deployment,
        "php-fpm.d/zz.conf": "[global]\nprocess_control_timeout = 1m\n",
        "conf.d/limits.ini": "max_execution_time = 45\n",
      },
    },
  ],
  invalid: [
    {
      name: "Helm output: a ConfigMap mounted by subPath, the finding inside its block scalar",
      files: {
        "rendered.yaml": dedent`
          # Source: shop/templates/fpm-config.yaml
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: fpm}
          data:
            zz-graceful.conf: |
              [global]
              process_control_timeout = 20s

              [www]
              request_terminate_timeout = 60s
          ---
          # Source: shop/templates/deployment.yaml
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                terminationGracePeriodSeconds: 90
                containers:
                  - name: php-fpm
                    image: php:8.2-fpm
                    lifecycle: {preStop: {sleep: {seconds: 10}}}
                    volumeMounts:
                      - {name: fpm, mountPath: /usr/local/etc/php-fpm.d/zz-graceful.conf, subPath: zz-graceful.conf}
                volumes: [{name: fpm, configMap: {name: fpm}}]
        `,
      },
      findings: [
        {
          line: 8,
          column: 5,
          severity: "error",
          message: "process_control_timeout 20s is shorter than the longest request 60s",
          helmSource: "shop/templates/fpm-config.yaml",
        },
      ],
    },
    {
      name: "5s against request_terminate_timeout 60s",
      files: {
        "app.yaml": deployment,
        "php-fpm.d/zz.conf":
          "[global]\nprocess_control_timeout = 5s\n\n[www]\nrequest_terminate_timeout = 60s\n",
      },
      findings: [
        {
          file: "php-fpm.d/zz.conf",
          line: 2,
          column: 1,
          severity: "error",
          message:
            "process_control_timeout 5s is shorter than the longest request 60s (request_terminate_timeout = 60s",
          fix: "process_control_timeout = 65s",
        },
      ],
    },
    {
      name: "10s against the default --max-request 30s",
      files: { "app.yaml": deployment, "php-fpm.d/zz.conf": "[global]\nprocess_control_timeout = 10s\n" },
      findings: [
        {
          file: "php-fpm.d/zz.conf",
          line: 2,
          column: 1,
          severity: "error",
          message: "longest request 30s (--max-request 30s (assumed))",
        },
      ],
    },
    {
      name: "--max-request 120s",
      files: { "app.yaml": deployment, "php-fpm.d/zz.conf": "[global]\nprocess_control_timeout = 60s\n" },
      assumptions: { maxRequestSeconds: 120 },
      findings: [
        {
          file: "php-fpm.d/zz.conf",
          line: 2,
          column: 1,
          severity: "error",
          message: "60s is shorter than the longest request 120s",
        },
      ],
    },
  ],
});
