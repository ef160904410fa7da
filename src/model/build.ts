import { basename, dirname, resolve } from "node:path";
import { type DockerfileFacts, type DockerStage, parseDockerfile } from "../sources/dockerfile.js";
import type { SourceFile } from "../sources/files.js";
import { fileLines } from "../sources/ini.js";
import { type KubernetesObject, manifestsFromValues, parseManifests } from "../sources/kubernetes.js";
import { embeddedTextMapper, type YamlView } from "../sources/yaml-view.js";
import type { DockerfileIndex } from "./identity/dockerfiles.js";
import { type ContainerDeclaration, identifyContainers, linkedStage } from "./identity/identify.js";
import { type ConfigPlacement, placementOf, readConfigSettings, writtenSetting } from "./settings.js";
import type { ConfigOrigin, ConfigSetting, Container, Problem, SourceLocation, Workload } from "./types.js";
import { imageWorkload, isWorkloadKind, pid1FromArgv, readWorkload } from "./workloads.js";

/** PID 1 from the argv identity found, when the manifest does not set `command` (ENTRYPOINT/CMD run). */
function applyPid1(container: Container): void {
  const argv = container.identity.argv;
  if (container.pid1.origin === "manifest" || !argv || argv.origin === "manifest") return;
  container.pid1 = {
    ...pid1FromArgv(argv.argv),
    loc: container.imageFacts.defaultArgv?.loc,
    origin: argv.origin,
  };
}

/**
 * Whether a shell PID 1 execs the plain command its `-c` script ends with. busybox's ash evaluates `-c` with
 * EV_EXIT, so its last command replaces the shell (mirror/busybox:shell/ash.c, `evalstring(minusc, EV_EXIT)`),
 * and bash (5.1 and later) does the same; Debian's dash does not (Debian patches dash's main.c to
 * `evalstring(minusc, 0)`, "Disable sh -c optimisation"). Measured here: `sh -c 'true; sleep 2'` leaves
 * `sleep` as the process in busybox 1.35 and bash 5.2, `dash` in dash 0.5.12 (docs/FACTS.md). `sh` is the
 * image's /bin/sh; when that is unknown the wrapper is kept (the worse case) and marked as resting on it.
 */
function settleShellPid1(container: Container): void {
  const pid1 = container.pid1;
  if (pid1.form !== "shell-wrapper" || pid1.lastCommandShell === undefined) return;
  const shell = pid1.lastCommandShell === "image" ? container.imageFacts.shell : pid1.lastCommandShell;
  if (shell === "busybox" || shell === "bash") container.pid1 = { ...pid1, form: "shell-exec" };
  else if (shell === "unknown") container.pid1 = { ...pid1, shellUnknown: true };
}

export interface BuildOptions {
  /** Explicit Dockerfile links: container name (or `workload/container`) → `path` or `path#stage`. */
  dockerfiles?: Record<string, string>;
  /** What the user declared about containers (`.fpm-graceful.yaml` `containers:`): role, stop signal. */
  containers?: Record<string, ContainerDeclaration>;
}

/** An input the model read and deliberately left alone, with why: nothing given is dropped silently. */
export interface LeftAlone extends SourceLocation {
  reason: string;
}

export interface Model {
  workloads: Workload[];
  problems: Problem[];
  /** Inputs (or objects in them) read but not checked, each with why. */
  leftAlone: LeftAlone[];
}

/** Helm's test hooks are Pods that `helm test` runs once (curl, wget): not workloads to audit. */
function helmTestHook(object: KubernetesObject): boolean {
  const hook = object.view.at("metadata", "annotations", "helm.sh/hook")?.string() ?? "";
  return hook.split(",").some((h) => /^test(-success|-failure)?$/.test(h.trim()));
}

interface ConfigFile {
  path: string;
  text: string;
  placement: ConfigPlacement;
}

/**
 * Builds the model from source files: reads every workload, then links to each container the Dockerfile
 * that builds its image and the php-fpm, php.ini and nginx configs that reach it (ConfigMaps mounted into
 * it, files given on the command line), and says for every link why it was assumed.
 *
 * @example
 *   const model = buildModel([{ path: "k8s/app.yaml", kind: "kubernetes", text }]);
 *   model.workloads[0].containers[0].settings; // process_control_timeout and friends, with locations
 */
export function buildModel(files: SourceFile[], options: BuildOptions = {}): Model {
  const problems: Problem[] = [];
  const dockerfiles: DockerfileFacts[] = [];
  const configs: ConfigFile[] = [];
  // Reading a field of the wrong type records a problem in its manifest's list while the model reads the
  // objects, after parsing: these lists are gathered once the model is built.
  const manifestProblems: Problem[][] = [];
  const configMaps = new Map<string, { key: string; view: YamlView; documentIndex: number }[]>();
  const budgets: { namespace: string; name: string; selector: Record<string, string> }[] = [];
  const claims = new Map<string, string[]>();
  const workloads: Workload[] = [];
  const leftAlone: LeftAlone[] = [];
  for (const file of files) {
    if (file.kind === "kubernetes") {
      const parsed = file.values
        ? manifestsFromValues(file.path, file.values)
        : parseManifests(file.path, file.text);
      // Read as soon as parsed: a document that no ConfigMap's view keeps is then collected while the next
      // files parse (holding every document until all were parsed was most of the garbage collection of
      // `check` on 10,000 documents).
      for (const object of parsed.objects) readObject(object);
      manifestProblems.push(parsed.problems);
    } else if (file.kind === "dockerfile") {
      const facts = parseDockerfile(file.path, file.text);
      for (const p of facts.problems)
        problems.push({ ...p.loc, code: "dockerfile-syntax", message: p.message });
      if (facts.stages.length > 0) dockerfiles.push(facts);
    } else {
      const placement: ConfigPlacement =
        file.kind === "php-ini"
          ? "php-ini"
          : file.kind === "nginx-conf"
            ? "nginx"
            : (placementOf(file.path, file.text) ?? "fpm-include");
      configs.push({ path: file.path, text: file.text, placement });
    }
  }
  function readObject(object: KubernetesObject): void {
    const namespace = object.namespace ?? "default";
    if (object.kind === "ConfigMap") {
      const data =
        object.view
          .get("data")
          ?.entries()
          .map(([key, view]) => ({ key, view, documentIndex: object.documentIndex })) ?? [];
      configMaps.set(`${namespace}/${object.name}`, data);
    } else if (object.kind === "PersistentVolumeClaim") {
      claims.set(`${namespace}/${object.name}`, object.view.at("spec", "accessModes")?.strings() ?? []);
    } else if (object.kind === "PodDisruptionBudget") {
      budgets.push({
        namespace,
        name: object.name,
        selector: object.view.at("spec", "selector", "matchLabels")?.stringMap() ?? {},
      });
    } else if (isWorkloadKind(object.kind) && helmTestHook(object)) {
      leftAlone.push({
        ...(object.view.at("metadata", "name") ?? object.view).loc(),
        reason: `${object.kind} ${object.name} is a Helm test hook (helm.sh/hook: test): run once by \`helm test\`, not a workload to audit`,
      });
    } else if (isWorkloadKind(object.kind)) {
      const workload = readWorkload(object as KubernetesObject & { kind: typeof object.kind });
      if (workload) workloads.push(workload);
    }
  }
  // Budgets by namespace and the first label their selector names, so a workload is matched only against
  // the budgets that select one of its own labels: 3,430 workloads against 733 budgets of one namespace
  // were 4% of `check` on the benchmark corpus. Candidates are then checked against the whole selector.
  const budgetIndex = new Map<string, { order: number; name: string; selector: [string, string][] }[]>();
  budgets.forEach((budget, order) => {
    const selector = Object.entries(budget.selector);
    const [first] = selector;
    if (!first) return;
    const key = `${budget.namespace}\u0000${first[0]}\u0000${first[1]}`;
    const entry = { order, name: `PodDisruptionBudget/${budget.namespace}/${budget.name}`, selector };
    const listed = budgetIndex.get(key);
    if (listed) listed.push(entry);
    else budgetIndex.set(key, [entry]);
  });
  const budgetsOf = (workload: Workload): string[] => {
    if (budgetIndex.size === 0) return [];
    const found: { order: number; name: string }[] = [];
    for (const [label, value] of Object.entries(workload.podLabels))
      for (const candidate of budgetIndex.get(`${workload.namespace}\u0000${label}\u0000${value}`) ?? [])
        if (candidate.selector.every(([k, v]) => workload.podLabels[k] === v)) found.push(candidate);
    return found.sort((a, b) => a.order - b.order).map((b) => b.name);
  };
  // A config a Dockerfile among the inputs COPYs reaches that image only; the rest reach every container of their role.
  const uncopied = configs.filter(
    (c) => !dockerfiles.some((d) => d.stages.some((st) => copiedConfigs(st, d.file, [c]).length > 0)),
  );
  const identified = identifyContainers(
    workloads,
    dockerfiles,
    { ...options, inputPaths: files.filter((f) => f.path !== "<stdin>").map((f) => f.path) },
    problems,
  );
  for (const workload of workloads) {
    for (const claim of workload.persistentClaims)
      claim.accessModes = claims.get(`${workload.namespace}/${claim.name}`);
    workload.disruptionBudgets = budgetsOf(workload);
    for (const container of workload.containers) {
      applyPid1(container);
      settleShellPid1(container);
      const stage = linkedStage(container, identified.index);
      if (stage) applyDockerfileSettings(container, stage);
      for (const { config, destination } of stage
        ? copiedConfigs(stage, container.imageFacts.dockerfile ?? "", configs)
        : [])
        linkConfigFiles(container, [config], problems, destination);
      linkConfigMaps(workload, container, configMaps, problems);
      linkConfigFiles(container, uncopied, problems);
    }
  }
  workloads.push(
    ...unusedInputs(workloads, identified.index, identified.linked, configs, problems, leftAlone),
  );
  problems.unshift(
    ...manifestProblems.flatMap((list) =>
      uniqueProblems(list).sort((a, b) => a.line - b.line || a.column - b.column),
    ),
  );
  return { workloads, problems, leftAlone };
}

/** A field read twice (a ConfigMap mounted into two containers) is reported once. */
function uniqueProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Dockerfiles no container was linked to, and configs no container reads, become `Image/-/<path>`
 * pseudo-workloads, so `fpm-graceful check Dockerfile` says what the image alone gets wrong. A Dockerfile
 * that builds neither php-fpm nor nginx (a Go service, redis) is left alone, and said to be.
 */
function unusedInputs(
  workloads: Workload[],
  index: DockerfileIndex,
  linked: Set<string>,
  configs: ConfigFile[],
  problems: Problem[],
  leftAlone: LeftAlone[],
): Workload[] {
  const out: Workload[] = [];
  for (const facts of index.files.filter((d) => !linked.has(d.file))) {
    const last = facts.stages.at(-1) as DockerStage;
    const role = index.stageRole(facts, last);
    const loc = last.from.loc;
    if (role?.role !== "fpm" && role?.role !== "nginx") {
      // Its last stage is what `docker build` makes; a php-fpm stage before it is built only with --target.
      const serving = facts.stages.filter((st) => {
        const r = index.stageRole(facts, st)?.role;
        return (r === "fpm" || r === "nginx") && st.name !== undefined;
      });
      const stages =
        serving.length > 0
          ? `; its stage${serving.length === 1 ? "" : "s"} ${serving.map((st) => st.name).join(", ")} build php-fpm or nginx: link one with --dockerfile CONTAINER=${facts.file}#STAGE`
          : "";
      leftAlone.push({
        ...loc,
        reason: role
          ? `${facts.file} builds neither php-fpm nor nginx (${role.reason})${stages}`
          : `${facts.file} is not known to build php-fpm or nginx (FROM ${last.from.value}); link it with --dockerfile CONTAINER=${facts.file} if it does${stages}`,
      });
      continue;
    }
    const workload = imageWorkload(facts.file, role.role, loc, last.from.value);
    const container = workload.containers[0] as Container;
    identifyImage(container, facts, index);
    applyPid1(container);
    settleShellPid1(container);
    applyDockerfileSettings(container, last);
    container.links = [`Dockerfile ${facts.file} (given without a workload)`];
    out.push(workload);
  }
  for (const role of ["fpm", "nginx"] as const) {
    const unread = configs.filter((c) => (c.placement === "nginx") === (role === "nginx"));
    if (unread.length === 0) continue;
    const image = out.find((w) => w.containers[0]?.role === role);
    if (image) {
      linkConfigFiles(image.containers[0] as Container, unread, problems);
      continue;
    }
    // With workloads among the inputs, a config none of their containers reads is left alone (below): a
    // repository's docker-compose nginx.conf is not an nginx of its own. Given alone, it is checked alone.
    if (workloads.length > 0) continue;
    const first = unread[0] as ConfigFile;
    const workload = imageWorkload(first.path, role, { file: first.path, line: 1, column: 1 }, "");
    linkConfigFiles(workload.containers[0] as Container, unread, problems);
    out.push(workload);
  }
  for (const config of configs) {
    const role = config.placement === "nginx" ? "nginx" : "fpm";
    if (
      [...workloads, ...out].some((w) =>
        w.containers.some((c) => c.links.some((l) => l.startsWith(config.path))),
      )
    )
      continue;
    leftAlone.push({
      file: config.path,
      line: 1,
      column: 1,
      reason: `${config.path}: no ${role === "fpm" ? "php-fpm" : "nginx"} container reads it`,
    });
  }
  return out;
}

/** A Dockerfile given alone: its facts, as identity reads them for a container linked to its last stage. */
function identifyImage(container: Container, facts: DockerfileFacts, index: DockerfileIndex): void {
  const role = container.role;
  const pseudo: Workload = imageWorkload(facts.file, role === "nginx" ? "nginx" : "fpm", container.loc, "");
  pseudo.containers = [container];
  identifyContainers(
    [pseudo],
    index.files,
    { dockerfiles: { [container.name]: facts.file }, inputPaths: index.files.map((d) => d.file) },
    [],
  );
  // A Dockerfile given alone builds what its stage says, whatever its PID 1 turns out to be.
  container.role = role;
}

/** Settings a Dockerfile stage's RUN lines write (`echo process_control_timeout=… >> conf.d/x.ini`). */
function applyDockerfileSettings(container: Container, stage: DockerStage): void {
  const file = container.imageFacts.dockerfile ?? "";
  for (const written of stage.settings) {
    const setting = writtenSetting(
      written.key,
      written.value,
      written.target,
      written.opensGlobal,
      written.loc,
      `Dockerfile ${file} writes ${written.target}`,
    );
    if (setting) {
      setting.origin = {
        kind: "dockerfile",
        file,
        lines: written.instructionLines,
        soleCommand: written.soleCommand,
      };
      container.settings.push(setting);
    }
  }
}

function linkConfigMaps(
  workload: Workload,
  container: Container,
  configMaps: Map<string, { key: string; view: YamlView; documentIndex: number }[]>,
  problems: Problem[],
): void {
  for (const mount of container.mounts) {
    const volume = workload.volumes.find((v) => v.name === mount.volume);
    const data = volume && configMaps.get(`${workload.namespace}/${volume.configMap}`);
    if (volume && !data) {
      // A php-fpm config mounted from a ConfigMap that is not among the inputs may set anything.
      const placement = placementOf(mount.mountPath, undefined);
      if (
        placement === "fpm-main" ||
        placement === "fpm-include" ||
        (placement === undefined && /php/.test(mount.mountPath))
      ) {
        container.unseenConfigs.push(`ConfigMap ${volume.configMap} mounted at ${mount.mountPath}`);
      }
    }
    if (!volume || !data) continue;
    for (const { key, view, documentIndex } of data) {
      const text = view.string();
      if (text === undefined) continue;
      const fileName = volume.items ? volume.items.find((i) => i.key === key)?.path : key;
      if (fileName === undefined) continue;
      if (mount.subPath !== undefined && mount.subPath !== fileName) continue;
      const path =
        mount.subPath !== undefined ? mount.mountPath : `${mount.mountPath.replace(/\/$/, "")}/${fileName}`;
      const placement = placementOf(path, text);
      if (!placement || !fitsRole(placement, container)) continue;
      const via = `ConfigMap ${volume.configMap} key ${key} mounted at ${path}`;
      const read = readConfigSettings(text, placement, embeddedTextMapper(view), via);
      const origin: ConfigOrigin = {
        kind: "configmap",
        file: view.ctx.file,
        documentIndex,
        path: view.path,
        text,
      };
      container.settings.push(...read.settings.map((s) => ({ ...s, origin, destination: path })));
      container.configs.push({ placement, origin, destination: path });
      for (const p of read.problems) problems.push({ ...p.loc, code: "config-syntax", message: p.message });
      container.links.push(via);
    }
  }
}

/**
 * Configs among the inputs that a linked Dockerfile stage COPYs into the image: they reach the containers
 * of that image, at the placement their destination gives (`COPY docker/php/zz-docker.conf
 * /usr/local/etc/php-fpm.d/`). Sources are looked up from the Dockerfile's folder upwards, as build
 * contexts usually are.
 */
function copiedConfigs(
  stage: DockerStage,
  dockerfile: string,
  configs: ConfigFile[],
): { config: ConfigFile; destination: string }[] {
  const out: { config: ConfigFile; destination: string }[] = [];
  for (const copy of stage.copies) {
    for (const source of copy.sources) {
      const config = configs.find((c) => {
        for (let dir = dirname(resolve(dockerfile)); ; dir = dirname(dir)) {
          if (resolve(dir, source) === resolve(c.path)) return true;
          if (dir === dirname(dir)) return false;
        }
      });
      if (!config) continue;
      const destination = copy.destination.endsWith("/")
        ? `${copy.destination}${basename(config.path)}`
        : copy.destination;
      out.push({
        config: { ...config, placement: placementOf(destination, config.text) ?? config.placement },
        destination,
      });
    }
  }
  return out;
}

function linkConfigFiles(
  container: Container,
  configs: ConfigFile[],
  problems: Problem[],
  copiedTo?: string,
): void {
  for (const config of configs) {
    if (!fitsRole(config.placement, container)) continue;
    const via = copiedTo
      ? `${config.path} (COPY'd by ${container.imageFacts.dockerfile} to ${copiedTo})`
      : `${config.path} (given on the command line; applies to every ${container.role === "nginx" ? "nginx" : "php-fpm"} container)`;
    const read = readConfigSettings(config.text, config.placement, fileLines(config.path), via);
    const origin: ConfigOrigin = { kind: "file", file: config.path, text: config.text };
    const destination = copiedTo ?? config.path;
    container.settings.push(...read.settings.map((s) => ({ ...s, origin, destination })));
    container.configs.push({
      placement: config.placement,
      origin,
      ...(copiedTo ? { destination: copiedTo } : {}),
    });
    container.links.push(via);
    // A file's syntax problems are reported once, not once per container that reads it.
    for (const p of read.problems) {
      if (!problems.some((q) => q.file === p.loc.file && q.line === p.loc.line)) {
        problems.push({ ...p.loc, code: "config-syntax", message: p.message });
      }
    }
  }
}

function fitsRole(placement: ConfigPlacement, container: Container): boolean {
  return placement === "nginx" ? container.role === "nginx" : container.role === "fpm";
}

/** The settings of a key, in the order php-fpm or nginx reads them (the last one wins). */
export function settingsOf(container: Container, key: string): ConfigSetting[] {
  return container.settings.filter((s) => s.key === key);
}
