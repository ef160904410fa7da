import { fpmDeployment, ruleTester } from "./harness.js";

const fpm = (preStop: string) => fpmDeployment(`lifecycle:\n  preStop: ${preStop}`);

ruleTester("prestop-sleep-native", {
  valid: [
    { name: "already the native sleep", files: { "app.yaml": fpm("{sleep: {seconds: 10}}") } },
    {
      name: "Kubernetes 1.29: native sleep is alpha",
      files: { "app.yaml": fpm('{exec: {command: ["sleep", "10"]}}') },
      assumptions: { kubeVersion: "1.29" },
    },
    {
      name: "the script also kills: not only a sleep",
      files: { "app.yaml": fpm('{exec: {command: ["sh", "-c", "sleep 10 && kill -QUIT 1"]}}') },
    },
    {
      name: "an opaque script (a loop) is not only a sleep",
      files: { "app.yaml": fpm('{exec: {command: ["sh", "-c", "while pgrep -f busy; do sleep 1; done"]}}') },
    },
  ],
  invalid: [
    {
      name: "exec `sleep 10` on 1.33",
      files: { "app.yaml": fpm('{exec: {command: ["sleep", "10"]}}') },
      findings: [
        {
          line: 11,
          column: 40,
          severity: "info",
          message: "This preStop only sleeps 10s through an exec hook (the image needs a `sleep` binary)",
          fix: "preStop: {sleep: {seconds: 10}}",
        },
      ],
    },
    {
      name: "`sh -c 'sleep 15'` on 1.30",
      files: { "app.yaml": fpm('{exec: {command: ["sh", "-c", "sleep 15"]}}') },
      assumptions: { kubeVersion: "1.30" },
      findings: [
        {
          line: 11,
          column: 52,
          severity: "info",
          message: "only sleeps 15s through an exec hook (the image needs a shell",
        },
      ],
    },
  ],
});
