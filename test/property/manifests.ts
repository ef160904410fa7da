/**
 * Generated php-fpm workloads, as people write them, and a YAML writer that sprinkles comments and mixes
 * block and flow style. An `AppSpec` is plain data with the timings as numbers, so a property can make one
 * timing worse and compare; `manifestText` turns a list of them into one multi-document file and says which
 * comments it wrote.
 */
import fc from "fast-check";
import { stringify } from "yaml";

export type PreStop =
  | { kind: "none" }
  | { kind: "sleep"; seconds: number }
  | { kind: "exec-sleep"; seconds: number }
  | {
      kind: "shell";
      seconds: number;
      shell: "sh" | "/bin/sh" | "bash";
      command: string;
      separator: " && " | "; ";
    }
  | { kind: "httpGet" };

export interface ContainerSpec {
  image: string;
  /** The container's `command` (PID 1), when the manifest sets it. */
  command: string[] | undefined;
  preStop: PreStop;
  stopSignal: "SIGQUIT" | "SIGTERM" | undefined;
  readiness: boolean;
}

export interface FpmConfigSpec {
  /** Where `process_control_timeout` is written: fpm's `[global]` (right), a pool or php.ini (ignored), nowhere. */
  placement: "global" | "pool" | "php-ini" | "none";
  processControlTimeout: number;
  /** `request_terminate_timeout` in the pool, seconds, when set. */
  requestTerminate: number | undefined;
  mount: "subPath" | "directory";
}

export interface AppSpec {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Pod" | "CronJob";
  namespace: string | undefined;
  replicas: number | undefined;
  strategy: "none" | "Recreate" | "RollingUpdate" | "surge" | "percent";
  gracePeriodSeconds: number | undefined;
  fpm: ContainerSpec & { sidecar: boolean };
  nginx: ContainerSpec | undefined;
  nginxFirst: boolean;
  fpmConfig: FpmConfigSpec | undefined;
  budget: boolean;
  service: boolean;
  /** Write lists and small maps in flow style (`[sh, -c, …]`, `{cpu: 250m}`). */
  flow: boolean;
}

const FPM_IMAGES = [
  "php:8.2-fpm",
  "php:8.3-fpm-alpine",
  "php:8.1-fpm-bookworm",
  "registry.example.com/shop/app:1.4",
  "bitnami/php-fpm:8.2",
];
const NGINX_IMAGES = ["nginx:1.25", "nginx:1.22-alpine", "registry.example.com/shop/nginx:2"];
const FPM_COMMANDS: (string[] | undefined)[] = [
  undefined,
  undefined,
  ["php-fpm", "-F"],
  ["sh", "-c", "php-fpm -F"],
  ["sh", "-c", "exec php-fpm -F"],
  ["docker-php-entrypoint", "php-fpm"],
];
const FPM_KILLS = ["kill -SIGQUIT 1", "kill -QUIT 1", "kill -s QUIT 1", "kill -3 1", "kill -TERM 1", ""];
const NGINX_KILLS = ["nginx -s quit", "kill -QUIT 1", ""];

const seconds = fc.oneof(fc.constantFrom(0, 1, 2, 5, 10, 15, 30), fc.integer({ min: 0, max: 120 }));

export const preStopArb = (kills: string[]): fc.Arbitrary<PreStop> =>
  fc.oneof(
    fc.constant<PreStop>({ kind: "none" }),
    seconds.map((s): PreStop => ({ kind: "sleep", seconds: s })),
    seconds.map((s): PreStop => ({ kind: "exec-sleep", seconds: s })),
    fc.record({
      kind: fc.constant("shell" as const),
      seconds,
      shell: fc.constantFrom("sh" as const, "/bin/sh" as const, "bash" as const),
      command: fc.constantFrom(...kills),
      separator: fc.constantFrom(" && " as const, "; " as const),
    }),
    fc.constant<PreStop>({ kind: "httpGet" }),
  );

const containerArb = (images: string[], commands: (string[] | undefined)[], kills: string[]) =>
  fc.record({
    image: fc.constantFrom(...images),
    command: fc.constantFrom(...commands),
    preStop: preStopArb(kills),
    stopSignal: fc.constantFrom(undefined, undefined, "SIGQUIT" as const, "SIGTERM" as const),
    readiness: fc.boolean(),
  });

export const fpmConfigArb: fc.Arbitrary<FpmConfigSpec> = fc.record({
  placement: fc.constantFrom(
    "global" as const,
    "global" as const,
    "pool" as const,
    "php-ini" as const,
    "none" as const,
  ),
  processControlTimeout: seconds,
  requestTerminate: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
  mount: fc.constantFrom("subPath" as const, "directory" as const),
});

export const appArb: fc.Arbitrary<AppSpec> = fc.record({
  kind: fc.constantFrom(
    "Deployment" as const,
    "Deployment" as const,
    "Deployment" as const,
    "StatefulSet" as const,
    "DaemonSet" as const,
    "Pod" as const,
    "CronJob" as const,
  ),
  namespace: fc.constantFrom(undefined, "shop", "billing"),
  replicas: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  strategy: fc.constantFrom(
    "none" as const,
    "Recreate" as const,
    "RollingUpdate" as const,
    "surge" as const,
    "percent" as const,
  ),
  gracePeriodSeconds: fc.option(fc.oneof(seconds, fc.integer({ min: 0, max: 600 })), { nil: undefined }),
  fpm: fc
    .tuple(containerArb(FPM_IMAGES, FPM_COMMANDS, FPM_KILLS), fc.boolean(), fc.integer({ min: 0, max: 9 }))
    .map(([c, nginxInPod, roll]) => ({ ...c, sidecar: nginxInPod && roll === 0 })),
  nginx: fc.option(containerArb(NGINX_IMAGES, [undefined], NGINX_KILLS), { nil: undefined, freq: 2 }),
  nginxFirst: fc.boolean(),
  fpmConfig: fc.option(fpmConfigArb, { nil: undefined, freq: 4 }),
  budget: fc.boolean(),
  service: fc.boolean(),
  flow: fc.boolean(),
});

/** A value written in flow style (`[a, b]`, `{k: v}`) rather than as a block. */
class Flow {
  constructor(readonly value: unknown) {}
}
/** A string written as a literal block scalar (`|`), as ConfigMaps hold config files. */
class Literal {
  constructor(readonly text: string) {}
}
type Value = unknown;

/** A generated value as plain data: flow and literal markers dropped. */
export function plainValue(value: Value): unknown {
  if (value instanceof Flow) return plainValue(value.value);
  if (value instanceof Literal) return value.text;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plainValue(v)]),
    );
  return value;
}

const maybeFlow = (app: AppSpec, value: unknown) => (app.flow ? new Flow(value) : value);

function preStopValue(app: AppSpec, preStop: PreStop): Value {
  switch (preStop.kind) {
    case "none":
      return undefined;
    case "sleep":
      return { sleep: { seconds: preStop.seconds } };
    case "exec-sleep":
      return { exec: { command: maybeFlow(app, ["sleep", String(preStop.seconds)]) } };
    case "shell": {
      const script = preStop.command
        ? `sleep ${preStop.seconds}${preStop.separator}${preStop.command}`
        : `sleep ${preStop.seconds}`;
      return { exec: { command: maybeFlow(app, [preStop.shell, "-c", script]) } };
    }
    case "httpGet":
      return { httpGet: { path: "/drain", port: 8080 } };
  }
}

function container(app: AppSpec, name: string, spec: ContainerSpec, port: number, extra: object): Value {
  const preStop = preStopValue(app, spec.preStop);
  const lifecycle =
    preStop || spec.stopSignal
      ? { ...(spec.stopSignal ? { stopSignal: spec.stopSignal } : {}), ...(preStop ? { preStop } : {}) }
      : undefined;
  return {
    name,
    image: spec.image,
    ...(spec.command ? { command: maybeFlow(app, spec.command) } : {}),
    ports: [{ containerPort: port }],
    resources: maybeFlow(app, { requests: { cpu: "250m", memory: "256Mi" } }),
    ...(spec.readiness ? { readinessProbe: { tcpSocket: { port }, periodSeconds: 2 } } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...extra,
  };
}

function fpmConfigText(config: FpmConfigSpec): string {
  const pct = `process_control_timeout = ${config.processControlTimeout}s`;
  const terminate =
    config.requestTerminate !== undefined ? `request_terminate_timeout = ${config.requestTerminate}s\n` : "";
  switch (config.placement) {
    case "global":
      return `[global]\n${pct}\n\n[www]\npm = dynamic\n${terminate}`;
    case "pool":
      return `[www]\npm = dynamic\n${pct}\n${terminate}`;
    case "php-ini":
    case "none":
      return `[www]\npm = dynamic\n${terminate}`;
  }
}

/** The documents of one app: its workload, ConfigMaps, and perhaps a Service and a PodDisruptionBudget. */
export function appDocuments(app: AppSpec, index: number): { kind: string; value: Value }[] {
  const name = `app-${index}`;
  const labels = { "app.kubernetes.io/name": name };
  const metadata = { name, ...(app.namespace ? { namespace: app.namespace } : {}), labels };
  const config = app.fpmConfig;
  const fpmMounts: Value[] = [];
  const volumes: Value[] = [];
  const docs: { kind: string; value: Value }[] = [];
  if (config) {
    const fileName = config.placement === "php-ini" ? "zz-graceful.ini" : "zz-graceful.conf";
    const dir = config.placement === "php-ini" ? "/usr/local/etc/php/conf.d" : "/usr/local/etc/php-fpm.d";
    fpmMounts.push(
      config.mount === "subPath"
        ? { name: "fpm-conf", mountPath: `${dir}/${fileName}`, subPath: fileName }
        : { name: "fpm-conf", mountPath: dir },
    );
    volumes.push({ name: "fpm-conf", configMap: { name: `${name}-fpm` } });
    const data: Record<string, Value> = { [fileName]: new Literal(fpmConfigText(config)) };
    if (config.placement === "php-ini")
      data[fileName] = new Literal(`[PHP]\nprocess_control_timeout=${config.processControlTimeout}s\n`);
    docs.push({
      kind: "ConfigMap",
      value: { apiVersion: "v1", kind: "ConfigMap", metadata: { ...metadata, name: `${name}-fpm` }, data },
    });
  }
  const fpm = container(
    app,
    "php-fpm",
    app.fpm,
    9000,
    fpmMounts.length > 0 ? { volumeMounts: fpmMounts } : {},
  );
  const nginx = app.nginx && container(app, "nginx", app.nginx, 8080, {});
  const sidecar = app.fpm.sidecar && nginx !== undefined;
  const containers = sidecar ? [nginx] : nginx ? (app.nginxFirst ? [nginx, fpm] : [fpm, nginx]) : [fpm];
  const podSpec = {
    ...(app.gracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: app.gracePeriodSeconds }
      : {}),
    ...(sidecar ? { initContainers: [{ ...(fpm as object), restartPolicy: "Always" }] } : {}),
    containers,
    ...(volumes.length > 0 ? { volumes } : {}),
  };
  const template = { metadata: { labels }, spec: podSpec };
  const strategy = {
    none: undefined,
    Recreate: { type: "Recreate" },
    RollingUpdate: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    surge: { rollingUpdate: { maxUnavailable: 1 } },
    percent: { rollingUpdate: { maxUnavailable: "100%" } },
  }[app.strategy];
  const field = app.kind === "Deployment" ? "strategy" : "updateStrategy";
  const spec =
    app.kind === "Pod"
      ? podSpec
      : app.kind === "CronJob"
        ? { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } }
        : {
            ...(app.replicas !== undefined && app.kind !== "DaemonSet" ? { replicas: app.replicas } : {}),
            ...(strategy && app.kind !== "StatefulSet" ? { [field]: strategy } : {}),
            selector: { matchLabels: labels },
            template,
          };
  const apiVersion = app.kind === "Pod" ? "v1" : app.kind === "CronJob" ? "batch/v1" : "apps/v1";
  docs.unshift({ kind: app.kind, value: { apiVersion, kind: app.kind, metadata, spec } });
  if (app.service)
    docs.push({
      kind: "Service",
      value: {
        apiVersion: "v1",
        kind: "Service",
        metadata,
        spec: { selector: labels, ports: [{ port: 80, targetPort: nginx ? 8080 : 9000 }] },
      },
    });
  if (app.budget)
    docs.push({
      kind: "PodDisruptionBudget",
      value: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      },
    });
  return docs;
}

/** Where comments go: a rate, and a seed so the same case always gets the same comments. */
export interface CommentPlan {
  rate: number;
  seed: number;
}
export const commentPlanArb: fc.Arbitrary<CommentPlan> = fc.record({
  rate: fc.constantFrom(0, 0.1, 0.3, 0.6),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

class YamlWriter {
  readonly lines: string[] = [];
  readonly comments: string[] = [];
  private state: number;
  constructor(private readonly plan: CommentPlan) {
    this.state = plan.seed >>> 0 || 1;
  }
  private roll(): boolean {
    // xorshift32: the comment layout is a pure function of the plan.
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 4294967296 < this.plan.rate;
  }
  private comment(): string {
    const text = `# note ${this.comments.length}: why this is so`;
    this.comments.push(text);
    return text;
  }
  private trailing(): string {
    return this.roll() ? ` ${this.comment()}` : "";
  }
  private scalar(value: unknown): string {
    if (value instanceof Flow)
      return stringify(value.value, { collectionStyle: "flow", lineWidth: 0 }).trimEnd();
    return stringify(value, { lineWidth: 0 }).trimEnd();
  }
  private isBlock(value: unknown): value is Record<string, unknown> | unknown[] {
    if (Array.isArray(value)) return value.length > 0;
    return (
      typeof value === "object" &&
      value !== null &&
      !(value instanceof Flow) &&
      !(value instanceof Literal) &&
      Object.keys(value).length > 0
    );
  }

  /** Writes a mapping's entries at `indent`; `first` is the prefix of the first line (`- ` in a list). */
  map(value: Record<string, unknown>, indent: number, first?: string): void {
    const pad = " ".repeat(indent);
    let index = 0;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const lead = index === 0 && first !== undefined ? first : pad;
      if (!(index === 0 && first !== undefined) && this.roll()) this.lines.push(`${pad}${this.comment()}`);
      index++;
      const k = this.scalar(key);
      if (item instanceof Literal) {
        this.lines.push(`${lead}${k}: |${this.trailing()}`);
        for (const line of item.text.replace(/\n$/, "").split("\n"))
          this.lines.push(line === "" ? "" : `${pad}  ${line}`);
      } else if (this.isBlock(item)) {
        this.lines.push(`${lead}${k}:${this.trailing()}`);
        this.value(item, indent + 2);
      } else {
        this.lines.push(`${lead}${k}: ${this.scalar(item)}${this.trailing()}`);
      }
    }
  }

  value(value: Record<string, unknown> | unknown[], indent: number): void {
    if (!Array.isArray(value)) {
      this.map(value, indent);
      return;
    }
    const pad = " ".repeat(indent);
    for (const item of value) {
      if (this.roll()) this.lines.push(`${pad}${this.comment()}`);
      if (this.isBlock(item) && !Array.isArray(item)) this.map(item, indent + 2, `${pad}- `);
      else if (this.isBlock(item)) {
        this.lines.push(`${pad}-${this.trailing()}`);
        this.value(item, indent + 2);
      } else this.lines.push(`${pad}- ${this.scalar(item)}${this.trailing()}`);
    }
  }
}

export interface ManifestText {
  text: string;
  /** Every comment written, each unique, in order. */
  comments: string[];
  /** The kind of each document, by index. */
  kinds: string[];
}

/**
 * One multi-document file for the apps (plus `unrelated` Services between them), with comments where the
 * plan puts them.
 */
export function manifestText(apps: AppSpec[], plan: CommentPlan, unrelated = 0): ManifestText {
  const writer = new YamlWriter(plan);
  const kinds: string[] = [];
  const documents = apps.flatMap((app, i) => appDocuments(app, i));
  for (let i = 0; i < unrelated; i++)
    documents.splice(Math.min(documents.length, i * 3), 0, {
      kind: "Service",
      value: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: `unrelated-${i}` },
        spec: { ports: new Flow([{ port: 80, targetPort: 8080 }]) },
      },
    });
  documents.forEach((doc, i) => {
    if (i > 0) writer.lines.push("---");
    writer.map(doc.value as Record<string, unknown>, 0);
    kinds.push(doc.kind);
  });
  return { text: `${writer.lines.join("\n")}\n`, comments: writer.comments, kinds };
}
