import { budget, dedent, ruleTester } from "./harness.js";

const FPM_CONF = "[global]\nprocess_control_timeout = 30s\n";

const deployment = (grace: string, preStop: string) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    template:
      spec:
        ${grace}
        containers:
          - name: php-fpm
            image: php:8.2-fpm
            lifecycle:
              preStop: ${preStop}
`;

/** serversideup's fpm-nginx image: s6-svscan as PID 1 ignores its STOPSIGNAL SIGQUIT (docs/IMAGES.md). */
const s6 = (grace: number, command = "") => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    template:
      spec:
        terminationGracePeriodSeconds: ${grace}
        containers:
          - name: app
            image: serversideup/php:8.3-fpm-nginx
            ${command || "# the image's ENTRYPOINT: /init, s6-overlay"}
`;

ruleTester("grace-period-short", {
  valid: [
    {
      name: "grace 40 covers a 5s preStop and a 30s drain",
      files: {
        "app.yaml": deployment("terminationGracePeriodSeconds: 40", "{sleep: {seconds: 5}}"),
        "php-fpm.d/zz-graceful.conf": FPM_CONF,
      },
    },
    {
      name: "preStop.sleep equal to the grace period is accepted by the API server",
      files: {
        "app.yaml": deployment("terminationGracePeriodSeconds: 30", "{sleep: {seconds: 30}}"),
        "pdb.yaml": budget("app"),
      },
    },
    {
      name: "s6 as PID 1 ignores SIGQUIT: a grace of 40s outlasts propagation (5s) + the longest request (30s)",
      files: { "app.yaml": s6(40), "pdb.yaml": budget("app") },
    },
  ],
  invalid: [
    {
      name: "s6 as PID 1 ignores the image's SIGQUIT: only SIGKILL at 30s stops it, cutting requests in flight",
      files: { "app.yaml": s6(30), "pdb.yaml": budget("app") },
      findings: [
        {
          line: 7,
          column: 38,
          severity: "error",
          messageId: "unstopped",
          data: { container: "app", at: "30s", propagation: "5s", longest: "30s", seconds: 47 },
          message: "PID 1 (s6-svscan) ignores SIGQUIT",
        },
      ],
    },
    {
      name: "a manifest command replaces the image's ENTRYPOINT: php-fpm is PID 1 and gets SIGQUIT (drain 10s)",
      files: { "app.yaml": s6(8, 'command: ["php-fpm"]'), "pdb.yaml": budget("app") },
      findings: [{ line: 7, column: 38, severity: "error", messageId: "default", data: { drain: "10s" } }],
    },
    {
      name: "grace 10 ends before a 5s preStop and a 30s drain",
      files: {
        "app.yaml": deployment("terminationGracePeriodSeconds: 10", "{sleep: {seconds: 5}}"),
        "php-fpm.d/zz-graceful.conf": FPM_CONF,
      },
      findings: [
        {
          line: 7,
          column: 38,
          severity: "error",
          message: "The grace period (10s) ends before php-fpm has finished: SIGKILL at 10s",
          fix: "terminationGracePeriodSeconds: 42",
        },
      ],
    },
    {
      name: "no terminationGracePeriodSeconds: the default 30 s, pointed at the workload's name",
      files: {
        "app.yaml": deployment("dnsPolicy: ClusterFirst", "{sleep: {seconds: 10}}"),
        "php-fpm.d/zz-graceful.conf": FPM_CONF,
      },
      findings: [{ line: 3, column: 18, severity: "error", message: "The grace period (30s) ends" }],
    },
    {
      name: "preStop.sleep longer than the grace period: the API server rejects the pod",
      files: { "app.yaml": deployment("terminationGracePeriodSeconds: 30", "{sleep: {seconds: 40}}") },
      findings: [
        {
          line: 7,
          column: 38,
          severity: "error",
          message: "preStop sleeps 40s, longer than terminationGracePeriodSeconds 30s",
          fix: "terminationGracePeriodSeconds: 80",
        },
      ],
    },
  ],
});
