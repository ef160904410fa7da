/**
 * What a rehearsal runs, as plain data: the pods' containers and how they are told to stop, the topology and
 * the Deployment's rollout. The three built-in strategies are plans (see `strategies.ts`); the `manifests`
 * strategy builds one from the model's `Workload` (`src/model/types.ts`).
 *
 * @example
 * const plan: RehearsalPlan = {
 *   name: "mine", description: "SIGQUIT after a 3 s sleep", topology: "separate",
 *   pod: { gracePeriodSeconds: 30, containers: [{ name: "php", role: "fpm", stopSignal: "SIGQUIT",
 *     preStop: { kind: "sleep", seconds: 3 }, processControlTimeoutSeconds: 20, pid1: "exec" }] },
 *   rollout: { maxSurge: 1, maxUnavailable: 0 }, notes: [],
 * };
 */

import type { UserNginxFile } from "./user-nginx.js";

/** `other`: a container that serves no traffic (a log shipper, a proxy to a database): it exits on its stop signal. */
export type RehearsalRole = "fpm" | "nginx" | "other";

/** The `/bin/sh` of an image: dash (Debian), busybox ash (Alpine), or bash. */
export type ImageShellName = "dash" | "busybox" | "bash";

/** Signals a container can be stopped with (image STOPSIGNAL, `lifecycle.stopSignal`, else SIGTERM). */
export type StopSignal = "SIGTERM" | "SIGQUIT" | "SIGINT" | "SIGKILL" | "SIGWINCH" | "SIGUSR1" | "SIGHUP";

/** A preStop hook as the kubelet runs it. `exec` runs `command` literally inside the container. */
export type PreStopPlan =
  | { kind: "exec"; command: string[] }
  | { kind: "sleep"; seconds: number }
  | { kind: "httpGet"; path: string; port: number };

/** A readiness probe; without one, the rehearsal probes the container's port with a TCP connect. */
export type ReadinessPlan =
  | { kind: "tcpSocket"; port: number }
  | { kind: "httpGet"; path: string; port: number }
  | { kind: "exec"; command: string[] };

export interface ContainerPlan {
  name: string;
  role: RehearsalRole;
  /** The signal the kubelet sends after the preStop hook. */
  stopSignal: StopSignal;
  /** Where the stop signal comes from, for the report. */
  stopSignalSource: "image" | "lifecycle" | "default";
  /** The image's `/bin/sh`, which runs `sh -c` hooks and probes (default dash); `--shell` overrides it. */
  shell?: ImageShellName;
  preStop?: PreStopPlan;
  /** `exec`: the server is PID 1. `shell-wrapper`: PID 1 is `sh -c '<server>'` that does not exec it. */
  pid1: "exec" | "shell-wrapper";
  readiness?: ReadinessPlan;
  /** The manifest's probe period and thresholds (Kubernetes' defaults 10 s, 3, 1 when it declares a probe). */
  readinessTiming?: { periodSeconds: number; failureThreshold: number; successThreshold: number };
  /** A native sidecar (init container with `restartPolicy: Always`): stopped after every main container. */
  sidecar?: boolean;
  /** fpm: `process_control_timeout` written in fpm's own `[global]` section. */
  processControlTimeoutSeconds?: number;
  /**
   * fpm: the user's own php-fpm config files (the linked ConfigMaps and files, in the order php-fpm reads
   * them), run after the rehearsal's globals with what ties them to the image made runnable here (see
   * `configs.ts`).
   */
  fpmConfigs?: { name: string; text: string }[];
  /** fpm: lines written to a php.ini `conf.d/*.ini` file (where fpm's own globals are ignored). */
  phpIniLines?: string[];
  /** fpm: `pm.max_children` of the static pool (default 16). */
  maxChildren?: number;
  /**
   * nginx: the user's own nginx files (the linked ConfigMaps and files, with where the container reads
   * them), run instead of the rehearsal's config when nginx accepts them here (`user-nginx.ts`).
   */
  nginxConfigs?: UserNginxFile[];
  /** nginx: FastCGI keep-alive to php-fpm (`fastcgi_keep_conn on`, `upstream { keepalive N; }`), N. */
  fastcgiKeepAlive?: number;
  /** nginx: `keepalive_timeout` in seconds (default 65, nginx's default). */
  keepaliveTimeoutSeconds?: number;
}

export interface PodPlan {
  /** `terminationGracePeriodSeconds`. */
  gracePeriodSeconds: number;
  containers: ContainerPlan[];
}

export interface RolloutPlan {
  maxSurge: number;
  maxUnavailable: number;
}

export type Topology = "separate" | "sidecar";

export interface RehearsalPlan {
  /** Strategy name as reported: `naive`, `seed`, `recommended`, `manifests`, or the user's. */
  name: string;
  description: string;
  topology: Topology;
  /**
   * The pod that is rolled: the fpm pod (`separate`: nginx Deployment -> fpm Service -> fpm pods) or the
   * nginx + fpm pod (`sidecar`).
   */
  pod: PodPlan;
  /** `separate` only: the nginx Deployment's pod in front of the fpm Service (not rolled). */
  nginxPod?: PodPlan;
  rollout: RolloutPlan;
  /** Why this plan drops requests or not, in words, for the report. */
  notes: string[];
}
