import { fpmDeployment, ruleTester } from "./harness.js";

const FPM_CONF = "[global]\nprocess_control_timeout = 30s\n";

const fpm = (image: string, script: string) =>
  fpmDeployment(`lifecycle:\n  preStop:\n    exec:\n      command: ["sh", "-c", "${script}"]`, image);

ruleTester("prestop-kill-overridden", {
  valid: [
    {
      name: "official alpine image: its stop signal is SIGQUIT, and a second SIGQUIT is ignored",
      files: {
        "app.yaml": fpm("php:8.2-fpm-alpine", "sleep 10 && kill -SIGQUIT 1"),
        "php-fpm.d/zz.conf": FPM_CONF,
      },
    },
    {
      name: "custom image, preStop only sleeps (the stop signal does the work)",
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4-alpine", "sleep 10"),
        "php-fpm.d/zz.conf": FPM_CONF,
      },
    },
    {
      name: "dash rejects the kill, so there is no SIGQUIT to override (prestop-kill-syntax reports it)",
      files: { "app.yaml": fpm("php:8.2-fpm", "sleep 10 && kill -SIGQUIT 1"), "php-fpm.d/zz.conf": FPM_CONF },
    },
  ],
  invalid: [
    {
      name: "an image built FROM alpine without STOPSIGNAL: the kill works, then SIGTERM follows at once",
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4-alpine", "sleep 10 && kill -SIGQUIT 1"),
        "php-fpm.d/zz.conf": FPM_CONF,
        "app/Dockerfile": 'FROM alpine:3.20\nRUN apk add --no-cache php83-fpm\nCMD ["php-fpm83", "-F"]\n',
      },
      findings: [
        {
          line: 13,
          column: 52,
          severity: "error",
          message: "preStop sends SIGQUIT at 10s, then the stop signal SIGTERM arrives at 10s",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "an image the tool does not know: the SIGTERM that would follow is assumed, a warning",
      output: null,
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4-alpine", "sleep 10 && kill -SIGQUIT 1"),
        "php-fpm.d/zz.conf": FPM_CONF,
      },
      findings: [
        {
          line: 13,
          column: 52,
          severity: "warning",
          message:
            "Assumed: the stop signal of php-fpm's image registry.example.com/shop/app:1.4-alpine is unknown",
          container: "php-fpm",
        },
      ],
    },
    {
      name: "`kill -QUIT 1` on a custom Debian image with STOPSIGNAL SIGTERM",
      files: {
        "app.yaml": fpm("registry.example.com/shop/app:1.4", "sleep 10; kill -QUIT 1"),
        "php-fpm.d/zz.conf": FPM_CONF,
        "app/Dockerfile": "FROM php:8.2-fpm\nSTOPSIGNAL SIGTERM\n",
      },
      findings: [
        { line: 13, column: 50, severity: "error", message: "the stop signal SIGTERM arrives at 10s" },
      ],
    },
  ],
});
