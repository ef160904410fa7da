import { dedent, ruleTester } from "./harness.js";

ruleTester("readiness-probe-missing", {
  valid: [
    {
      name: "both serving containers have a probe",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                containers:
                  - name: nginx
                    image: nginx:1.27
                    readinessProbe: {httpGet: {path: /healthz, port: 80}}
                  - name: php-fpm
                    image: php:8.2-fpm
                    readinessProbe: {tcpSocket: {port: 9000}}
        `,
      },
    },
    {
      name: "a CronJob serves no traffic",
      files: {
        "app.yaml": dedent`
          apiVersion: batch/v1
          kind: CronJob
          metadata: {name: cron}
          spec:
            schedule: "*/5 * * * *"
            jobTemplate:
              spec:
                template:
                  spec:
                    containers:
                      - name: php-fpm
                        image: php:8.2-fpm
        `,
      },
    },
    {
      name: "a container that is neither php-fpm nor nginx",
      files: {
        "app.yaml": dedent`
          apiVersion: v1
          kind: Pod
          metadata: {name: redis}
          spec:
            containers:
              - name: redis
                image: redis:7
        `,
      },
    },
  ],
  invalid: [
    {
      name: "php-fpm without a readinessProbe, in a native sidecar and a main container",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                initContainers:
                  - name: php-fpm
                    image: php:8.2-fpm
                    restartPolicy: Always
                containers:
                  - name: nginx
                    image: nginx:1.27
                    ports: [{containerPort: 8080}]
        `,
      },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message: "php-fpm has no readinessProbe",
          fix: "port: 9000",
          container: "php-fpm",
        },
        {
          line: 12,
          column: 17,
          severity: "warning",
          message: "before nginx listens",
          fix: "port: 8080",
          container: "nginx",
        },
      ],
    },
  ],
});
