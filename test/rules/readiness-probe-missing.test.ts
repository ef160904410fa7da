import { dedent, ruleTester } from "./harness.js";

/** php-fpm beside a front whose argv (or none) is given, the front probed over HTTP (Wikimedia's shape). */
const withFront = (front: string) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    template:
      spec:
        containers:
          - name: httpd
            image: registry.example.org/web/httpd:2.4
            ${front}
            readinessProbe: {httpGet: {path: /healthz, port: 9181}}
          - name: php-fpm
            image: php:8.2-fpm
`;

ruleTester("readiness-probe-missing", {
  valid: [
    {
      name: "both serving containers have a probe",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                containers:
                  - name: nginx
                    image: nginx:1.27
                    readinessProbe: {httpGet: {path: /healthz, port: 80}}
                  - name: php-fpm
                    image: php:8.2-fpm
                    readinessProbe: {tcpSocket: {port: 9000}}
        `,
      },
    },
    {
      // An Apache front answers its probe's PHP page through php-fpm, as nginx does.
      name: "an Apache httpd front probed over HTTP covers php-fpm",
      files: { "app.yaml": withFront("command: [httpd, -DFOREGROUND]") },
    },
    {
      name: "a CronJob serves no traffic",
      files: {
        "app.yaml": dedent`
          apiVersion: batch/v1
          kind: CronJob
          metadata: {name: cron}
          spec:
            schedule: "*/5 * * * *"
            jobTemplate:
              spec:
                template:
                  spec:
                    containers:
                      - name: php-fpm
                        image: php:8.2-fpm
        `,
      },
    },
    {
      name: "a container that is neither php-fpm nor nginx",
      files: {
        "app.yaml": dedent`
          apiVersion: v1
          kind: Pod
          metadata: {name: redis}
          spec:
            containers:
              - name: redis
                image: redis:7
        `,
      },
    },
  ],
  invalid: [
    {
      name: "a front of unknown program probed over HTTP: a warning that says what it assumed",
      files: { "app.yaml": withFront("ports: [{containerPort: 8080}]") },
      findings: [
        {
          line: 12,
          column: 17,
          severity: "warning",
          container: "php-fpm",
          message:
            "Assumed: what httpd runs is unknown, and its httpGet readiness probe may be answered through php-fpm",
        },
      ],
    },
    {
      name: "php-fpm without a readinessProbe, in a native sidecar and a main container",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                initContainers:
                  - name: php-fpm
                    image: php:8.2-fpm
                    restartPolicy: Always
                containers:
                  - name: nginx
                    image: nginx:1.27
                    ports: [{containerPort: 8080}]
        `,
      },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message: "php-fpm has no readinessProbe",
          fix: "port: 9000",
          container: "php-fpm",
        },
        {
          line: 12,
          column: 17,
          severity: "warning",
          message: "before nginx listens",
          // The declared containerPort is a claim; nginx:1.27 with no config of its own listens on 80.
          fix: "{port: 80}, periodSeconds: 2}` (listen 80 in the image's /etc/nginx/conf.d/default.conf",
          container: "nginx",
        },
      ],
    },
    {
      name: "nginx whose ConfigMap says listen 8080: the probe targets 8080",
      files: {
        "app.yaml": probeless(
          "nginx",
          "nginx:1.27",
          "volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]",
        ),
        "cm.yaml": configMap("default.conf", "server {\n  listen 8080;\n  location / { return 200; }\n}"),
      },
      findings: [
        {
          file: "app.yaml",
          line: 8,
          column: 17,
          severity: "warning",
          message: "before nginx listens",
          fix: "{port: 8080}, periodSeconds: 2}` (listen 8080 (ConfigMap conf",
        },
      ],
    },
    {
      name: "nginx-unprivileged with no config of its own: 8080, from the image's Dockerfile",
      files: { "app.yaml": probeless("nginx", "nginxinc/nginx-unprivileged:1.27-alpine") },
      findings: [
        {
          line: 8,
          column: 17,
          severity: "warning",
          message: "before nginx listens",
          fix: "{port: 8080}, periodSeconds: 2}`",
        },
      ],
    },
    {
      name: "php-fpm on a unix socket: no tcpSocket probe is invented",
      output: null,
      files: {
        "app.yaml": probeless(
          "php-fpm",
          "php:8.2-fpm",
          "volumeMounts: [{name: conf, mountPath: /usr/local/etc/php-fpm.d}]",
        ),
        "cm.yaml": configMap("www.conf", "[www]\nlisten = /run/php/fpm.sock\n"),
      },
      findings: [
        {
          file: "app.yaml",
          line: 8,
          column: 17,
          severity: "warning",
          message:
            "A tcpSocket probe cannot be written for it: it listens on the unix socket /run/php/fpm.sock",
          fix: "cgi-fcgi -bind -connect /run/php/fpm.sock",
        },
      ],
    },
    {
      name: "php-fpm on 127.0.0.1:9000 only: the kubelet's probe to the pod IP cannot reach it, no probe",
      output: null,
      files: {
        "app.yaml": probeless(
          "php-fpm",
          "php:8.2-fpm",
          "volumeMounts: [{name: conf, mountPath: /usr/local/etc/php-fpm.d}]",
        ),
        "cm.yaml": configMap("www.conf", "[www]\nlisten = 127.0.0.1:9000\n"),
      },
      findings: [
        {
          file: "app.yaml",
          line: 8,
          column: 17,
          severity: "warning",
          message: "it listens on loopback only",
        },
      ],
    },
    {
      name: "a www.conf mounted by subPath on a socket: the image's zz-docker.conf, read after it, sets 9000",
      files: {
        "app.yaml": probeless(
          "php-fpm",
          "php:8.2-fpm",
          "volumeMounts: [{name: conf, mountPath: /usr/local/etc/php-fpm.d/www.conf, subPath: www.conf}]",
        ),
        "cm.yaml": configMap("www.conf", "[www]\nlisten = /run/php/fpm.sock\n"),
      },
      findings: [
        {
          file: "app.yaml",
          line: 8,
          column: 17,
          severity: "warning",
          message: "before php-fpm listens",
          fix: "{port: 9000}, periodSeconds: 2}` (listen = 9000 in the image's zz-docker.conf",
        },
      ],
    },
  ],
});

/** One container without a readiness probe, its fields after the image; a ConfigMap volume `conf`. */
function probeless(name: string, image: string, fields = ""): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: app}",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    `          image: ${image}`,
    ...(fields ? [`          ${fields}`] : []),
    "      volumes: [{name: conf, configMap: {name: conf}}]",
    "",
  ].join("\n");
}

function configMap(key: string, text: string): string {
  const body = text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\ndata:\n  ${key}: |\n${body}\n`;
}
