import type { KubernetesObject } from "../sources/kubernetes.js";
import type { YamlView } from "../sources/yaml-view.js";
import { imageKnowledge } from "./identity/images.js";
import { analyseExecHook, execScript, lastCommandOf } from "./shell.js";
import type {
  ConfigMapVolume,
  Container,
  Pid1,
  PreStopHook,
  Probe,
  RolloutStrategy,
  SourceLocation,
  Workload,
  WorkloadKind,
} from "./types.js";

const POD_SPEC_PATHS: Record<Exclude<WorkloadKind, "Image">, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export function isWorkloadKind(kind: string): kind is Exclude<WorkloadKind, "Image"> {
  return Object.hasOwn(POD_SPEC_PATHS, kind);
}

/**
 * Reads a workload object into the model: its pod template's containers (and native sidecars), their
 * preStop hooks, stop signals, probes and mounts, the grace period and the rollout strategy. Images are
 * known only by name here; Dockerfiles and configs are linked afterwards (`link.ts`).
 */
export function readWorkload(
  object: KubernetesObject & { kind: Exclude<WorkloadKind, "Image"> },
): Workload | undefined {
  const { view } = object;
  const podSpecPath = POD_SPEC_PATHS[object.kind];
  const podSpec = view.at(...podSpecPath);
  if (!podSpec?.isMap()) {
    view.problem(
      `${object.kind} ${object.name || "(unnamed)"} has no pod template at ${podSpecPath.join(".")}`,
    );
    return undefined;
  }
  const templateMeta =
    object.kind === "Pod" ? view.get("metadata") : view.at(...podSpecPath.slice(0, -1), "metadata");
  const namespace = object.namespace ?? "default";
  const containers = [
    ...(podSpec
      .get("initContainers")
      ?.items()
      .filter((c) => c.get("restartPolicy")?.string() === "Always")
      .map((c) => readContainer(c, true)) ?? []),
    ...(podSpec
      .get("containers")
      ?.items()
      .map((c) => readContainer(c, false)) ?? []),
  ].filter((c): c is Container => c !== undefined);
  return {
    id: `${object.kind}/${namespace}/${object.name}`,
    kind: object.kind,
    name: object.name,
    namespace,
    loc: (view.at("metadata", "name") ?? view.get("kind") ?? view).loc(),
    objectPath: view.path,
    podSpecPath: [...view.path, ...podSpecPath],
    annotations: {
      ...view.at("metadata", "annotations")?.stringMap(),
      ...templateMeta?.get("annotations")?.stringMap(),
    },
    annotationLocs: Object.fromEntries(
      [
        ...(view.at("metadata", "annotations")?.entries() ?? []),
        ...(templateMeta?.get("annotations")?.entries() ?? []),
      ].map(([key, value]) => [key, value.loc()]),
    ),
    podLabels: templateMeta?.get("labels")?.stringMap() ?? {},
    selector: view.at("spec", "selector", "matchLabels")?.stringMap(),
    persistentClaims: (podSpec.get("volumes")?.items() ?? [])
      .map((v) => v.at("persistentVolumeClaim", "claimName")?.string())
      .filter((name): name is string => name !== undefined)
      .map((name) => ({ name, accessModes: undefined })),
    replicas: integerField(view.at("spec", "replicas")),
    strategy: readStrategy(object.kind, view),
    gracePeriodSeconds: integerField(podSpec.get("terminationGracePeriodSeconds")),
    containers,
    volumes: readVolumes(podSpec),
    disruptionBudgets: [],
    documentIndex: object.documentIndex,
  };
}

function integerField(view: YamlView | undefined) {
  const value = view?.nonNegativeInteger();
  return view && value !== undefined ? view.located(value) : undefined;
}

function readContainer(view: YamlView, sidecar: boolean): Container | undefined {
  const name = view.get("name")?.string() ?? "";
  const image = view.get("image")?.string() ?? "";
  const command = view.get("command")?.strings() ?? [];
  const args = view.get("args")?.strings() ?? [];
  const ports = (view.get("ports")?.items() ?? [])
    .map((p) => p.get("containerPort")?.integer())
    .filter((p): p is number => p !== undefined);
  const known = imageKnowledge(image);
  const lifecycle = view.get("lifecycle")?.mapping();
  const stopSignal = lifecycle?.get("stopSignal");
  const stopSignalValue = stopSignal?.string();
  const probePorts = ["readinessProbe", "livenessProbe"]
    .map((p) => view.at(p, "tcpSocket", "port")?.scalar())
    .filter((p): p is number => typeof p === "number");
  return {
    name,
    image,
    // Decided with the rest of the identity once Dockerfiles are linked (identity/identify.ts).
    role: "other",
    identity: { role: "other", evidence: [], argv: undefined },
    env: readEnv(view),
    probePorts,
    sidecar,
    loc: (view.get("name") ?? view).loc(),
    path: view.path,
    preStop: readPreStop(lifecycle?.get("preStop")),
    lifecycleStopSignal: stopSignal && stopSignalValue ? stopSignal.located(stopSignalValue) : undefined,
    readinessProbe: readProbe(view.get("readinessProbe")),
    ports,
    pid1: readPid1(view, command, args),
    imageFacts: unidentifiedImage(image, known.basis),
    settings: [],
    links: [],
    mounts: (view.get("volumeMounts")?.items() ?? []).map((m) => ({
      volume: m.get("name")?.string() ?? "",
      mountPath: m.get("mountPath")?.string() ?? "",
      subPath: m.get("subPath")?.string(),
    })),
    command,
    args,
    configs: [],
    unseenConfigs: [],
  };
}

/** `env` as the container gets it: literal values, and `undefined` for values only known at run time. */
function readEnv(view: YamlView): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.create(null);
  for (const item of view.get("env")?.items() ?? []) {
    const name = item.get("name")?.string();
    if (name === undefined) continue;
    const value = item.get("value");
    env[name] = value ? String(value.scalar() ?? "") : undefined;
  }
  return env;
}

/** Image facts before identity links a Dockerfile and reads the image table: nothing known yet. */
export function unidentifiedImage(reference: string, basis: string): Container["imageFacts"] {
  return {
    reference,
    stopSignal: { value: "SIGTERM", loc: undefined, unknown: true, assumed: `${basis}: stop signal unknown` },
    shell: "unknown",
    role: undefined,
    basis,
    env: {},
  };
}

function readPreStop(view: YamlView | undefined): PreStopHook | undefined {
  if (!view?.isMap()) return undefined;
  const sleep = view.get("sleep");
  if (sleep) {
    const seconds = sleep.get("seconds")?.nonNegativeInteger();
    return { kind: "sleep", seconds: seconds ?? 0, loc: sleep.keyLoc() };
  }
  const exec = view.get("exec");
  if (exec) {
    const commandView = exec.get("command");
    const command = commandView?.strings() ?? [];
    const { script } = execScript(command);
    // Point at the script itself (the third item of `sh -c`), where a kill or sleep is written.
    const scriptView = commandView?.items().at(command.length >= 3 ? 2 : 0) ?? commandView ?? exec;
    const loc = scriptView.loc();
    // Every hook with this script shares one analysis (`memo.ts`): its kills are copied to carry this
    // hook's locations.
    const shared = analyseExecHook(script);
    const analysis = { ...shared, kills: shared.kills.map((kill) => ({ ...kill })) };
    // In a one-line string, a kill's offset in the script is its column (after an opening quote).
    const node = scriptView.node as { type?: string } | null | undefined;
    const quoted = node?.type === "QUOTE_DOUBLE" || node?.type === "QUOTE_SINGLE";
    if (command.length >= 3 && (quoted || node?.type === "PLAIN") && !script.includes("\n")) {
      for (const kill of analysis.kills)
        kill.loc = { ...loc, column: loc.column + (quoted ? 1 : 0) + kill.offset };
    }
    return { kind: "exec", command, script, loc, analysis };
  }
  const http = view.get("httpGet");
  if (http) {
    return {
      kind: "httpGet",
      path: http.get("path")?.string() ?? "/",
      port: http.get("port")?.string() ?? "",
      loc: http.keyLoc(),
    };
  }
  return undefined;
}

function readProbe(view: YamlView | undefined): Probe | undefined {
  if (!view?.isMap()) return undefined;
  const kind = (["httpGet", "tcpSocket", "exec", "grpc"] as const).find((k) => view.get(k));
  if (!kind) return undefined;
  const probe: Probe = { kind, loc: view.keyLoc() };
  for (const key of ["periodSeconds", "failureThreshold", "successThreshold"] as const) {
    const value = view.get(key)?.integer();
    if (value !== undefined && value >= 1) probe[key] = value;
  }
  return probe;
}

/**
 * How PID 1 starts, from the manifest's command/args. A shell that does not `exec` the server keeps it as
 * a child, and the kernel drops SIGTERM/SIGQUIT sent to a PID 1 without a handler (FACTS.md).
 */
function readPid1(view: YamlView, command: string[], args: string[]): Pid1 {
  if (command.length === 0)
    return { form: "unknown", command: args.join(" "), loc: undefined, origin: "image-default" };
  const loc = view.get("command")?.loc();
  return { ...pid1FromArgv([...command, ...args]), loc, origin: "manifest" };
}

export function pid1FromArgv(argv: string[]): Pick<Pid1, "form" | "command" | "lastCommandShell"> {
  const commandText = argv.join(" ");
  const { script, shell } = execScript(argv);
  if (shell === "none") {
    const program = argv[0]?.split("/").at(-1) ?? "";
    // Entrypoint scripts may or may not exec their arguments; the official images' ones do.
    if (/\.sh$|entrypoint/.test(program) && !/^docker-(php|nginx)?-?entrypoint$/.test(program)) {
      return { form: "unknown", command: commandText };
    }
    return { form: "exec", command: commandText };
  }
  const last = lastCommandOf(script);
  if (/^exec\s/.test(last.text)) return { form: "shell-exec", command: commandText };
  return {
    form: "shell-wrapper",
    command: commandText,
    ...(last.plain ? { lastCommandShell: shell === "unknown" ? "image" : shell } : {}),
  };
}

function readStrategy(kind: WorkloadKind, view: YamlView): RolloutStrategy | undefined {
  if (kind !== "Deployment" && kind !== "StatefulSet" && kind !== "DaemonSet") return undefined;
  const field = kind === "Deployment" ? "strategy" : "updateStrategy";
  const strategy = view.at("spec", field);
  const type = strategy?.get("type")?.string() ?? "RollingUpdate";
  const rolling = strategy?.get("rollingUpdate");
  const value = (v: YamlView | undefined) => {
    const raw = v?.scalar();
    return typeof raw === "number" || typeof raw === "string" ? raw : undefined;
  };
  return {
    type: type === "Recreate" || type === "OnDelete" ? type : "RollingUpdate",
    maxSurge: value(rolling?.get("maxSurge")),
    maxUnavailable: value(rolling?.get("maxUnavailable")),
    loc: strategy?.keyLoc(),
  };
}

function readVolumes(podSpec: YamlView): ConfigMapVolume[] {
  const out: ConfigMapVolume[] = [];
  for (const volume of podSpec.get("volumes")?.items() ?? []) {
    const name = volume.get("name")?.string() ?? "";
    const sources = [
      volume.get("configMap"),
      ...(volume
        .at("projected", "sources")
        ?.items()
        .map((s) => s.get("configMap")) ?? []),
    ];
    for (const cm of sources) {
      const configMap = cm?.get("name")?.string();
      if (!cm || !configMap) continue;
      const items = cm
        .get("items")
        ?.items()
        .map((i) => ({ key: i.get("key")?.string() ?? "", path: i.get("path")?.string() ?? "" }));
      out.push({ name, configMap, items });
    }
  }
  return out;
}

/**
 * A pseudo-workload for an image or configs given without a manifest that uses them: one container of the
 * role, no preStop, the default grace period. Only rules marked `appliesToImages` run on it.
 */
export function imageWorkload(
  name: string,
  role: "fpm" | "nginx",
  loc: SourceLocation,
  reference: string,
): Workload {
  const container: Container = {
    name: role === "fpm" ? "php-fpm" : "nginx",
    image: reference,
    role,
    identity: { role, evidence: [], argv: undefined },
    env: {},
    probePorts: [],
    sidecar: false,
    loc,
    path: [],
    preStop: undefined,
    lifecycleStopSignal: undefined,
    readinessProbe: undefined,
    ports: [],
    pid1: { form: "unknown", command: "", loc: undefined, origin: "image-default" },
    imageFacts: unidentifiedImage(reference, imageKnowledge(reference).basis),
    settings: [],
    links: [],
    mounts: [],
    command: [],
    args: [],
    configs: [],
    unseenConfigs: [],
  };
  return {
    id: `Image/-/${name}`,
    kind: "Image",
    name,
    namespace: "-",
    loc,
    objectPath: [],
    podSpecPath: [],
    annotations: {},
    annotationLocs: {},
    podLabels: {},
    selector: undefined,
    persistentClaims: [],
    replicas: undefined,
    strategy: undefined,
    gracePeriodSeconds: undefined,
    containers: [container],
    volumes: [],
    disruptionBudgets: [],
    documentIndex: 0,
  };
}
