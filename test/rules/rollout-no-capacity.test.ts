import { budget, dedent, ruleTester } from "./harness.js";

const deployment = (spec: string) => dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: app}
  spec:
    ${spec}
    template:
      metadata: {labels: {app: app}}
      spec:
        containers:
          - name: php-fpm
            image: php:8.2-fpm
`;

ruleTester("rollout-no-capacity", {
  valid: [
    {
      name: "3 replicas, maxUnavailable 0, a PodDisruptionBudget",
      files: {
        "app.yaml": deployment(
          "replicas: 3\n    strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
        ),
        "pdb.yaml": budget("app"),
      },
    },
    {
      name: "one replica whose default 25% maxUnavailable rounds down to 0 (surge first)",
      files: { "app.yaml": deployment("replicas: 1"), "pdb.yaml": budget("app") },
    },
    {
      name: "a DaemonSet is not checked",
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: app}
          spec:
            template:
              spec:
                containers:
                  - name: php-fpm
                    image: php:8.2-fpm
        `,
      },
    },
  ],
  invalid: [
    {
      name: "strategy Recreate",
      files: {
        "app.yaml": deployment("replicas: 3\n    strategy: {type: Recreate}"),
        "pdb.yaml": budget("app"),
      },
      findings: [
        {
          line: 6,
          column: 3,
          severity: "error",
          message: "strategy Recreate stops every pod",
          fix: "maxUnavailable: 0",
        },
      ],
    },
    {
      name: "maxUnavailable 100%",
      files: {
        "app.yaml": deployment("replicas: 3\n    strategy: {rollingUpdate: {maxUnavailable: 100%}}"),
        "pdb.yaml": budget("app"),
      },
      findings: [
        {
          line: 6,
          column: 3,
          severity: "error",
          message: "maxUnavailable 100% lets the rollout take all 3 pods down",
        },
      ],
    },
    {
      name: "one replica with maxUnavailable 1",
      files: {
        "app.yaml": deployment("replicas: 1\n    strategy: {rollingUpdate: {maxUnavailable: 1}}"),
        "pdb.yaml": budget("app"),
      },
      findings: [{ line: 6, column: 3, severity: "error", message: "one replica with maxUnavailable 1" }],
    },
    {
      name: "no PodDisruptionBudget selects the pods (a budget for other labels does not count)",
      files: { "app.yaml": deployment("replicas: 3"), "pdb.yaml": budget("other") },
      findings: [
        { line: 3, column: 18, severity: "warning", message: "no PodDisruptionBudget selects these pods" },
      ],
    },
    {
      name: "a StatefulSet with OnDelete and no budget",
      output: null,
      files: {
        "app.yaml": dedent`
          apiVersion: apps/v1
          kind: StatefulSet
          metadata:
            name: app
          spec:
            replicas: 2
            template:
              spec:
                containers:
                  - name: php-fpm
                    image: php:8.2-fpm
        `,
      },
      findings: [{ line: 4, column: 9, severity: "warning", message: "no PodDisruptionBudget" }],
    },
    {
      name: "Recreate with a ReadWriteOnce claim: the finding stands, but no surge is written (it would hang)",
      output: null,
      files: {
        "app.yaml": withClaim("strategy: {type: Recreate}"),
        "pvc.yaml": claim("ReadWriteOnce"),
        "pdb.yaml": budget("app"),
      },
      findings: [
        {
          line: 5,
          column: 3,
          severity: "error",
          message: "PersistentVolumeClaim data (ReadWriteOnce)",
          fix: "accept the downtime",
        },
      ],
    },
    {
      name: "Recreate with a claim not among the inputs: its access mode is unknown, so no surge either",
      output: null,
      files: { "app.yaml": withClaim("strategy: {type: Recreate}"), "pdb.yaml": budget("app") },
      findings: [{ line: 5, column: 3, severity: "error", message: "(access mode not among the inputs)" }],
    },
    {
      name: "Recreate with a ReadWriteMany claim: RollingUpdate is safe and written",
      files: {
        "app.yaml": withClaim("strategy: {type: Recreate}"),
        "pvc.yaml": claim("ReadWriteMany"),
        "pdb.yaml": budget("app"),
      },
      findings: [
        {
          line: 5,
          column: 3,
          severity: "error",
          message: "strategy Recreate stops every pod",
          fix: "RollingUpdate",
        },
      ],
    },
  ],
});

/** A Deployment of 1 replica whose pod mounts the PersistentVolumeClaim `data`. */
function withClaim(strategy: string): string {
  return dedent`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app}
    spec:
      ${strategy}
      template:
        metadata: {labels: {app: app}}
        spec:
          containers:
            - name: php-fpm
              image: php:8.2-fpm
              volumeMounts: [{name: data, mountPath: /var/www/html/data}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
  `;
}

function claim(mode: string): string {
  return `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [${mode}]\n  resources: {requests: {storage: 1Gi}}\n`;
}
