import { dedent, ruleTester } from "./harness.js";

/** nginx and php-fpm in one pod, both waiting out endpoint propagation; nginx's image varies. */
const pod = (nginxImage: string, nginxExtra = "") => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      spec:
        containers:
          - name: nginx
            image: ${nginxImage}
            lifecycle: {preStop: {sleep: {seconds: 10}}${nginxExtra}}
          - name: php-fpm
            image: php:8.2-fpm
            lifecycle: {preStop: {sleep: {seconds: 10}}}
`;

ruleTester("nginx-hard-stop", {
  valid: [
    { name: "official nginx image: STOPSIGNAL SIGQUIT", files: { "app.yaml": pod("nginx:1.27") } },
    {
      name: "nginx-unprivileged image",
      files: { "app.yaml": pod("nginxinc/nginx-unprivileged:1.27-alpine") },
    },
    {
      name: "custom image built FROM nginx inherits SIGQUIT",
      files: { "app.yaml": pod("registry.example.com/shop/web:2"), "web/Dockerfile": "FROM nginx:1.27\n" },
    },
    {
      name: "lifecycle.stopSignal SIGQUIT on 1.33",
      files: { "app.yaml": pod("registry.example.com/shop/web:2", ", stopSignal: SIGQUIT") },
    },
  ],
  invalid: [
    {
      name: "an nginx image the tool does not know: SIGTERM at the end of the preStop is assumed, a warning",
      output: null,
      files: { "app.yaml": pod("registry.example.com/shop/web:2") },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message: "nginx (nginx) gets SIGTERM at 10s",
          container: "nginx",
        },
      ],
    },
    {
      name: "a Dockerfile FROM alpine that installs nginx and sets no STOPSIGNAL: SIGTERM is known",
      files: {
        "app.yaml": pod("registry.example.com/shop/web:2"),
        "web/Dockerfile":
          'FROM alpine:3.20\nRUN apk add --no-cache nginx\nCMD ["nginx", "-g", "daemon off;"]\n',
      },
      findings: [
        {
          file: "web/Dockerfile",
          line: 1,
          column: 1,
          severity: "error",
          message: "nginx (nginx) gets SIGTERM at 10s (inherited from alpine:3.20",
        },
      ],
    },
    {
      name: "Dockerfile `STOPSIGNAL SIGTERM` over an nginx base",
      files: {
        "app.yaml": pod("registry.example.com/shop/web:2"),
        "web/Dockerfile": "FROM nginx:1.27\nSTOPSIGNAL SIGTERM\n",
      },
      findings: [
        { file: "web/Dockerfile", line: 2, column: 12, severity: "error", message: "gets SIGTERM at 10s" },
      ],
    },
  ],
});
