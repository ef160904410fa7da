import { fpmDeployment, ruleTester } from "./harness.js";

/** A php-fpm Deployment whose image and preStop vary; the stop signal decides this rule. */
const deployment = (image: string, extra = "") => fpmDeployment(extra, image);

ruleTester("fpm-hard-stop", {
  valid: [
    {
      name: "official php:*-fpm image: STOPSIGNAL SIGQUIT",
      files: { "app.yaml": deployment("php:8.2-fpm") },
    },
    {
      name: "custom image whose Dockerfile inherits SIGQUIT from php:*-fpm",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1.4"),
        "app/Dockerfile": 'FROM php:8.2-fpm\nCMD ["php-fpm"]\n',
      },
    },
    {
      name: "lifecycle.stopSignal SIGQUIT on 1.33 overrides an image without STOPSIGNAL",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1.4", "lifecycle: {stopSignal: SIGQUIT}"),
      },
    },
  ],
  invalid: [
    {
      name: "an image the tool does not know, no Dockerfile: SIGTERM assumed, a warning that says so",
      output: null,
      files: { "app.yaml": deployment("registry.example.com/shop/app:1.4") },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message: "Assumed: the stop signal of php-fpm's image registry.example.com/shop/app:1.4 is unknown",
          fix: "",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "a Dockerfile FROM debian that installs php-fpm and sets no STOPSIGNAL: SIGTERM is known",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1.4"),
        "app/Dockerfile":
          'FROM debian:bookworm-slim\nRUN apt-get install -y php8.2-fpm\nCMD ["php-fpm8.2", "-F"]\n',
      },
      findings: [
        {
          file: "app/Dockerfile",
          line: 1,
          column: 1,
          severity: "error",
          message: "php-fpm gets SIGTERM at 0s (inherited from debian:bookworm-slim",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "Dockerfile STOPSIGNAL SIGTERM: the finding points at it",
      files: {
        "app.yaml": deployment("registry.example.com/shop/app:1.4"),
        "app/Dockerfile": "FROM php:8.2-fpm\nSTOPSIGNAL SIGTERM\n",
      },
      findings: [
        {
          file: "app/Dockerfile",
          line: 2,
          column: 12,
          severity: "error",
          message: "php-fpm gets SIGTERM at 0s (STOPSIGNAL SIGTERM)",
        },
      ],
    },
    {
      name: "lifecycle.stopSignal SIGINT on 1.33",
      output: null,
      files: { "app.yaml": deployment("php:8.2-fpm", "lifecycle: {stopSignal: SIGINT}") },
      findings: [{ line: 10, column: 35, severity: "error", message: "php-fpm gets SIGINT at 0s" }],
    },
    {
      name: "a preStop `kill -TERM 1` after a sleep: the finding points at the hook",
      files: {
        "app.yaml": deployment(
          "php:8.2-fpm",
          'lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep 10; kill -TERM 1"]}}}',
        ),
      },
      findings: [{ line: 10, column: 62, severity: "error", message: "php-fpm gets SIGTERM at 10s" }],
    },
  ],
});
