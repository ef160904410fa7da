/**
 * A deterministic corpus of Kubernetes manifests as php-fpm shops write them: php-fpm + nginx pods with
 * every kind of preStop hook the rules read (the copied `sleep && kill -SIGQUIT 1`, native `sleep`, httpGet,
 * none), ConfigMaps with php-fpm and nginx configs mounted into the containers, separate fpm and nginx
 * Deployments, queue-worker StatefulSets, CronJobs, Services and PodDisruptionBudgets, with comments and
 * Helm `# Source:` headers, in multi-document files.
 *
 * @example
 *   const corpus = generateCorpus({ workloads: 10_000, documentsPerFile: 100, seed: 1 });
 *   corpus.files.length; // ≈ 190 files of 100 documents
 */

export interface CorpusOptions {
  /** Workload documents (Deployment, StatefulSet, CronJob); ConfigMaps, Services and PDBs come on top. */
  workloads: number;
  documentsPerFile: number;
  seed: number;
}

export interface Corpus {
  files: { name: string; text: string }[];
  documents: number;
  workloads: number;
  bytes: number;
  kinds: Record<string, number>;
}

interface Doc {
  kind: string;
  text: string;
}

/** mulberry32: a small seeded generator, so the same seed gives the same corpus on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCorpus(options: CorpusOptions): Corpus {
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const docs: Doc[] = [];
  let workloads = 0;
  for (let app = 0; workloads < options.workloads; app++) {
    const bundle = pick(BUNDLES);
    const generated = bundle({ app, pick, chance, random });
    docs.push(...generated);
    workloads += generated.filter((d) => WORKLOAD_KINDS.has(d.kind)).length;
  }
  const kinds: Record<string, number> = {};
  for (const doc of docs) kinds[doc.kind] = (kinds[doc.kind] ?? 0) + 1;
  const files: Corpus["files"] = [];
  for (let start = 0; start < docs.length; start += options.documentsPerFile) {
    const chunk = docs.slice(start, start + options.documentsPerFile);
    const name = `manifests-${String(files.length).padStart(4, "0")}.yaml`;
    files.push({ name, text: `${chunk.map((d) => d.text).join("---\n")}` });
  }
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  return { files, documents: docs.length, workloads, bytes, kinds };
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "CronJob"]);

interface Dice {
  app: number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
  random: () => number;
}

const TEAMS = ["shop", "billing", "cms", "search", "accounts", "media"] as const;
const PHP_VERSIONS = ["8.1", "8.2", "8.3"] as const;
const GRACE = [undefined, 30, 45, 60, 80, 120] as const;

/** preStop hooks in the spellings found in the wild, for php-fpm (indented for a container's fields). */
const FPM_PRESTOPS = [
  "",
  `lifecycle:
  preStop:
    exec:
      command: ["sh", "-c", "sleep 10 && kill -SIGQUIT 1"]`,
  `lifecycle:
  preStop:
    exec:
      command:
        - /bin/sh
        - -c
        - sleep 5; kill -QUIT 1`,
  `lifecycle:
  preStop:
    exec:
      command: ["/bin/sleep", "15"]`,
  `lifecycle:
  preStop:
    sleep:
      seconds: 10`,
  `lifecycle:
  preStop:
    httpGet:
      path: /drain
      port: 9000`,
  `lifecycle:
  stopSignal: SIGQUIT
  preStop:
    sleep:
      seconds: 8`,
] as const;

const NGINX_PRESTOPS = [
  "",
  `lifecycle:
  preStop:
    exec:
      command: ["/bin/sh", "-c", "sleep 10 && nginx -s quit"]`,
  `lifecycle:
  preStop:
    sleep:
      seconds: 12`,
] as const;

function indent(text: string, spaces: number): string {
  if (text === "") return "";
  const pad = " ".repeat(spaces);
  return `${text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => pad + l)
    .join("\n")}\n`;
}

function helmHeader(d: Dice, template: string): string {
  return d.chance(0.4) ? `# Source: ${d.pick(TEAMS)}/templates/${template}.yaml\n` : "";
}

function readiness(d: Dice, port: number): string {
  if (d.chance(0.2)) return "";
  return d.chance(0.5)
    ? `readinessProbe:\n  tcpSocket:\n    port: ${port}\n  periodSeconds: 2\n`
    : `readinessProbe:\n  httpGet:\n    path: /healthz\n    port: ${port}\n  initialDelaySeconds: 3\n`;
}

function fpmContainer(d: Dice, name: string, mountConfig: boolean): string {
  const php = d.pick(PHP_VERSIONS);
  const image = d.chance(0.6)
    ? `registry.example.com/${name}/app:1.${d.app % 40}.${d.app % 7}`
    : `php:${php}-fpm${d.chance(0.3) ? "-alpine" : ""}`;
  const wrapper = d.chance(0.1) ? `command: ["sh", "-c", "php-fpm --nodaemonize"]\n` : "";
  const mounts = mountConfig
    ? `volumeMounts:
  - name: fpm-conf
    mountPath: /usr/local/etc/php-fpm.d/zz-graceful.conf
    subPath: zz-graceful.conf
`
    : "";
  return `- name: php-fpm
  image: ${image} # php ${php}
${indent(wrapper, 2)}  ports:
    - containerPort: 9000
  resources:
    requests: { cpu: 250m, memory: 256Mi }
    limits: { memory: 512Mi }
  env:
    - name: APP_ENV
      value: production
    - name: PHP_MEMORY_LIMIT
      value: "256M"
${indent(readiness(d, 9000), 2)}${indent(d.pick(FPM_PRESTOPS), 2)}${indent(mounts, 2)}`;
}

function nginxContainer(d: Dice): string {
  return `- name: nginx
  image: nginx:1.${d.pick(["22", "24", "25"])}${d.chance(0.3) ? "-alpine" : ""}
  ports:
    - containerPort: 8080
${indent(readiness(d, 8080), 2)}${indent(d.pick(NGINX_PRESTOPS), 2)}  volumeMounts:
    - name: nginx-conf
      mountPath: /etc/nginx/conf.d
`;
}

function metadata(name: string, namespace: string, d: Dice, extra = ""): string {
  const ignore = d.chance(0.05)
    ? `  annotations:\n    fpm-graceful.io/ignore: "readiness-probe-missing"\n`
    : "";
  return `metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: ${namespace}
${ignore}${extra}`;
}

function strategy(d: Dice): string {
  return d.pick([
    "",
    "  strategy:\n    type: Recreate\n",
    "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
    '  strategy:\n    rollingUpdate:\n      maxUnavailable: "25%"\n',
  ]);
}

function grace(d: Dice): string {
  const seconds = d.pick(GRACE);
  return seconds === undefined ? "" : `      terminationGracePeriodSeconds: ${seconds}\n`;
}

function fpmConfigMap(name: string, namespace: string, d: Dice): Doc {
  const pct = d.pick(["5s", "30s", "65s", ""]);
  return {
    kind: "ConfigMap",
    text: `${helmHeader(d, "configmap")}apiVersion: v1
kind: ConfigMap
${metadata(`${name}-fpm`, namespace, d)}data:
  # An included file carries the previous file's [www] section over: open [global] first.
  zz-graceful.conf: |
    [global]
    ${pct ? `process_control_timeout = ${pct}` : "; process_control_timeout not set"}

    [www]
    pm = dynamic
    pm.max_children = ${10 + (d.app % 30)}
    request_terminate_timeout = ${d.pick(["30s", "60s", "120"])}
  php.ini: |
    [PHP]
    max_execution_time = ${d.pick([30, 60])}
    memory_limit = 256M
`,
  };
}

function nginxConfigMap(name: string, namespace: string, upstream: string, d: Dice): Doc {
  return {
    kind: "ConfigMap",
    text: `${helmHeader(d, "nginx-configmap")}apiVersion: v1
kind: ConfigMap
${metadata(`${name}-nginx`, namespace, d)}data:
  default.conf: |
    server {
      listen 8080;
      root /var/www/html/public;
      location / {
        try_files $uri /index.php$is_args$args;
      }
      location ~ \\.php$ {
        fastcgi_pass ${upstream};
        fastcgi_read_timeout ${d.pick(["60s", "300s"])};
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      }
    }
`,
  };
}

function service(name: string, namespace: string, port: number, d: Dice): Doc {
  return {
    kind: "Service",
    text: `${helmHeader(d, "service")}apiVersion: v1
kind: Service
${metadata(name, namespace, d)}spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: ${port}
`,
  };
}

function budget(name: string, namespace: string): Doc {
  return {
    kind: "PodDisruptionBudget",
    text: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`,
  };
}

/** php-fpm and nginx in one pod, their configs in a ConfigMap each: the shape of most php apps. */
function podWithNginx(d: Dice): Doc[] {
  const namespace = d.pick(TEAMS);
  const name = `app-${d.app}`;
  const docs: Doc[] = [
    {
      kind: "Deployment",
      text: `${helmHeader(d, "deployment")}# ${name}: php-fpm behind nginx in one pod
apiVersion: apps/v1
kind: Deployment
${metadata(name, namespace, d)}spec:
  replicas: ${d.pick([1, 2, 3, 6])}
${strategy(d)}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
${grace(d)}      containers:
${indent(nginxContainer(d), 8)}${indent(fpmContainer(d, name, true), 8)}      volumes:
        - name: nginx-conf
          configMap:
            name: ${name}-nginx
        - name: fpm-conf
          configMap:
            name: ${name}-fpm
`,
    },
    fpmConfigMap(name, namespace, d),
    nginxConfigMap(name, namespace, "127.0.0.1:9000", d),
    service(name, namespace, 8080, d),
  ];
  if (d.chance(0.5)) docs.push(budget(name, namespace));
  return docs;
}

/** The copied recipe's shape: an fpm Deployment and a separate nginx Deployment proxying to its Service. */
function separateDeployments(d: Dice): Doc[] {
  const namespace = d.pick(TEAMS);
  const name = `svc-${d.app}`;
  const fpm: Doc = {
    kind: "Deployment",
    text: `${helmHeader(d, "fpm")}apiVersion: apps/v1
kind: Deployment
${metadata(`${name}-fpm`, namespace, d)}spec:
  replicas: ${d.pick([2, 3, 4])}
${strategy(d)}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}-fpm
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}-fpm
      annotations:
        prometheus.io/scrape: "true"
    spec:
${grace(d)}      containers:
${indent(fpmContainer(d, name, true), 8)}      volumes:
        - name: fpm-conf
          configMap:
            name: ${name}-fpm
`,
  };
  const nginx: Doc = {
    kind: "Deployment",
    text: `${helmHeader(d, "nginx")}apiVersion: apps/v1
kind: Deployment
${metadata(`${name}-nginx`, namespace, d)}spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}-nginx
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}-nginx
    spec:
      containers:
${indent(nginxContainer(d), 8)}      volumes:
        - name: nginx-conf
          configMap:
            name: ${name}-nginx
`,
  };
  return [
    fpm,
    fpmConfigMap(name, namespace, d),
    service(`${name}-fpm`, namespace, 9000, d),
    nginx,
    nginxConfigMap(name, namespace, `${name}-fpm:9000`, d),
  ];
}

/** Queue workers as a StatefulSet: php-fpm image, a long grace period, no nginx. */
function workers(d: Dice): Doc[] {
  const namespace = d.pick(TEAMS);
  const name = `worker-${d.app}`;
  return [
    {
      kind: "StatefulSet",
      text: `${helmHeader(d, "statefulset")}apiVersion: apps/v1
kind: StatefulSet
${metadata(name, namespace, d)}spec:
  serviceName: ${name}
  replicas: ${d.pick([1, 2, 3])}
  updateStrategy:
    type: ${d.pick(["RollingUpdate", "OnDelete"])}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      terminationGracePeriodSeconds: ${d.pick([60, 300])}
      containers:
${indent(fpmContainer(d, name, false), 8)}`,
    },
  ];
}

/** A scheduled php job (artisan / console commands). */
function cronJob(d: Dice): Doc[] {
  const namespace = d.pick(TEAMS);
  const name = `cron-${d.app}`;
  return [
    {
      kind: "CronJob",
      text: `${helmHeader(d, "cronjob")}apiVersion: batch/v1
kind: CronJob
${metadata(name, namespace, d)}spec:
  schedule: "${d.app % 60} * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: console
              image: registry.example.com/${namespace}/app:1.${d.app % 40}.0
              command: ["php", "bin/console", "app:sync", "--no-interaction"] # runs to completion
`,
    },
  ];
}

const BUNDLES = [podWithNginx, podWithNginx, podWithNginx, separateDeployments, workers, cronJob] as const;
