import { dedent, fpmDeployment, ruleTester } from "./harness.js";

const FPM_CONF = "[global]\nprocess_control_timeout = 30s\n";

const fpm = (lifecycle = "{}") => fpmDeployment(`lifecycle: ${lifecycle}`);

ruleTester("prestop-delay-missing", {
  valid: [
    { name: "native preStop.sleep 10", files: { "app.yaml": fpm("{preStop: {sleep: {seconds: 10}}}") } },
    {
      name: "exec `sleep 10`",
      files: { "app.yaml": fpm('{preStop: {exec: {command: [sleep, "10"]}}}') },
    },
    {
      name: "a Job serves no traffic (no serving front: no window)",
      files: {
        "app.yaml": dedent`
          apiVersion: batch/v1
          kind: Job
          metadata: {name: migrate}
          spec:
            template:
              spec:
                containers:
                  - name: migrate
                    image: registry.example.com/shop/migrate:1
        `,
      },
    },
  ],
  invalid: [
    {
      name: "php-fpm alone without a preStop: SIGQUIT at once leaves new connections in its backlog",
      files: { "app.yaml": fpm(), "php-fpm.d/zz-graceful.conf": FPM_CONF },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "error",
          message: "php-fpm has no preStop delay: it stops taking connections at 0s",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "nginx alone (in front of a php-fpm Service) without a preStop: refused",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            template:
              spec:
                containers:
                  - name: nginx
                    image: nginx:1.27
        `,
      },
      findings: [{ line: 8, column: 17, severity: "error", message: "(refused, 502)", container: "nginx" }],
    },
    {
      name: "a preStop that signals at once is no delay",
      output: null,
      files: { "app.yaml": fpm('{preStop: {exec: {command: ["sh", "-c", "kill -QUIT 1"]}}}') },
      findings: [{ line: 8, column: 17, severity: "error", message: "has no preStop delay" }],
    },
  ],
});
