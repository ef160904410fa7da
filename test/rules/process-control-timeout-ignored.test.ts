import { dedent, ruleTester } from "./harness.js";

/** php-fpm from a custom image linked to `app/Dockerfile` by its name, reading a ConfigMap `fpm`. */
const deployment = (mount: string, volume = "{name: fpm, configMap: {name: fpm}}") => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app, annotations: {"fpm-graceful.io/role.php-fpm": fpm}}
  spec:
    template:
      spec:
        containers:
          - name: php-fpm
            image: registry.example.com/shop/app:1.4
            volumeMounts: [${mount}]
        volumes: [${volume}]
`;

const configMap = (key: string, text: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fpm}\ndata:\n  ${key}: |\n${text
    .split("\n")
    .filter(Boolean)
    .map((l) => `    ${l}`)
    .join("\n")}\n`;

const NO_MOUNT = "";

ruleTester("process-control-timeout-ignored", {
  valid: [
    {
      name: "a php-fpm.d file that opens [global]",
      files: {
        "app.yaml": deployment(
          "{name: fpm, mountPath: /usr/local/etc/php-fpm.d/zz-graceful.conf, subPath: zz.conf}",
        ),
        "cm.yaml": configMap("zz.conf", "[global]\nprocess_control_timeout = 30s\n"),
      },
    },
    {
      name: "a RUN that writes [global] before it into php-fpm.d",
      files: {
        "app.yaml": deployment(NO_MOUNT),
        "app/Dockerfile":
          "FROM php:8.2-fpm\nRUN printf '[global]\\nprocess_control_timeout = 30s\\n' > /usr/local/etc/php-fpm.d/zz.conf\n",
      },
    },
    {
      name: "php-fpm.conf itself: entries before any header are [global]",
      files: {
        "app.yaml": deployment("{name: fpm, mountPath: /usr/local/etc/php-fpm.conf, subPath: php-fpm.conf}"),
        "cm.yaml": configMap("php-fpm.conf", "process_control_timeout = 30s\ninclude=etc/php-fpm.d/*.conf\n"),
      },
    },
  ],
  invalid: [
    {
      name: "the copied Dockerfile line: echo into php.ini conf.d",
      files: {
        "app.yaml": deployment(NO_MOUNT),
        "app/Dockerfile":
          'FROM php:8.2-fpm\nRUN echo "process_control_timeout=5s" >> /usr/local/etc/php/conf.d/graceful.ini\n',
      },
      findings: [
        {
          file: "app/Dockerfile",
          line: 2,
          column: 11,
          severity: "error",
          message: "process_control_timeout = 5s is written to php.ini (Dockerfile app/Dockerfile writes",
          fix: "[global]",
        },
      ],
    },
    {
      name: "a ConfigMap mounted into conf.d as an .ini file",
      output: null,
      files: {
        "app.yaml": deployment("{name: fpm, mountPath: /usr/local/etc/php/conf.d}"),
        "cm.yaml": configMap("graceful.ini", "max_execution_time = 30\nprocess_control_timeout = 5s\n"),
      },
      findings: [
        {
          file: "cm.yaml",
          line: 7,
          column: 5,
          severity: "error",
          message: "is written to php.ini (ConfigMap fpm key graceful.ini",
        },
      ],
    },
    {
      name: "a php-fpm.d file without [global]: the included file carries [www] over",
      files: {
        "app.yaml": deployment(
          "{name: fpm, mountPath: /usr/local/etc/php-fpm.d}",
          "{name: fpm, configMap: {name: fpm, items: [{key: graceful, path: zz-graceful.conf}]}}",
        ),
        "cm.yaml": configMap("graceful", "process_control_timeout = 30s\n"),
      },
      findings: [
        {
          file: "cm.yaml",
          line: 6,
          column: 5,
          severity: "error",
          message: "stands in pool section [www (carried over from the file before)]",
          fix: "[global]",
        },
      ],
    },
    {
      name: "a Dockerfile RUN that appends to php-fpm.d without opening [global]",
      files: {
        "app.yaml": deployment(NO_MOUNT),
        "app/Dockerfile":
          "FROM php:8.2-fpm\nRUN echo 'process_control_timeout = 30s' >> /usr/local/etc/php-fpm.d/zz.conf\n",
      },
      findings: [
        {
          file: "app/Dockerfile",
          line: 2,
          column: 11,
          severity: "error",
          message: "stands in pool section [www]",
        },
      ],
    },
    {
      name: "a pool file given on the command line, after an explicit [www]",
      files: {
        "app.yaml": deployment(NO_MOUNT),
        "www.conf": "[www]\npm = dynamic\nprocess_control_timeout = 30s\n",
      },
      findings: [
        {
          file: "www.conf",
          line: 3,
          column: 1,
          severity: "error",
          messageId: "pool",
          data: { section: "www", value: "30s", seconds: 35 },
        },
      ],
      // The pool's copy removed, a [global] appended after the last line (once failed: "line 5 is outside the file").
      output: { "www.conf": "[www]\npm = dynamic\n\n[global]\nprocess_control_timeout = 35s\n" },
    },
  ],
});
