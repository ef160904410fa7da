import { fpmDeployment, ruleTester } from "./harness.js";

const fpm = (preStop: string) => fpmDeployment(`lifecycle:\n  preStop: ${preStop}`);

ruleTester("prestop-delay-short", {
  valid: [
    { name: "sleep equal to the propagation budget", files: { "app.yaml": fpm("{sleep: {seconds: 5}}") } },
    {
      name: "a 10s sleep under an 8s --propagation",
      files: { "app.yaml": fpm("{sleep: {seconds: 10}}") },
      assumptions: { propagationSeconds: 8 },
    },
    { name: "no preStop at all is prestop-delay-missing's to report", files: { "app.yaml": fpm("{}") } },
  ],
  invalid: [
    {
      name: "native sleep 2s under the default 5s budget",
      files: { "app.yaml": fpm("{sleep: {seconds: 2}}") },
      findings: [
        {
          line: 11,
          column: 23,
          severity: "warning",
          message: "php-fpm's preStop waits 2s, but endpoint removal takes up to 5s",
          fix: "sleep: {seconds: 7}",
        },
      ],
    },
    {
      name: "exec `sleep 5` under an 8s --propagation: points at the script",
      files: { "app.yaml": fpm('{exec: {command: ["sh", "-c", "sleep 5"]}}') },
      assumptions: { propagationSeconds: 8 },
      findings: [
        {
          line: 11,
          column: 52,
          severity: "warning",
          message: "waits 5s, but endpoint removal takes up to 8s",
        },
      ],
    },
  ],
});
