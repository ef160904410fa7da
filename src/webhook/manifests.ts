import { Document, isMap, isPair, isScalar, isSeq } from "yaml";
import { supports } from "../model/features.js";
import { VERSION } from "../version.js";
import { WEBHOOK_DEFAULTS } from "./defaults.js";
import type { DenyOn, OnError } from "./review.js";

export interface ManifestOptions {
  namespace: string;
  image: string;
  /** PEM text of the CA that signed the serving certificate; without it, cert-manager issues one. */
  caBundlePem?: string;
  /** The validating webhook's failurePolicy; the mutating one is always Ignore. */
  failurePolicy: "Ignore" | "Fail";
  denyOn: DenyOn;
  /** The server's `--on-error`: objects it cannot review are allowed or denied by `/validate`. */
  onError: OnError;
  /**
   * Where the API server's calls come from (CIDRs) for the NetworkPolicy; empty: the webhook's port is open
   * to any source (the API server's addresses differ by distribution).
   */
  apiServerCidrs?: string[];
  /** `object`: objects opt in by label or annotation; `namespace`: every object of a labelled namespace. */
  optIn: "object" | "namespace";
  /** Decides the webhook's own preStop: native `sleep` from 1.30, else `exec: [sleep, N]`. */
  kubeVersion: string;
}

export const DEFAULT_MANIFEST_OPTIONS: ManifestOptions = {
  namespace: "fpm-graceful",
  image: `fpm-graceful/webhook:${VERSION}`,
  failurePolicy: "Ignore",
  denyOn: WEBHOOK_DEFAULTS.denyOn,
  onError: WEBHOOK_DEFAULTS.onError,
  optIn: "object",
  kubeVersion: "1.33",
};

const NAME = "fpm-graceful-webhook";
const TLS_SECRET = `${NAME}-tls`;
const LABELS = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "fpm-graceful" };
/** Covers endpoint propagation to the API server's kube-proxy / konnectivity path before the listener closes. */
const PRESTOP_SECONDS = WEBHOOK_DEFAULTS.preStopSeconds;
/** The server's default drain bound (`--drain-timeout`). */
const DRAIN_SECONDS = WEBHOOK_DEFAULTS.drainSeconds;
const GRACE_SECONDS = WEBHOOK_DEFAULTS.graceSeconds;
const PORT = WEBHOOK_DEFAULTS.port;

type Manifest = Record<string, unknown>;

/** A generated object and the comment printed above it. */
export interface GeneratedManifest {
  comment: string;
  object: Manifest;
}

/**
 * Everything that deploys the webhook: its namespace, a Deployment of two replicas that stops gracefully
 * itself, a PodDisruptionBudget, a NetworkPolicy (ingress on the webhook port only), the Service, the TLS
 * certificate (cert-manager) and both WebhookConfigurations. Pure: the CA bundle is passed as text.
 *
 * @example
 *   process.stdout.write(renderManifests(webhookManifests({ ...DEFAULT_MANIFEST_OPTIONS, namespace: "infra" })));
 */
export function webhookManifests(options: ManifestOptions): GeneratedManifest[] {
  const ns = options.namespace;
  const certManager = options.caBundlePem === undefined;
  const caBundle = certManager ? undefined : Buffer.from(options.caBundlePem as string).toString("base64");
  const out: GeneratedManifest[] = [
    {
      comment: `fpm-graceful ${VERSION} admission webhook (docs/WEBHOOK.md). Apply with kubectl apply -f.`,
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: LABELS } },
    },
    {
      comment: "The webhook calls nothing on the API server: no token is mounted.",
      object: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: NAME, namespace: ns, labels: LABELS },
        automountServiceAccountToken: false,
      },
    },
    { comment: deploymentComment(), object: deployment(options) },
    {
      comment: "One replica stays up through node drains, so admission keeps its webhook.",
      object: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: NAME, namespace: ns, labels: LABELS },
        spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": NAME } } },
      },
    },
    { comment: networkPolicyComment(options), object: networkPolicy(options) },
    {
      comment: "The API server calls https://fpm-graceful-webhook.<namespace>.svc:443.",
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: NAME, namespace: ns, labels: LABELS },
        spec: {
          selector: { "app.kubernetes.io/name": NAME },
          ports: [{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }],
        },
      },
    },
  ];
  if (certManager) out.push(...certificates(ns));
  const injectCa = certManager ? { "cert-manager.io/inject-ca-from": `${ns}/${NAME}` } : undefined;
  out.push(
    {
      comment:
        "Mutation applies fpm-graceful's fixes (preStop delay, grace period, readiness, rollout) as a JSONPatch\n" +
        (options.optIn === "object"
          ? 'to objects labelled or annotated fpm-graceful.io/inject: "true" (or whose pod template is).'
          : 'to every pod and workload of namespaces labelled fpm-graceful.io/inject: "true".'),
      object: webhookConfiguration("Mutating", options, caBundle, injectCa),
    },
    {
      comment:
        options.denyOn === "never" || options.denyOn === "none"
          ? "Validation warns (kubectl prints the findings); it denies nothing until the server runs with --deny-on."
          : `Validation denies objects with findings at or above ${options.denyOn}, and warns about the rest.`,
      object: webhookConfiguration("Validating", options, caBundle, injectCa),
    },
  );
  return out;
}

function networkPolicyComment(options: ManifestOptions): string {
  const cidrs = options.apiServerCidrs ?? [];
  return [
    `Ingress only on the webhook's port ${PORT}; nothing else reaches the pods.`,
    cidrs.length > 0
      ? `Only from the API server's addresses given (--api-server-cidr ${cidrs.join(", ")}).`
      : "From any source: the API server's addresses differ by distribution (control-plane node IPs with kubeadm,\n" +
        "a managed range on EKS/GKE/AKS); narrow it with --api-server-cidr. Probes come from the kubelet on the node,\n" +
        "which most network plugins allow to its own pods whatever the policy says.",
  ].join("\n");
}

function networkPolicy(options: ManifestOptions): Manifest {
  const cidrs = options.apiServerCidrs ?? [];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: NAME, namespace: options.namespace, labels: LABELS },
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/name": NAME } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          ...(cidrs.length > 0 ? { from: cidrs.map((cidr) => ({ ipBlock: { cidr } })) } : {}),
          ports: [{ port: PORT, protocol: "TCP" }],
        },
      ],
    },
  };
}

function deploymentComment(): string {
  return [
    "Two replicas; the webhook itself stops gracefully: the preStop delay lets endpoint removal reach the",
    `API server's path before SIGTERM; then /readyz fails, in-flight reviews drain (${DRAIN_SECONDS}s at most) and it exits.`,
    `Grace period ${GRACE_SECONDS}s >= preStop ${PRESTOP_SECONDS}s + drain ${DRAIN_SECONDS}s + margin.`,
  ].join("\n");
}

function deployment(options: ManifestOptions): Manifest {
  const preStop = supports(options.kubeVersion, "preStopSleep")
    ? { sleep: { seconds: PRESTOP_SECONDS } }
    : { exec: { command: ["sleep", String(PRESTOP_SECONDS)] } };
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: "https", scheme: "HTTPS" },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME, namespace: options.namespace, labels: LABELS },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { "app.kubernetes.io/name": NAME } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: GRACE_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { "app.kubernetes.io/name": NAME } },
            },
          ],
          containers: [
            {
              name: "webhook",
              image: options.image,
              args: [
                "webhook",
                "serve",
                "--tls-cert=/tls/tls.crt",
                "--tls-key=/tls/tls.key",
                `--port=${PORT}`,
                `--deny-on=${options.denyOn === "never" ? "none" : options.denyOn}`,
                `--on-error=${options.onError}`,
                `--drain-timeout=${DRAIN_SECONDS}s`,
                `--kube-version=${options.kubeVersion}`,
                ...(options.optIn === "namespace" ? ["--inject-all"] : []),
              ],
              ports: [{ name: "https", containerPort: PORT, protocol: "TCP" }],
              readinessProbe: probe("/readyz", 2),
              livenessProbe: probe("/healthz", 10),
              lifecycle: { preStop },
              resources: {
                requests: { cpu: "100m", memory: "96Mi" },
                // Two CPUs: the event loop keeps one for probes and small reviews while a worker thread
                // reviews a large object (the pool is sized to the CPU limit less one).
                limits: { cpu: "2", memory: "384Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "tls", mountPath: "/tls", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "tls", secret: { secretName: TLS_SECRET } },
            { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
          ],
        },
      },
    },
  };
}

/**
 * A private CA (self-signed once) that issues the serving certificate: renewing the serving certificate
 * keeps the CA, so the caBundle cert-manager injects stays valid through every rotation.
 */
function certificates(ns: string): GeneratedManifest[] {
  const meta = (name: string) => ({ name, namespace: ns, labels: LABELS });
  return [
    {
      comment: "cert-manager: a self-signed issuer that only signs the webhook's CA.",
      object: {
        apiVersion: "cert-manager.io/v1",
        kind: "Issuer",
        metadata: meta(`${NAME}-selfsigned`),
        spec: { selfSigned: {} },
      },
    },
    {
      comment:
        "The webhook's CA (5 years); cert-manager injects it into the WebhookConfigurations' caBundle.",
      object: {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: meta(`${NAME}-ca`),
        spec: {
          isCA: true,
          commonName: `${NAME}-ca`,
          secretName: `${NAME}-ca`,
          duration: "43800h",
          privateKey: { algorithm: "ECDSA", size: 256 },
          issuerRef: { name: `${NAME}-selfsigned`, kind: "Issuer", group: "cert-manager.io" },
        },
      },
    },
    {
      comment: "Issues serving certificates from the CA above.",
      object: {
        apiVersion: "cert-manager.io/v1",
        kind: "Issuer",
        metadata: meta(`${NAME}-ca`),
        spec: { ca: { secretName: `${NAME}-ca` } },
      },
    },
    {
      comment:
        "The serving certificate; renewed 30 days before it expires. The pods re-read the Secret's files\n" +
        "when the kubelet swaps them (about a minute later): no restart.",
      object: {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: meta(NAME),
        spec: {
          secretName: TLS_SECRET,
          duration: "2160h",
          renewBefore: "720h",
          dnsNames: [NAME, `${NAME}.${ns}`, `${NAME}.${ns}.svc`, `${NAME}.${ns}.svc.cluster.local`],
          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
          usages: ["server auth", "digital signature", "key encipherment"],
          issuerRef: { name: `${NAME}-ca`, kind: "Issuer", group: "cert-manager.io" },
        },
      },
    },
  ];
}

function webhookConfiguration(
  type: "Mutating" | "Validating",
  options: ManifestOptions,
  caBundle: string | undefined,
  annotations: Record<string, string> | undefined,
): Manifest {
  const mutating = type === "Mutating";
  const namespaceSelector: Record<string, unknown> = {
    // The API server's own namespace, and ours: a webhook that reviews its own pods cannot start when down.
    matchExpressions: [
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", options.namespace] },
    ],
  };
  if (mutating && options.optIn === "namespace")
    namespaceSelector.matchLabels = { "fpm-graceful.io/inject": "true" };
  const webhook: Record<string, unknown> = {
    name: `${mutating ? "mutate" : "validate"}.fpm-graceful.io`,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    timeoutSeconds: 5,
    failurePolicy: mutating ? "Ignore" : options.failurePolicy,
    matchPolicy: "Equivalent",
    clientConfig: {
      service: {
        namespace: options.namespace,
        name: NAME,
        path: mutating ? "/mutate" : "/validate",
        port: 443,
      },
      ...(caBundle ? { caBundle } : {}),
    },
    rules: [
      // A pod's spec cannot change after creation: pods are reviewed when they are created.
      {
        operations: ["CREATE"],
        apiGroups: [""],
        apiVersions: ["v1"],
        resources: ["pods"],
        scope: "Namespaced",
      },
      {
        operations: ["CREATE", "UPDATE"],
        apiGroups: ["apps"],
        apiVersions: ["v1"],
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
        scope: "Namespaced",
      },
    ],
    namespaceSelector,
    // Any object can opt out, whatever selects it.
    objectSelector: {
      matchExpressions: [{ key: "fpm-graceful.io/inject", operator: "NotIn", values: ["false"] }],
    },
  };
  // Another mutating webhook (a sidecar injector) may change the pod after us: run again if it did.
  if (mutating) webhook.reinvocationPolicy = "IfNeeded";
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: `${type}WebhookConfiguration`,
    metadata: { name: "fpm-graceful", labels: LABELS, ...(annotations ? { annotations } : {}) },
    webhooks: [webhook],
  };
}

const FAILURE_POLICY_COMMENT = {
  Mutating: [
    " Ignore: when the webhook is down or slow (timeoutSeconds), objects are admitted unmutated rather",
    " than blocked: a down webhook must not stop every deploy in the cluster. Mutation is best effort;",
    " the validating webhook (or `fpm-graceful check` in CI) reports what it missed.",
  ],
  Ignore: [
    " Ignore: a down webhook must not block deploys; findings are then simply not reported.",
    " Use --failure-policy Fail to enforce (objects are then rejected while no replica answers).",
  ],
  Fail: [
    " Fail (--failure-policy Fail): while no replica answers, pods and workloads outside the excluded",
    " namespaces cannot be created or updated. Keep both replicas and the PodDisruptionBudget.",
  ],
} as const;

/** The manifests as one multi-document YAML text, each object under its comment. */
export function renderManifests(manifests: GeneratedManifest[]): string {
  return manifests
    .map(({ comment, object }) => {
      const doc = new Document(object);
      doc.commentBefore = comment
        .split("\n")
        .map((l) => ` ${l}`)
        .join("\n");
      const kind = String(object.kind);
      if (kind.endsWith("WebhookConfiguration")) annotateFailurePolicy(doc, kind);
      return doc.toString({ lineWidth: 0 });
    })
    .join("---\n");
}

function annotateFailurePolicy(doc: Document, kind: string): void {
  const webhooks = doc.get("webhooks", true);
  if (!isSeq(webhooks)) return;
  for (const item of webhooks.items) {
    if (!isMap(item)) continue;
    const pair = item.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === "failurePolicy");
    if (!pair || !isScalar(pair.key) || !isScalar(pair.value)) continue;
    const policy = kind.startsWith("Mutating") ? "Mutating" : (pair.value.value as "Ignore" | "Fail");
    pair.key.commentBefore = FAILURE_POLICY_COMMENT[policy].join("\n");
  }
}
