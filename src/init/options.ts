import { FEATURES, versionAtLeast } from "../model/features.js";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";

/**
 * How php-fpm and nginx are laid out: `sidecar` puts both in one pod (nginx talks to php-fpm over the
 * pod's loopback); `separate` runs nginx as its own Deployment in front of a php-fpm Service.
 */
export type Topology = "sidecar" | "separate";

/** What `fpm-graceful init` generates a setup for: the same assumptions `check` and `fix` take. */
export interface InitOptions {
  topology: Topology;
  /** Seconds after deletion during which new connections may still arrive (kube-proxy, ingress, LB). */
  propagationSeconds: number;
  /** The longest request php-fpm must finish; written as the pool's `request_terminate_timeout`. */
  maxRequestSeconds: number;
  /** Target Kubernetes minor version, e.g. `1.33`: decides native `preStop.sleep` and native sidecars. */
  kubeVersion: string;
  /** The application's name: Deployments, Services, ConfigMaps and labels derive from it. */
  name: string;
  namespace: string;
  /** The php-fpm image built from the generated Dockerfile. */
  image: string;
  replicas: number;
  /**
   * php-fpm's preStop is the drain hook (docs/DRAIN.md) instead of a plain wait: for images whose stop
   * signal or php-fpm config the deployment cannot rely on. Not with a native sidecar php-fpm.
   */
  drainHook?: boolean;
}

export const DEFAULT_INIT_OPTIONS: InitOptions = {
  topology: "sidecar",
  propagationSeconds: DEFAULT_ASSUMPTIONS.propagationSeconds,
  maxRequestSeconds: 60,
  kubeVersion: DEFAULT_ASSUMPTIONS.kubeVersion,
  name: "app",
  namespace: "default",
  image: "registry.example.com/app:1.0",
  replicas: 3,
};

/** `policy/v1` PodDisruptionBudget is served from 1.21: older clusters cannot take the generated set. */
export const MINIMUM_KUBE_VERSION = "1.21";

/**
 * Native sidecars (init containers with `restartPolicy: Always`, KEP-753): beta and on by default from 1.29,
 * GA in 1.33. From there the generated sidecar topology runs php-fpm as one: the kubelet stops it only
 * after nginx has exited, so requests waiting in php-fpm's listen backlog are still served (FACTS.md:
 * after SIGQUIT php-fpm's socket accepts but nobody answers). Two containers with equal preStop sleeps
 * lose those requests when php-fpm is saturated at the moment both get SIGQUIT.
 */
export const NATIVE_SIDECAR_VERSION = FEATURES.nativeSidecars.version;

/** The longest suffix a name gets (`-php-fpm`), so every derived name stays a DNS-1123 label (63). */
const LONGEST_SUFFIX = "-php-fpm".length;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why options cannot make a valid setup, one message each; empty when they can. */
export function initOptionProblems(options: InitOptions): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(options.name) || options.name.length > 63 - LONGEST_SUFFIX)
    problems.push(
      `--name '${options.name}': expected a DNS-1123 label of at most ${63 - LONGEST_SUFFIX} characters (lower-case letters, digits, '-')`,
    );
  if (!DNS_LABEL.test(options.namespace) || options.namespace.length > 63)
    problems.push(`--namespace '${options.namespace}': expected a DNS-1123 label`);
  if (!/^\S+$/.test(options.image)) problems.push(`--image '${options.image}': expected an image reference`);
  if (!Number.isInteger(options.replicas) || options.replicas < 1)
    problems.push(`--replicas ${options.replicas}: expected a whole number of at least 1`);
  if (!(options.maxRequestSeconds >= 1))
    problems.push(
      `--max-request ${options.maxRequestSeconds}s: expected at least 1s (request_terminate_timeout 0 means no limit)`,
    );
  if (options.drainHook && usesNativeSidecar(options))
    problems.push(
      "--drain-hook: php-fpm is a native sidecar here, stopped only after nginx has exited, and takes no preStop; use --topology separate or a Kubernetes version before 1.29",
    );
  if (!(options.propagationSeconds >= 0))
    problems.push(`--propagation ${options.propagationSeconds}s: expected 0s or more`);
  if (!/^\d+\.\d+$/.test(options.kubeVersion) || !versionAtLeast(options.kubeVersion, MINIMUM_KUBE_VERSION))
    problems.push(
      `--kube-version ${options.kubeVersion}: init supports Kubernetes ${MINIMUM_KUBE_VERSION} and later (policy/v1 PodDisruptionBudget)`,
    );
  return problems;
}

/** Options that cannot make a valid setup, thrown by the library functions with every reason. */
export class InitOptionsError extends Error {
  readonly code = "bad-option";
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "InitOptionsError";
  }
}

/** Whether php-fpm runs as a native sidecar behind nginx (the sidecar topology, from 1.29). */
export function usesNativeSidecar(options: InitOptions): boolean {
  return options.topology === "sidecar" && versionAtLeast(options.kubeVersion, NATIVE_SIDECAR_VERSION);
}
