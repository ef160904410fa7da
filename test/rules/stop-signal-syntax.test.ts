import { fpmDeployment, ruleTester } from "./harness.js";

const deployment = (lifecycle = "") => fpmDeployment(lifecycle, "registry.example.com/shop/app:1.4");

ruleTester("stop-signal-syntax", {
  valid: [
    {
      name: "STOPSIGNAL SIGQUIT",
      files: { "app.yaml": deployment(), Dockerfile: "FROM php:8.2-fpm\nSTOPSIGNAL SIGQUIT\n" },
    },
    { name: "a numeric stop signal", files: { Dockerfile: "FROM php:8.2-fpm\nSTOPSIGNAL 3\n" } },
    { name: "no STOPSIGNAL: the official image's SIGQUIT", files: { Dockerfile: "FROM php:8.2-fpm\n" } },
    {
      name: "lifecycle.stopSignal spelled SIGQUIT",
      files: { "app.yaml": deployment("lifecycle: {stopSignal: SIGQUIT}") },
    },
  ],
  invalid: [
    {
      name: "STOPSIGNAL QUIT in the linked Dockerfile (docker-library/php#907's WINCH case)",
      files: { "app.yaml": deployment(), Dockerfile: "FROM php:8.2-fpm\nSTOPSIGNAL QUIT\n" },
      findings: [
        {
          file: "Dockerfile",
          line: 2,
          column: 12,
          severity: "error",
          message: "stop signal `QUIT` is not spelled as the runtime parses it",
          fix: "STOPSIGNAL SIGQUIT",
        },
      ],
    },
    {
      name: "a Dockerfile given alone",
      files: { Dockerfile: "FROM nginx:1.25\nSTOPSIGNAL quit\n" },
      findings: [{ line: 2, column: 12, severity: "error", message: "stop signal `quit`", fix: "SIGQUIT" }],
    },
    {
      name: "lifecycle.stopSignal QUIT",
      output: null,
      files: { "app.yaml": deployment("lifecycle: {stopSignal: QUIT}") },
      findings: [{ line: 10, column: 35, severity: "error", message: "stop signal `QUIT`" }],
    },
  ],
});
