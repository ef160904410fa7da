import { dirname, resolve } from "node:path";
import { type DockerfileFacts, parseDockerfile } from "../sources/dockerfile.js";
import type { SourceFile } from "../sources/files.js";
import { fileLines } from "../sources/ini.js";
import { type KubernetesObject, manifestsFromValues, parseManifests } from "../sources/kubernetes.js";
import { embeddedTextMapper, type YamlView } from "../sources/yaml-view.js";
import { knownImage, parseImageReference } from "./images.js";
import { type ConfigPlacement, placementOf, readConfigSettings, writtenSetting } from "./settings.js";
import type { ConfigOrigin, ConfigSetting, Container, Problem, Signal, Workload } from "./types.js";
import { imageWorkload, isWorkloadKind, pid1FromArgv, readWorkload } from "./workloads.js";

export interface BuildOptions {
  /** Explicit Dockerfile links: container name (or `workload/container`) → Dockerfile path. */
  dockerfiles?: Record<string, string>;
}

export interface Model {
  workloads: Workload[];
  problems: Problem[];
  /** Parsed manifests by file, kept for fixes. */
  objects: KubernetesObject[];
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
  const objects: KubernetesObject[] = [];
  const dockerfiles: DockerfileFacts[] = [];
  const configs: ConfigFile[] = [];
  // Reading a field of the wrong type records a problem in its manifest's list while the model reads the
  // objects, after parsing: these lists are gathered once the model is built.
  const manifestProblems: Problem[][] = [];
  for (const file of files) {
    if (file.kind === "kubernetes") {
      const parsed = file.values
        ? manifestsFromValues(file.path, file.values)
        : parseManifests(file.path, file.text);
      objects.push(...parsed.objects);
      manifestProblems.push(parsed.problems);
    } else if (file.kind === "dockerfile") {
      const facts = parseDockerfile(file.path, file.text);
      for (const p of facts.problems)
        problems.push({ ...p.loc, code: "dockerfile-syntax", message: p.message });
      if (facts.baseImage) dockerfiles.push(facts);
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
  const configMaps = new Map<string, { key: string; view: YamlView; documentIndex: number }[]>();
  const budgets: { namespace: string; name: string; selector: Record<string, string> }[] = [];
  const workloads: Workload[] = [];
  for (const object of objects) {
    const namespace = object.namespace ?? "default";
    if (object.kind === "ConfigMap") {
      const data =
        object.view
          .get("data")
          ?.entries()
          .map(([key, view]) => ({ key, view, documentIndex: object.documentIndex })) ?? [];
      configMaps.set(`${namespace}/${object.name}`, data);
    } else if (object.kind === "PodDisruptionBudget") {
      budgets.push({
        namespace,
        name: object.name,
        selector: object.view.at("spec", "selector", "matchLabels")?.stringMap() ?? {},
      });
    } else if (isWorkloadKind(object.kind)) {
      const workload = readWorkload(object as KubernetesObject & { kind: typeof object.kind });
      if (workload) workloads.push(workload);
    }
  }
  // Budgets grouped by namespace, so thousands of workloads are not each matched against every budget.
  const budgetsByNamespace = new Map<string, typeof budgets>();
  for (const budget of budgets) {
    if (Object.keys(budget.selector).length === 0) continue;
    const inNamespace = budgetsByNamespace.get(budget.namespace);
    if (inNamespace) inNamespace.push(budget);
    else budgetsByNamespace.set(budget.namespace, [budget]);
  }
  for (const workload of workloads) {
    workload.disruptionBudgets = (budgetsByNamespace.get(workload.namespace) ?? [])
      .filter((b) => Object.entries(b.selector).every(([k, v]) => workload.podLabels[k] === v))
      .map((b) => `PodDisruptionBudget/${b.namespace}/${b.name}`);
    for (const container of workload.containers) {
      linkDockerfile(workload, container, dockerfiles, options);
      linkConfigMaps(workload, container, configMaps, problems);
      linkConfigFiles(container, configs, problems);
    }
  }
  workloads.push(...unusedInputs(workloads, dockerfiles, configs, problems));
  problems.unshift(
    ...manifestProblems.flatMap((list) =>
      uniqueProblems(list).sort((a, b) => a.line - b.line || a.column - b.column),
    ),
  );
  return { workloads, problems, objects };
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
 * pseudo-workloads, so `fpm-graceful check Dockerfile` says what the image alone gets wrong.
 */
function unusedInputs(
  workloads: Workload[],
  dockerfiles: DockerfileFacts[],
  configs: ConfigFile[],
  problems: Problem[],
): Workload[] {
  const linked = new Set(workloads.flatMap((w) => w.containers.map((c) => c.imageFacts.dockerfile)));
  const out: Workload[] = [];
  for (const facts of dockerfiles.filter((d) => !linked.has(d.file))) {
    const base = facts.baseImage?.value ?? "";
    const role = knownImage(base).role === "nginx" ? "nginx" : "fpm";
    const workload = imageWorkload(
      facts.file,
      role,
      facts.baseImage?.loc ?? { file: facts.file, line: 1, column: 1 },
      base,
    );
    const container = workload.containers[0] as Container;
    applyDockerfile(container, facts, `${facts.file} (given without a workload)`);
    out.push(workload);
  }
  for (const role of ["fpm", "nginx"] as const) {
    const unread = configs.filter((c) => (c.placement === "nginx") === (role === "nginx"));
    if (unread.length === 0 || [...workloads, ...out].some((w) => w.containers.some((c) => c.role === role)))
      continue;
    const first = unread[0] as ConfigFile;
    const workload = imageWorkload(first.path, role, { file: first.path, line: 1, column: 1 }, "");
    linkConfigFiles(workload.containers[0] as Container, unread, problems);
    out.push(workload);
  }
  return out;
}

function linkDockerfile(
  workload: Workload,
  container: Container,
  dockerfiles: DockerfileFacts[],
  options: BuildOptions,
): void {
  const explicit =
    options.dockerfiles?.[`${workload.name}/${container.name}`] ?? options.dockerfiles?.[container.name];
  const annotated = workload.annotations[`fpm-graceful.io/dockerfile.${container.name}`];
  let facts: DockerfileFacts | undefined;
  let why = "";
  if (explicit) {
    facts = dockerfiles.find((d) => resolve(d.file) === resolve(explicit));
    why = `--dockerfile ${container.name}=${explicit}`;
  } else if (annotated) {
    const target = resolve(dirname(workload.loc.file), annotated);
    facts = dockerfiles.find((d) => resolve(d.file) === target);
    why = `annotation fpm-graceful.io/dockerfile.${container.name}`;
  } else {
    const { repository } = parseImageReference(container.image);
    const imageName = repository.split("/").at(-1) ?? "";
    facts = dockerfiles.find((d) => dirname(resolve(d.file)).split("/").at(-1) === imageName);
    why = `image name ${imageName} matches the Dockerfile's directory`;
    if (!facts && container.imageFacts.role === undefined) {
      // The one Dockerfile of this role among the inputs is taken for a custom image of that role.
      const sameRole = dockerfiles.filter(
        (d) => knownImage(d.baseImage?.value ?? "").role === container.role,
      );
      if (sameRole.length === 1) {
        facts = sameRole[0];
        why = `the only ${container.role === "fpm" ? "php-fpm" : container.role} Dockerfile among the inputs`;
      }
    }
  }
  if (!facts) return;
  applyDockerfile(container, facts, `${facts.file} (linked by ${why})`);
}

function applyDockerfile(container: Container, facts: DockerfileFacts, label: string): void {
  const base = knownImage(facts.baseImage?.value ?? "");
  container.links.push(`Dockerfile ${label}`);
  container.imageFacts.dockerfile = facts.file;
  if (facts.finalFromLine !== undefined) container.imageFacts.dockerfileFromLine = facts.finalFromLine;
  container.imageFacts.shell = base.shell;
  container.imageFacts.basis = `Dockerfile ${facts.file} FROM ${facts.baseImage?.value ?? "?"}`;
  if (container.imageFacts.role === undefined && base.role) container.role = base.role;
  container.imageFacts.role = base.role;
  // Docker inherits STOPSIGNAL from the base image: the official php-fpm and nginx images set SIGQUIT.
  if (facts.stopSignal) {
    container.imageFacts.stopSignal = facts.stopSignal;
  } else if (base.stopSignal) {
    container.imageFacts.stopSignal = {
      value: base.stopSignal as Signal,
      loc: undefined,
      assumed: `inherited from ${base.basis}`,
    };
  } else {
    container.imageFacts.stopSignal = {
      value: "SIGTERM",
      loc: undefined,
      assumed: `${facts.file} sets no STOPSIGNAL and its base ${facts.baseImage?.value ?? "?"} is not known to set one: the runtime sends SIGTERM`,
    };
  }
  if (container.pid1.origin !== "manifest") {
    const entry = facts.entrypoint ?? facts.cmd;
    if (entry) {
      // With an exec-form ENTRYPOINT, the manifest's args replace CMD; a shell-form ENTRYPOINT ignores them.
      const argv =
        facts.entrypoint && container.args.length > 0 ? [...entry.argv, ...container.args] : entry.argv;
      container.pid1 = { ...pid1FromArgv(argv), loc: entry.loc, origin: "dockerfile" };
    }
  }
  const via = `Dockerfile ${facts.file}`;
  for (const written of facts.settings) {
    const setting = writtenSetting(
      written.key,
      written.value,
      written.target,
      written.opensGlobal,
      written.loc,
      `${via} writes ${written.target}`,
    );
    if (setting) {
      setting.origin = {
        kind: "dockerfile",
        file: facts.file,
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
      container.settings.push(...read.settings.map((s) => ({ ...s, origin })));
      container.configs.push({ placement, origin });
      for (const p of read.problems) problems.push({ ...p.loc, code: "config-syntax", message: p.message });
      container.links.push(via);
    }
  }
}

function linkConfigFiles(container: Container, configs: ConfigFile[], problems: Problem[]): void {
  for (const config of configs) {
    if (!fitsRole(config.placement, container)) continue;
    const via = `${config.path} (given on the command line; applies to every ${container.role === "nginx" ? "nginx" : "php-fpm"} container)`;
    const read = readConfigSettings(config.text, config.placement, fileLines(config.path), via);
    const origin: ConfigOrigin = { kind: "file", file: config.path, text: config.text };
    container.settings.push(...read.settings.map((s) => ({ ...s, origin })));
    container.configs.push({ placement: config.placement, origin });
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
