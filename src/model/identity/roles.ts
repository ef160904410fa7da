import type {
  ContainerIdentity,
  ContainerRole,
  RoleEvidence,
  SourceLocation,
  WorkloadKind,
} from "../types.js";
import { roleFromArgv } from "./argv.js";

/** The annotation that declares a container's role: `fpm-graceful.io/role.<container>: fpm|nginx|worker|other`. */
export const ROLE_ANNOTATION_PREFIX = "fpm-graceful.io/role.";
export const ROLES: readonly ContainerRole[] = ["fpm", "nginx", "worker", "other"];

/** What is known of a container before its role is decided. */
export interface RoleInput {
  name: string;
  workloadKind: WorkloadKind;
  /** The user's declaration (annotation, or `containers.<name>.role` in `.fpm-graceful.yaml`). */
  declared: { role: ContainerRole; reason: string; loc?: SourceLocation } | undefined;
  /** The argv the container runs, as far as it is known. */
  argv: (NonNullable<ContainerIdentity["argv"]> & { loc?: SourceLocation }) | undefined;
  /** Where the container mounts php-fpm or nginx configs (`/usr/local/etc/php-fpm.d/www.conf`). */
  configMounts: { role: "fpm" | "nginx"; mountPath: string }[];
  ports: number[];
  /** A tcpSocket readiness or liveness probe's port, when numeric. */
  probePorts: number[];
  /** What the image is: from the image table, or the linked Dockerfile's base and what it installs. */
  image: { role: ContainerRole; reason: string } | undefined;
  /** The image reference as written, for the weakest evidence: its name. */
  reference: string;
}

/** The port php-fpm listens on in the official images (docker-library/php `docker.conf`… `zz-docker.conf`: `listen = 9000`). */
const FPM_PORT = 9000;

/**
 * Decides a container's role from its evidence, strongest first: the user's declaration; the workload's
 * kind (a Job or CronJob runs to completion and is behind no Service); the argv it runs (manifest, else
 * linked Dockerfile, else the image's known default); the php-fpm or nginx configs mounted into it;
 * traffic evidence (php-fpm's port); what the image is; and names last. Every piece found is kept, so the output can say why, and what disagreed.
 *
 * @example
 *   decideRole({ …, argv: { argv: ["php", "artisan", "queue:work"], origin: "manifest" }, image: { role: "fpm", … } })
 *   // { role: "worker", evidence: [{ signal: "argv", … }, { signal: "image", role: "fpm", … }] }
 */
export function decideRole(input: RoleInput): ContainerIdentity {
  const evidence: RoleEvidence[] = [];
  if (input.declared) evidence.push({ signal: "declared", ...input.declared });
  if (input.workloadKind === "Job" || input.workloadKind === "CronJob") {
    evidence.push({
      signal: "workload-kind",
      role: "other",
      reason: `a ${input.workloadKind} runs to completion and serves no traffic`,
    });
  }
  const fromArgv = input.argv ? roleFromArgv(input.argv.argv) : undefined;
  if (fromArgv && input.argv) {
    const where =
      input.argv.origin === "manifest"
        ? "the manifest's command/args"
        : input.argv.origin === "dockerfile"
          ? "the linked Dockerfile's ENTRYPOINT/CMD"
          : "the image's default command";
    evidence.push({
      signal: "argv",
      role: fromArgv.role,
      reason: `${fromArgv.reason}, from ${where}`,
      ...(input.argv.loc ? { loc: input.argv.loc } : {}),
    });
  }
  const mount = input.configMounts[0];
  if (mount) {
    evidence.push({
      signal: "config",
      role: mount.role,
      reason: `mounts ${mount.role === "fpm" ? "a php-fpm" : "an nginx"} config at ${mount.mountPath}`,
    });
  }
  if (input.ports.includes(FPM_PORT) || input.probePorts.includes(FPM_PORT)) {
    evidence.push({
      signal: "traffic",
      role: "fpm",
      reason: `${input.ports.includes(FPM_PORT) ? "declares" : "is probed on"} port ${FPM_PORT}, php-fpm's FastCGI port`,
    });
  }
  if (input.image) evidence.push({ signal: "image", ...input.image });
  const byName = roleFromWords(input.name, `container name ${input.name}`);
  if (byName) evidence.push(byName);
  // The image's name counts only when the image is not known: `shop/fpm:1.4` says php-fpm, a guess.
  const repository = input.image
    ? ""
    : (input.reference.split("@")[0]?.split("/").at(-1)?.split(":")[0] ?? "");
  const fromImageName = repository ? roleFromWords(repository, `image name ${repository}`) : undefined;
  if (fromImageName) evidence.push(fromImageName);
  let decided = evidence[0];
  // An image that runs PHP's CLI or a shell says "not a server", not what the process is: a name may
  // then say it is a worker. Names never make a container php-fpm or nginx over stronger evidence.
  const workerName = evidence.find((e) => e.signal === "name" && e.role === "worker");
  if (decided?.signal === "image" && decided.role === "other" && workerName) {
    decided = {
      ...workerName,
      reason: `${workerName.reason}; its image serves no requests (${decided.reason})`,
    };
    evidence.unshift(decided);
  }
  return {
    role: decided?.role ?? "other",
    evidence,
    argv: input.argv ? { argv: input.argv.argv, origin: input.argv.origin } : undefined,
  };
}

/** A role read off a name: a guess, the weakest evidence, used only when nothing else says. */
function roleFromWords(name: string, what: string): RoleEvidence | undefined {
  const n = name.toLowerCase();
  const guess = (role: ContainerRole, why: string): RoleEvidence => ({
    signal: "name",
    role,
    reason: `${what} ${why} (a guess from the name)`,
  });
  if (/exporter|metrics|prometheus/.test(n)) return guess("other", "suggests a metrics exporter");
  if (/worker|queue|horizon|scheduler|consumer|messenger|cron/.test(n))
    return guess("worker", "suggests a worker");
  if (/fpm/.test(n) || n === "php" || n === "app-php") return guess("fpm", "suggests php-fpm");
  if (/nginx|openresty/.test(n)) return guess("nginx", "suggests nginx");
  return undefined;
}
