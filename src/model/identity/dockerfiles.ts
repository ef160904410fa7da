import { dirname, relative, resolve, sep } from "node:path";
import type { DockerfileFacts, DockerStage } from "../../sources/dockerfile.js";
import type { ContainerRole, SourceLocation } from "../types.js";
import { roleFromArgv } from "./argv.js";
import { imageKnowledge } from "./images.js";

/** A Dockerfile stage chosen for an image, and why. */
export interface StageLink {
  facts: DockerfileFacts;
  stage: DockerStage;
  /** In words, for the output: `image name fpm matches the path docker/fpm/Dockerfile`. */
  why: string;
}

/** What a stage builds, as far as shutdown is concerned, and the evidence. */
export interface StageRole {
  role: ContainerRole;
  reason: string;
}

/** Path words that say nothing about which image a Dockerfile builds. */
const GENERIC_WORDS = new Set([
  "docker",
  "dockerfile",
  "dockerfiles",
  "build",
  "builds",
  "deploy",
  "deployment",
  "containers",
  "container",
  "images",
  "image",
  "k8s",
  "kubernetes",
  "infra",
  "ops",
  "src",
  "app",
  ".",
]);

/**
 * The Dockerfiles among the inputs, with what each stage builds, for linking them to containers and to
 * each other (`FROM myorg/php-base` built by another Dockerfile of the inputs). Paths are compared
 * relative to the inputs' common folder, so the same tree links the same way wherever it is checked out.
 */
export class DockerfileIndex {
  readonly files: DockerfileFacts[];
  private rootFolder: string | undefined;

  constructor(
    dockerfiles: DockerfileFacts[],
    private readonly inputPaths: string[],
  ) {
    // Sorted by path: the outcome never depends on the order the inputs were given in.
    this.files = [...dockerfiles].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  /** The inputs' common folder, found when first needed: a check without Dockerfiles never needs it. */
  private get root(): string {
    this.rootFolder ??= commonFolder(this.inputPaths.map((p) => resolve(p)));
    return this.rootFolder;
  }

  byPath(path: string): DockerfileFacts | undefined {
    const target = resolve(path);
    return this.files.find((d) => resolve(d.file) === target);
  }

  /** The words of a Dockerfile's path that can name its image: `docker/php/8.3/Dockerfile` → php, 8.3. */
  pathWords(facts: DockerfileFacts): string[] {
    const rel = relative(this.root, resolve(facts.file)).split(sep);
    const file = (rel.pop() ?? "").toLowerCase();
    const words = rel.map((w) => w.toLowerCase().replace(/^\./, ""));
    // `php.dockerfile`, `Dockerfile.fpm`, `Dockerfile-nginx`, `fpm.Dockerfile`
    const stem = file.replace(/^(docker|container)file[.-]?|[.-]?(docker|container)file$/g, "");
    if (stem) words.push(stem);
    return words.filter((w) => w && !GENERIC_WORDS.has(w));
  }

  /**
   * The Dockerfiles whose path names an image: the image's last name component (`shop/fpm` → `fpm`) is
   * one of the path's words; failing that, one of its dash-separated parts is (`shop-php` → `php`).
   * Returns the best-matching ones (several when they tie).
   */
  byImageName(reference: string, exclude?: DockerfileFacts): DockerfileFacts[] {
    const last = lastNameComponent(reference);
    if (!last) return [];
    const parts = last.split(/[-_]/).filter((p) => p.length > 1 && !GENERIC_WORDS.has(p));
    // The tag breaks a tie: `base:8.3-fpm` is built by `base/fpm.Dockerfile` rather than `base/cli.Dockerfile`.
    const tagWords = (reference.split("@")[0]?.split("/").at(-1)?.split(":")[1] ?? "")
      .toLowerCase()
      .split(/[-_.]/);
    const scored = this.files
      .filter((d) => d !== exclude)
      .map((d) => {
        const words = this.pathWords(d);
        const stageWords = d.stages.flatMap((st) => (st.name ?? "").split(/[-_.]/));
        const name = words.includes(last)
          ? 4
          : stageWords.includes(last)
            ? 3
            : parts.some((p) => words.includes(p))
              ? 2
              : 0;
        return {
          d,
          score: name > 0 && tagWords.some((t) => t.length > 1 && words.includes(t)) ? name + 1 : name,
        };
      })
      .filter((s) => s.score > 0);
    const best = Math.max(0, ...scored.map((s) => s.score));
    return scored.filter((s) => s.score === best).map((s) => s.d);
  }

  /**
   * The stage named for an image (`…/caddy` → `caddy_prod`, the production one when several), as a
   * multi-stage Dockerfile built with `--target` names them; undefined when none or several are.
   */
  stageNamed(facts: DockerfileFacts, reference: string): string | undefined {
    const last = lastNameComponent(reference);
    const named = facts.stages.filter(
      (st) =>
        (st.name ?? "").split(/[-_.]/).includes(last) && !facts.stages.some((t) => t.parent === st.index),
    );
    const prod = named.filter((st) => /prod/.test(st.name ?? ""));
    return (named.length === 1 ? named[0] : prod.length === 1 ? prod[0] : undefined)?.name;
  }

  /** The Dockerfile that builds the image a stage is FROM, when it is among the inputs (unique match only). */
  parentOf(facts: DockerfileFacts, stage: DockerStage): DockerfileFacts | undefined {
    if (stage.unresolved || imageKnowledge(stage.from.value).known) return undefined;
    const found = this.byImageName(stage.from.value, facts);
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * What a stage builds: its own ENTRYPOINT/CMD, what it installs, else its base image's role (the image
   * table, or the Dockerfile among the inputs that builds the base). `seen` guards FROM cycles.
   */
  stageRole(facts: DockerfileFacts, stage: DockerStage, seen = new Set<string>()): StageRole | undefined {
    const argv = [...(stage.entrypoint?.argv ?? []), ...(stage.cmd?.argv ?? [])];
    const fromArgv = argv.length > 0 ? roleFromArgv(argv) : undefined;
    if (fromArgv) return { role: fromArgv.role, reason: `${facts.file}: ${fromArgv.reason}` };
    const installed = stage.installs.at(-1);
    if (installed) {
      return {
        role: installed.server,
        reason: `${facts.file}:${installed.loc.line} installs ${installed.server === "fpm" ? "php-fpm" : "nginx"}`,
      };
    }
    const base = imageKnowledge(stage.from.value);
    if (base.role)
      return { role: base.role, reason: `${facts.file} is built FROM ${stage.from.value}: ${base.basis}` };
    const parent = this.parentOf(facts, stage);
    if (parent && !seen.has(parent.file)) {
      seen.add(facts.file);
      const parentStage = parent.stages.at(-1);
      const role = parentStage ? this.stageRole(parent, parentStage, seen) : undefined;
      if (role)
        return {
          role: role.role,
          reason: `${facts.file} is built FROM ${stage.from.value} (${parent.file}); ${role.reason}`,
        };
    }
    return undefined;
  }

  /** Roles of every stage of a Dockerfile that some evidence gives a role. */
  rolesOf(facts: DockerfileFacts): ContainerRole[] {
    return facts.stages
      .map((s) => this.stageRole(facts, s)?.role)
      .filter((r): r is ContainerRole => r !== undefined);
  }

  /**
   * The stage of a Dockerfile that builds a container of a role: the named stage when one is asked for;
   * else the last stage when it fits the role (what `docker build` makes without `--target`); else the
   * one stage of that role that no other stage builds on, preferring one named for production. Several
   * left: ambiguous, and the candidates are returned for the problem to list.
   */
  chooseStage(
    facts: DockerfileFacts,
    role: ContainerRole | undefined,
    target?: string,
  ): { stage: DockerStage; why: string } | { candidates: DockerStage[] } | undefined {
    if (target !== undefined) {
      const stage = facts.stages.find((s) => s.name === target.toLowerCase() || String(s.index) === target);
      return stage ? { stage, why: `stage ${target}, as asked` } : undefined;
    }
    const last = facts.stages.at(-1);
    if (!last) return undefined;
    const roleOf = (s: DockerStage) => this.stageRole(facts, s)?.role;
    // A stage with a command of its own that runs something else (`CMD ["vendor/bin/phpunit"]`) is not a
    // stage of the role, whatever it is built on.
    const ownCommandSays = (s: DockerStage) => {
      const parent = s.parent === undefined ? undefined : facts.stages[s.parent];
      const own = parent === undefined || s.cmd !== parent.cmd || s.entrypoint !== parent.entrypoint;
      const argv = [...(s.entrypoint?.argv ?? []), ...(s.cmd?.argv ?? [])];
      return own && argv.length > 0 ? (roleFromArgv(argv)?.role ?? "unknown") : undefined;
    };
    const exact = (s: DockerStage) => {
      const r = roleOf(s);
      const own = ownCommandSays(s);
      const fits = (x: string | undefined) => x === role || (role === "worker" && x === "fpm");
      return r !== undefined && fits(r) && (own === undefined || fits(own));
    };
    if (role === undefined || exact(last)) return { stage: last, why: "its last stage" };
    // Stages of the role that no other stage of the role builds on: `php_prod` rather than `php_base`.
    const leaves = facts.stages.filter(
      (s) => exact(s) && !facts.stages.some((t) => t.parent === s.index && exact(t)),
    );
    const prod = leaves.filter((s) => /prod/.test(s.name ?? ""));
    const chosen = leaves.length === 1 ? leaves[0] : prod.length === 1 ? prod[0] : undefined;
    if (chosen) {
      return {
        stage: chosen,
        why: `stage ${chosen.name ?? chosen.index}, the ${leaves.length === 1 ? "only" : "production"} ${role} stage (the last one builds something else)`,
      };
    }
    // No stage builds that role: the Dockerfile was chosen on other evidence, and its last stage says
    // what the image really runs (a FrankenPHP image in a container named php).
    if (leaves.length === 0) return { stage: last, why: "its last stage" };
    return leaves.length > 1 ? { candidates: leaves } : undefined;
  }
}

/** `registry.example.com:5000/shop/fpm:1.4@sha256:…` → `fpm`. */
export function lastNameComponent(reference: string): string {
  const noDigest = reference.split("@")[0] ?? "";
  const last = noDigest.split("/").at(-1) ?? "";
  return (last.split(":")[0] ?? "").toLowerCase();
}

function commonFolder(paths: string[]): string {
  if (paths.length === 0) return resolve(".");
  let common = dirname(paths[0] as string);
  for (const p of paths) {
    while (
      common !== dirname(common) &&
      !(`${dirname(p)}${sep}`.startsWith(`${common}${sep}`) || dirname(p) === common)
    )
      common = dirname(common);
  }
  return common;
}

/** Where a Dockerfile problem points: the stage's FROM. */
export function stageLoc(stage: DockerStage): SourceLocation {
  return stage.from.loc;
}
