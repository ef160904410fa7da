import { dedent, ruleTester } from "./harness.js";

/** nginx and php-fpm in one pod, each with a preStop sleep of the given seconds (0: none). */
const pod = (nginxSeconds: number, fpmSeconds: number, fpmSidecar = false) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      spec:
        terminationGracePeriodSeconds: 90
        ${fpmSidecar ? "initContainers:" : "containers:"}
          - name: php-fpm
            image: php:8.2-fpm
            ${fpmSidecar ? "restartPolicy: Always" : "ports: [{containerPort: 9000}]"}
            lifecycle: ${fpmSeconds > 0 ? `{preStop: {sleep: {seconds: ${fpmSeconds}}}}` : "{}"}
        ${fpmSidecar ? "containers:" : "# nginx follows"}
          - name: nginx
            image: nginx:1.27
            lifecycle: ${nginxSeconds > 0 ? `{preStop: {sleep: {seconds: ${nginxSeconds}}}}` : "{}"}
`;

const l4 = { front: "l4" as const };

ruleTester("fpm-stops-before-nginx", {
  valid: [
    {
      name: "behind an ingress (l7) nothing arrives after propagation: php-fpm at 7s, nginx at 15s",
      files: { "app.yaml": pod(15, 7) },
    },
    { name: "l4: php-fpm waits as long as nginx", files: { "app.yaml": pod(15, 15) }, assumptions: l4 },
    { name: "l4: php-fpm waits longer than nginx", files: { "app.yaml": pod(7, 10) }, assumptions: l4 },
    {
      name: "l4: php-fpm as a native sidecar stops after nginx has exited",
      files: { "app.yaml": pod(15, 0, true) },
      assumptions: l4,
    },
  ],
  invalid: [
    {
      name: "l4: php-fpm stops at 7s while keep-alive clients reach nginx until 15s",
      files: { "app.yaml": pod(15, 7) },
      assumptions: l4,
      findings: [
        {
          line: 12,
          column: 33,
          severity: "error",
          messageId: "default",
          data: { container: "php-fpm", nginx: "nginx", closesAt: "7s", nginxClosesAt: "15s", seconds: 15 },
          container: "php-fpm",
          fix: "`sleep: {seconds: 15}`",
        },
      ],
      output: {
        "app.yaml": pod(15, 15),
      },
    },
    {
      name: "l4: php-fpm without a preStop, nginx waits 10s (the delay rules also fire; the fix agrees with them)",
      files: { "app.yaml": pod(10, 0) },
      assumptions: l4,
      findings: [{ line: 9, column: 17, severity: "error", message: "stops taking requests at 0s" }],
    },
  ],
});
