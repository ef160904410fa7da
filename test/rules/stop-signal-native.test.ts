import { fpmDeployment, ruleTester } from "./harness.js";

const deployment = (image: string, lifecycle = "{}") => fpmDeployment(`lifecycle: ${lifecycle}`, image);

ruleTester("stop-signal-native", {
  valid: [
    { name: "the image's STOPSIGNAL is SIGQUIT", files: { "app.yaml": deployment("php:8.2-fpm") } },
    {
      name: "Kubernetes 1.32 has no lifecycle.stopSignal",
      files: { "app.yaml": deployment("registry.example.com/shop/app:1") },
      assumptions: { kubeVersion: "1.32" },
    },
    {
      name: "lifecycle.stopSignal SIGQUIT already set",
      files: { "app.yaml": deployment("registry.example.com/shop/app:1", "{stopSignal: SIGQUIT}") },
    },
  ],
  invalid: [
    {
      name: "a custom image without STOPSIGNAL on 1.33",
      output: null,
      files: { "app.yaml": deployment("registry.example.com/shop/app:1") },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "info",
          message:
            "php-fpm's stop signal is SIGTERM (the stop signal of image registry.example.com/shop/app:1 is unknown",
          fix: "STOPSIGNAL SIGQUIT",
        },
      ],
    },
    {
      name: "a Dockerfile `STOPSIGNAL SIGTERM` on 1.34",
      output: null,
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1"),
        "app/Dockerfile": "FROM php:8.2-fpm\nSTOPSIGNAL SIGTERM\n",
      },
      assumptions: { kubeVersion: "1.34" },
      findings: [
        { line: 8, column: 17, severity: "info", message: "stop signal is SIGTERM (STOPSIGNAL SIGTERM)" },
      ],
    },
  ],
});
