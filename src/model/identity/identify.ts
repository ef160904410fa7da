import { dirname, resolve } from "node:path";
import type { DockerfileFacts, DockerStage } from "../../sources/dockerfile.js";
import { placementOf } from "../settings.js";
import type {
  Container,
  ContainerIdentity,
  ContainerRole,
  ImageFacts,
  Problem,
  Signal,
  SourceLocation,
  Workload,
} from "../types.js";
import { DockerfileIndex, lastNameComponent, type StageLink } from "./dockerfiles.js";
import { imageKnowledge } from "./images.js";
import { decideRole, ROLE_ANNOTATION_PREFIX, ROLES } from "./roles.js";

export const DOCKERFILE_ANNOTATION_PREFIX = "fpm-graceful.io/dockerfile.";
export const STOP_SIGNAL_ANNOTATION_PREFIX = "fpm-graceful.io/stop-signal.";

/** What the user declared about a container (`.fpm-graceful.yaml` `containers:`), by `name` or `workload/name`. */
export interface ContainerDeclaration {
  role?: ContainerRole;
  stopSignal?: string;
}

export interface IdentifyOptions {
  /** Explicit Dockerfile links: container name (or `workload/container`) → `path` or `path#stage`. */
  dockerfiles?: Record<string, string>;
  containers?: Record<string, ContainerDeclaration>;
  /** Every input path, to compare Dockerfile paths from their common folder. */
  inputPaths: string[];
}

/** The outcome of identifying every container: which Dockerfiles were used, for reporting the rest. */
export interface IdentifyOutcome {
  linked: Set<string>;
  index: DockerfileIndex;
}

/**
 * Decides, for every container of every workload, what it runs, its role and its image facts, each with
 * the evidence it came from (docs/IDENTITY.md). Dockerfiles are linked, in this order: `--dockerfile` or
 * the config file; the annotation `fpm-graceful.io/dockerfile.<container>`; the image's name matching a
 * Dockerfile's path; the only Dockerfile of a role for the only image of that role. Two candidates are a
 * problem (`ambiguous-dockerfile`), never a coin toss. Nothing here depends on the inputs' order.
 */
export function identifyContainers(
  workloads: Workload[],
  dockerfiles: DockerfileFacts[],
  options: IdentifyOptions,
  problems: Problem[],
): IdentifyOutcome {
  const index = new DockerfileIndex(dockerfiles, options.inputPaths);
  const links = new Map<Container, StageLink>();
  const pending: { workload: Workload; container: Container; role: ContainerRole }[] = [];
  const ambiguous = new Set<string>();
  const firstRoles = new Map<Container, ContainerRole>();
  const targeted = new Set<Container>();
  // Without a linked Dockerfile the second look finds what the first found: kept, not decided twice.
  const unlinked = new Map<Container, ContainerIdentity>();
  for (const workload of workloads) {
    for (const container of workload.containers) {
      const first = identityOf(workload, container, undefined, index, options);
      unlinked.set(container, first);
      const role = first.role;
      firstRoles.set(container, role);
      const chosen = explicitLink(workload, container, index, options, problems);
      if (chosen === "none") continue;
      const file = chosen ?? byName(container, index, ambiguous, problems);
      if (file === "ambiguous") continue;
      if (file?.target !== undefined) targeted.add(container);
      if (file) {
        const stage = pickStage(index, file.facts, role, file.target, container, problems);
        if (stage)
          links.set(container, { facts: file.facts, stage: stage.stage, why: `${file.why}; ${stage.why}` });
      } else if (!imageKnowledge(container.image).known) {
        pending.push({ workload, container, role });
      }
    }
  }
  linkSoleOfRole(pending, index, links, problems);
  linkSoleImage(pending, index, links, problems);
  shareStageByImage(links, firstRoles, targeted);
  for (const workload of workloads) {
    for (const container of workload.containers) {
      const link = links.get(container);
      container.imageFacts = imageFactsOf(
        container,
        link,
        index,
        declaredStopSignal(workload, container, options),
      );
      const identity =
        (link ? undefined : unlinked.get(container)) ?? identityOf(workload, container, link, index, options);
      container.identity = identity;
      container.role = identity.role;
      if (link) {
        // A stage other than the last is named with the file, as `--dockerfile` takes it: `Dockerfile#prod`.
        const stage =
          link.stage === link.facts.stages.at(-1) ? "" : `#${link.stage.name ?? link.stage.index}`;
        container.links.push(`Dockerfile ${link.facts.file}${stage} (${link.why})`);
      }
    }
  }
  return { linked: new Set([...links.values()].map((l) => l.facts.file)), index };
}

type FileChoice = { facts: DockerfileFacts; why: string; target?: string };

/**
 * One image is one build: every container that runs it gets the stage its php-fpm (or nginx) container was
 * linked to. A stage is chosen for the role a container plays, and a CronJob or a queue consumer on the
 * php-fpm image plays none of the server's, so alone it would get the Dockerfile's last stage (an nginx or
 * dev stage) and that stage's stop signal. Containers whose stage was named (`#STAGE`, or a stage named for
 * the image) keep it; where the serving containers of one image disagree, nothing is shared.
 */
function shareStageByImage(
  links: Map<Container, StageLink>,
  firstRoles: Map<Container, ContainerRole>,
  targeted: Set<Container>,
): void {
  const groups = new Map<string, Container[]>();
  for (const [container, link] of links) {
    if (targeted.has(container) || !container.image) continue;
    const key = `${link.facts.file}\u0000${container.image}`;
    groups.set(key, [...(groups.get(key) ?? []), container]);
  }
  for (const group of groups.values()) {
    const serving = group
      .filter((c) => firstRoles.get(c) === "fpm" || firstRoles.get(c) === "nginx")
      .sort((a, b) => a.name.localeCompare(b.name));
    const stages = new Set(serving.map((c) => links.get(c)?.stage));
    const leader = serving[0];
    const leaderLink = leader ? links.get(leader) : undefined;
    if (stages.size !== 1 || !leader || !leaderLink) continue;
    const stage = leaderLink.stage;
    for (const container of group) {
      const link = links.get(container);
      if (!link || link.stage === stage) continue;
      const fileWhy = link.why.split("; ")[0];
      links.set(container, {
        ...link,
        stage,
        why: `${fileWhy}; stage ${stage.name ?? stage.index}, the one its image's ${firstRoles.get(leader)} container ${leader.name} runs`,
      });
    }
  }
}

function declarationOf(options: IdentifyOptions, workload: Workload, container: Container) {
  return (
    own(options.containers, `${workload.name}/${container.name}`) ?? own(options.containers, container.name)
  );
}

/** `--dockerfile`, the config file or the annotation; `none` when one names a Dockerfile not among the inputs. */
function explicitLink(
  workload: Workload,
  container: Container,
  index: DockerfileIndex,
  options: IdentifyOptions,
  problems: Problem[],
): FileChoice | "none" | undefined {
  const flag =
    own(options.dockerfiles, `${workload.name}/${container.name}`) ??
    own(options.dockerfiles, container.name);
  const annotated = own(workload.annotations, `${DOCKERFILE_ANNOTATION_PREFIX}${container.name}`);
  const written = flag ?? annotated;
  if (written === undefined) return undefined;
  const [path = "", target] = written.split("#");
  const full = flag ? path : resolve(dirname(workload.loc.file), path);
  const facts = index.byPath(full);
  const why = flag
    ? `--dockerfile ${container.name}=${written}`
    : `annotation ${DOCKERFILE_ANNOTATION_PREFIX}${container.name}`;
  if (!facts) {
    problems.push({
      ...container.loc,
      code: "unreadable",
      message: `${why} names ${path}, which is not among the inputs: give it on the command line`,
    });
    return "none";
  }
  return { facts, why, ...(target !== undefined ? { target } : {}) };
}

function byName(
  container: Container,
  index: DockerfileIndex,
  ambiguous: Set<string>,
  problems: Problem[],
): FileChoice | "ambiguous" | undefined {
  if (!container.image || imageKnowledge(container.image).known) return undefined;
  const found = index.byImageName(container.image);
  if (found.length === 1 && found[0]) {
    const stage = index.pathWords(found[0]).includes(lastNameComponent(container.image))
      ? undefined
      : index.stageNamed(found[0], container.image);
    return {
      facts: found[0],
      why: stage
        ? `its image ${container.image} is named by the stage ${stage} of ${found[0].file}`
        : `its image ${container.image} is named by the path ${found[0].file}`,
      ...(stage ? { target: stage } : {}),
    };
  }
  if (found.length > 1) {
    if (!ambiguous.has(container.image)) {
      ambiguous.add(container.image);
      problems.push(
        ambiguity(
          container,
          `image ${container.image}`,
          found.map((d) => d.file),
        ),
      );
    }
    return "ambiguous";
  }
  return undefined;
}

/**
 * The one Dockerfile that builds php-fpm (or nginx) among the inputs goes with the one image of that role
 * that no other evidence linked, whatever either is called; every container of that image shares it.
 */
function linkSoleOfRole(
  pending: { workload: Workload; container: Container; role: ContainerRole }[],
  index: DockerfileIndex,
  links: Map<Container, StageLink>,
  problems: Problem[],
): void {
  const used = new Set([...links.values()].map((l) => l.facts.file));
  for (const role of ["fpm", "nginx"] as const) {
    const images = [...new Set(pending.filter((p) => p.role === role).map((p) => p.container.image))].sort();
    if (images.length === 0) continue;
    const candidates = index.files.filter((d) => !used.has(d.file) && index.rolesOf(d).includes(role));
    if (candidates.length === 1 && images.length === 1 && candidates[0]) {
      const facts = candidates[0];
      for (const p of pending.filter((q) => q.container.image === images[0])) {
        const stage = pickStage(index, facts, role, undefined, p.container, problems);
        if (stage) {
          links.set(p.container, {
            facts,
            stage: stage.stage,
            why: `the only ${role === "fpm" ? "php-fpm" : "nginx"} Dockerfile among the inputs, for the only ${role === "fpm" ? "php-fpm" : "nginx"} image ${images[0]}; ${stage.why}`,
          });
        }
      }
    } else if (candidates.length > 1) {
      const first = pending.find((p) => p.role === role && p.container.image === images[0]);
      if (first)
        problems.push(
          ambiguity(
            first.container,
            `image ${images.join(", ")}`,
            candidates.map((d) => d.file),
          ),
        );
    }
  }
}

/**
 * Last: the only Dockerfile among the inputs that nothing linked, when it builds php-fpm or nginx, for the
 * only image the table does not know that nothing linked either (one Dockerfile and one custom image).
 */
function linkSoleImage(
  pending: { workload: Workload; container: Container; role: ContainerRole }[],
  index: DockerfileIndex,
  links: Map<Container, StageLink>,
  problems: Problem[],
): void {
  const unlinked = pending.filter((p) => !links.has(p.container) && p.container.image !== "");
  const images = [...new Set(unlinked.map((p) => p.container.image))];
  const used = new Set([...links.values()].map((l) => l.facts.file));
  const files = index.files.filter((d) => !used.has(d.file));
  // Only a Dockerfile that builds php-fpm or nginx: a Go service's must not lend its facts to a sidecar.
  const serving = files.filter((d) => index.rolesOf(d).some((r) => r === "fpm" || r === "nginx"));
  if (images.length !== 1 || files.length !== 1 || serving.length !== 1 || !files[0]) return;
  const facts = files[0];
  for (const p of unlinked) {
    const stage = pickStage(index, facts, p.role, undefined, p.container, problems);
    if (stage) {
      links.set(p.container, {
        facts,
        stage: stage.stage,
        why: `the only Dockerfile among the inputs, for the only image ${images[0]} the image table does not know; ${stage.why}`,
      });
    }
  }
}

function pickStage(
  index: DockerfileIndex,
  facts: DockerfileFacts,
  role: ContainerRole,
  target: string | undefined,
  container: Container,
  problems: Problem[],
): { stage: DockerStage; why: string } | undefined {
  const choice = index.chooseStage(facts, role === "other" ? undefined : role, target);
  if (choice && "candidates" in choice) {
    problems.push(
      ambiguity(
        container,
        `the ${role} stage of ${facts.file}`,
        choice.candidates.map((s) => `${facts.file}#${s.name ?? s.index}`),
      ),
    );
    return undefined;
  }
  return choice;
}

function ambiguity(container: Container, what: string, candidates: string[]): Problem {
  return {
    ...container.loc,
    code: "ambiguous-dockerfile",
    severity: "warning",
    message: `${container.name}: ${candidates.length} Dockerfiles could build ${what}: ${candidates.join(", ")}; choose with --dockerfile ${container.name}=PATH[#STAGE] (or the annotation ${DOCKERFILE_ANNOTATION_PREFIX}${container.name}); until then its image facts are unknown`,
  };
}

/** The container's identity from all the evidence there is, with or without a linked Dockerfile. */
function identityOf(
  workload: Workload,
  container: Container,
  link: StageLink | undefined,
  index: DockerfileIndex,
  options: IdentifyOptions,
): ContainerIdentity {
  const annotation = workload.annotations[`${ROLE_ANNOTATION_PREFIX}${container.name}`];
  const configured = declarationOf(options, workload, container)?.role;
  const declaredRole = [annotation, configured].find((r): r is ContainerRole =>
    ROLES.includes(r as ContainerRole),
  );
  const knowledge = imageKnowledge(container.image);
  const stageRole = link ? index.stageRole(link.facts, link.stage) : undefined;
  const image = stageRole ?? (knowledge.role ? { role: knowledge.role, reason: knowledge.basis } : undefined);
  return decideRole({
    name: container.name,
    workloadKind: workload.kind,
    declared: declaredRole
      ? {
          role: declaredRole,
          reason:
            annotation === declaredRole
              ? `declared by the annotation ${ROLE_ANNOTATION_PREFIX}${container.name}`
              : "declared in the config file (containers)",
        }
      : undefined,
    argv: effectiveArgv(container, link, index),
    configMounts: configMounts(container),
    ports: container.ports,
    probePorts: container.probePorts,
    image,
    reference: container.image,
  });
}

/** Mount paths where php-fpm or nginx read their own configs (php.ini is read by PHP's CLI too: no evidence). */
function configMounts(container: Container): { role: "fpm" | "nginx"; mountPath: string }[] {
  const out: { role: "fpm" | "nginx"; mountPath: string }[] = [];
  for (const m of container.mounts) {
    const placement = placementOf(m.mountPath, undefined);
    if (placement === "nginx") out.push({ role: "nginx", mountPath: m.mountPath });
    if (placement === "fpm-main" || placement === "fpm-include")
      out.push({ role: "fpm", mountPath: m.mountPath });
  }
  return out;
}

/**
 * The argv the container runs: the manifest's `command` (+ `args`); else the image's ENTRYPOINT with the
 * manifest's `args` in place of CMD; else ENTRYPOINT + CMD from the linked Dockerfile or the image table.
 */
function effectiveArgv(
  container: Container,
  link: StageLink | undefined,
  index: DockerfileIndex,
): (ContainerIdentity["argv"] & { loc?: SourceLocation }) | undefined {
  if (container.command.length > 0) {
    return {
      argv: [...container.command, ...container.args],
      origin: "manifest",
      ...locOf(container.pid1.loc),
    };
  }
  const image = defaultArgvOf(container, link, index);
  if (container.args.length > 0) {
    return { argv: [...(image?.entrypoint ?? []), ...container.args], origin: "manifest" };
  }
  if (!image || image.entrypoint.length + image.cmd.length === 0) return undefined;
  return {
    argv: [...image.entrypoint, ...image.cmd],
    origin: link ? "dockerfile" : "image-default",
    ...locOf(image.loc),
  };
}

function locOf(loc: SourceLocation | undefined): { loc?: SourceLocation } {
  return loc ? { loc } : {};
}

function defaultArgvOf(container: Container, link: StageLink | undefined, index: DockerfileIndex) {
  if (link) return chainFacts(link.facts, link.stage, index).defaultArgv;
  const known = imageKnowledge(container.image).defaultArgv;
  return known ? { entrypoint: known.value, cmd: [], source: known.source } : undefined;
}

interface ChainFacts {
  stopSignal: ImageFacts["stopSignal"];
  shell: { value: ImageFacts["shell"]; source: string };
  env: Record<string, string>;
  defaultArgv: ImageFacts["defaultArgv"];
  processControlTimeout: ImageFacts["processControlTimeout"];
  fpmConfigDir: ImageFacts["fpmConfigDir"];
  listen: ImageFacts["listen"];
  pid1IgnoresStopSignal: ImageFacts["pid1IgnoresStopSignal"];
  basis: string;
}

/**
 * An image's facts from its Dockerfile stage, then what the stage inherits: from the Dockerfile among the
 * inputs that builds its base, or from the image table's entry for the base. Docker keeps STOPSIGNAL,
 * ENTRYPOINT, CMD and ENV across FROM.
 */
function chainFacts(
  facts: DockerfileFacts,
  stage: DockerStage,
  index: DockerfileIndex,
  depth = 0,
): ChainFacts {
  const parent = depth < 8 ? index.parentOf(facts, stage) : undefined;
  const parentStage = parent?.stages.at(-1);
  const inherited =
    parent && parentStage
      ? chainFacts(parent, parentStage, index, depth + 1)
      : baseFacts(stage.from.value, facts.file);
  const own = [...(stage.entrypoint ? [stage.entrypoint] : []), ...(stage.cmd ? [stage.cmd] : [])];
  const from = parent ? `${stage.from.value} (built by ${parent.file})` : stage.from.value;
  return {
    stopSignal: stage.stopSignal ?? inherited.stopSignal,
    shell: inherited.shell,
    env: { ...inherited.env, ...stage.env },
    defaultArgv:
      own.length > 0
        ? {
            entrypoint:
              stage.entrypoint?.argv ?? (stage.cmd ? [] : (inherited.defaultArgv?.entrypoint ?? [])),
            cmd: stage.cmd?.argv ?? [],
            source: facts.file,
            loc: (stage.cmd ?? stage.entrypoint)?.loc as SourceLocation,
          }
        : inherited.defaultArgv,
    processControlTimeout: inherited.processControlTimeout,
    fpmConfigDir: inherited.fpmConfigDir,
    listen: inherited.listen,
    // Kept only while the stage runs the base's ENTRYPOINT (and with it the supervisor as PID 1).
    pid1IgnoresStopSignal: stage.entrypoint ? undefined : inherited.pid1IgnoresStopSignal,
    basis: `Dockerfile ${facts.file}${stage.name ? `#${stage.name}` : ""} FROM ${from}`,
  };
}

/** What a Dockerfile inherits from a base image that is not among the inputs: the image table, or unknown. */
function baseFacts(reference: string, file: string): ChainFacts {
  const known = imageKnowledge(reference);
  return {
    stopSignal: known.stopSignal
      ? {
          value: known.stopSignal.value,
          loc: undefined,
          assumed: `inherited from ${reference} (${known.stopSignal.source})`,
        }
      : {
          value: "SIGTERM",
          loc: undefined,
          unknown: true,
          assumed: `${file} sets no STOPSIGNAL and its base ${reference || "?"} is ${known.known ? "known, but not its STOPSIGNAL" : "not in the image table"}: SIGTERM (the runtime's default) is assumed`,
        },
    shell: known.shell
      ? { value: known.shell.value, source: known.shell.source }
      : { value: "unknown", source: known.basis },
    env: {},
    defaultArgv: known.defaultArgv
      ? { entrypoint: known.defaultArgv.value, cmd: [], source: known.defaultArgv.source }
      : undefined,
    processControlTimeout: known.processControlTimeout,
    fpmConfigDir: known.fpmConfigDir,
    listen: known.listen,
    pid1IgnoresStopSignal: known.pid1IgnoresStopSignal,
    basis: known.basis,
  };
}

/** Image facts for a container: its linked Dockerfile stage's, else the image table's, else unknown. */
function imageFactsOf(
  container: Container,
  link: StageLink | undefined,
  index: DockerfileIndex,
  declared: { value: string; reason: string } | undefined,
): ImageFacts {
  const chain = link
    ? chainFacts(link.facts, link.stage, index)
    : baseFacts(container.image, `image ${container.image || "(none)"}`);
  if (!link) {
    const known = imageKnowledge(container.image);
    chain.basis = known.basis;
    if (!known.stopSignal && !known.known) {
      chain.stopSignal = {
        value: "SIGTERM",
        loc: undefined,
        unknown: true,
        assumed: `the stop signal of ${container.image ? `image ${container.image}` : "this image"} is unknown (not in the image table, no Dockerfile linked): SIGTERM, the runtime's default, is assumed`,
      };
    } else if (known.stopSignal) {
      chain.stopSignal = {
        value: known.stopSignal.value,
        loc: undefined,
        assumed: `${known.basis}: STOPSIGNAL ${known.stopSignal.value} (${known.stopSignal.source})`,
      };
    }
  }
  return {
    reference: container.image,
    stopSignal: declared
      ? { value: declared.value as Signal, loc: undefined, assumed: declared.reason }
      : chain.stopSignal,
    shell: chain.shell.value,
    role: link ? index.stageRole(link.facts, link.stage)?.role : imageKnowledge(container.image).role,
    basis: chain.basis,
    env: chain.env,
    ...(link
      ? {
          dockerfile: link.facts.file,
          dockerfileFromLine: link.stage.fromLine,
          ...(link.stage !== link.facts.stages.at(-1)
            ? { dockerfileStage: link.stage.name ?? String(link.stage.index) }
            : {}),
        }
      : {}),
    ...(chain.defaultArgv ? { defaultArgv: chain.defaultArgv } : {}),
    ...(chain.processControlTimeout ? { processControlTimeout: chain.processControlTimeout } : {}),
    ...(chain.fpmConfigDir ? { fpmConfigDir: chain.fpmConfigDir } : {}),
    ...(chain.listen ? { listen: chain.listen } : {}),
    ...(chain.pid1IgnoresStopSignal ? { pid1IgnoresStopSignal: chain.pid1IgnoresStopSignal } : {}),
  };
}

/** A stop signal the user declared for the image (annotation or config file), which settles an unknown one. */
function declaredStopSignal(
  workload: Workload,
  container: Container,
  options: IdentifyOptions,
): { value: string; reason: string } | undefined {
  const annotation = workload.annotations[`${STOP_SIGNAL_ANNOTATION_PREFIX}${container.name}`];
  if (annotation)
    return {
      value: annotation.trim(),
      reason: `declared by the annotation ${STOP_SIGNAL_ANNOTATION_PREFIX}${container.name}`,
    };
  const configured = declarationOf(options, workload, container)?.stopSignal;
  return configured ? { value: configured, reason: "declared in the config file (containers)" } : undefined;
}

/** The stage a container was linked to, for the settings its RUN lines write. */
export function linkedStage(container: Container, index: DockerfileIndex): DockerStage | undefined {
  const file = container.imageFacts.dockerfile;
  if (!file) return undefined;
  const facts = index.byPath(file);
  return facts?.stages.find((s) => s.fromLine === container.imageFacts.dockerfileFromLine);
}

/**
 * A value of a map keyed by names from a manifest or a flag, own keys only: a container named
 * `constructor` or `valueOf` is a name, not `Object.prototype`'s method (#16).
 */
function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}
