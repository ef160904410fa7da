import { dedent, ruleTester } from "./harness.js";

/** nginx and php-fpm in one pod; each one's lifecycle varies. */
const pod = (nginxLifecycle: string, fpmLifecycle: string, fpmSidecar = false) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      spec:
        ${fpmSidecar ? "initContainers:" : "containers:"}
          - name: php-fpm
            image: php:8.2-fpm
            ${fpmSidecar ? "restartPolicy: Always" : "ports: [{containerPort: 9000}]"}
            lifecycle: ${fpmLifecycle}
        ${fpmSidecar ? "containers:" : "# nginx follows"}
          - name: nginx
            image: nginx:1.27
            lifecycle: ${nginxLifecycle}
`;

ruleTester("nginx-stops-first", {
  valid: [
    {
      name: "both wait 10s",
      files: { "app.yaml": pod("{preStop: {sleep: {seconds: 10}}}", "{preStop: {sleep: {seconds: 10}}}") },
    },
    {
      name: "nginx waits out propagation (6s ≥ 5s) though php-fpm waits longer",
      files: { "app.yaml": pod("{preStop: {sleep: {seconds: 6}}}", "{preStop: {sleep: {seconds: 10}}}") },
    },
    {
      name: "php-fpm as a native sidecar stops after nginx by construction",
      files: { "app.yaml": pod("{preStop: {sleep: {seconds: 10}}}", "{}", true) },
    },
  ],
  invalid: [
    {
      name: "nginx without a preStop closes at once while php-fpm waits 10s",
      files: { "app.yaml": pod("{}", "{preStop: {sleep: {seconds: 10}}}") },
      findings: [
        {
          line: 13,
          column: 17,
          severity: "error",
          message: "nginx (nginx) closes its listener at 0s, before php-fpm (10s)",
          container: "nginx",
        },
      ],
    },
    {
      name: "nginx's preStop (2s) is shorter than php-fpm's and than propagation: points at the hook",
      files: { "app.yaml": pod("{preStop: {sleep: {seconds: 2}}}", "{preStop: {sleep: {seconds: 10}}}") },
      findings: [{ line: 15, column: 33, severity: "error", message: "closes its listener at 2s" }],
    },
    {
      name: "a native sidecar php-fpm behind nginx without a preStop",
      files: { "app.yaml": pod("{}", "{preStop: {sleep: {seconds: 10}}}", true) },
      findings: [{ line: 13, column: 17, severity: "error", message: "closes its listener at 0s" }],
    },
  ],
});
