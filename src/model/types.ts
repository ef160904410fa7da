/**
 * The shutdown model's vocabulary: where things come from in the user's files, what a pod's containers are,
 * and how they are told to stop. Everything here is plain data, so a workload can be checked, fixed,
 * drawn, rehearsed or admitted by the webhook from the same value.
 */

export type { Located, Problem, ProblemCode, SourceLocation } from "../sources/location.js";

import type { Located, SourceLocation } from "../sources/location.js";

export type Signal =
  | "SIGTERM"
  | "SIGQUIT"
  | "SIGINT"
  | "SIGKILL"
  | "SIGWINCH"
  | "SIGUSR1"
  | "SIGUSR2"
  | "SIGHUP";

/**
 * What kind of process a container runs, as far as shutdown is concerned: php-fpm and nginx serve
 * requests; a `worker` is a long-running PHP process that serves none (a queue consumer, a scheduler), so
 * no rule about request traffic applies to it; `other` is everything else.
 */
export type ContainerRole = "fpm" | "nginx" | "worker" | "other";

/**
 * The kinds of evidence a role is decided from, strongest first (docs/IDENTITY.md): the user's
 * declaration, the workload's kind, the argv the container runs, the server configs mounted into it,
 * traffic pointed at it, what the image is known to run, and names last.
 */
export type RoleSignal = "declared" | "workload-kind" | "argv" | "config" | "traffic" | "image" | "name";

/** One piece of evidence about a container's role, with where it was read. */
export interface RoleEvidence {
  signal: RoleSignal;
  role: ContainerRole;
  /** In words, for the output: `command php artisan queue:work (manifest)`. */
  reason: string;
  loc?: SourceLocation;
}

/** A container's role and every piece of evidence considered, the deciding one first. */
export interface ContainerIdentity {
  role: ContainerRole;
  /** Evidence in the order it was weighed; `evidence[0]` decided, unless it is empty (no evidence: `other`). */
  evidence: RoleEvidence[];
  /** The argv the container runs, as far as it is known, and where it was read. */
  argv: { argv: string[]; origin: "manifest" | "dockerfile" | "image-default" } | undefined;
}

/** The shell that runs `sh -c` inside the image: dash on Debian-based images, busybox on Alpine. */
export type ImageShell = "dash" | "busybox" | "bash" | "unknown";

/**
 * A preStop hook as the kubelet sees it. `exec` hooks are analysed statically: how long they sleep before
 * anything else, and which signals they send to which PID (see `model/shell.ts`).
 */
export type PreStopHook =
  | { kind: "sleep"; seconds: number; loc: SourceLocation }
  | { kind: "exec"; command: string[]; script: string; loc: SourceLocation; analysis: ExecHookAnalysis }
  | { kind: "httpGet"; path: string; port: string | number; loc: SourceLocation };

export interface ExecHookAnalysis {
  /** Seconds the script sleeps before it sends any signal or ends (the part that covers endpoint propagation). */
  delaySeconds: number;
  /** Total seconds the hook is expected to run, when that can be read off the script. */
  durationSeconds: number | undefined;
  /** `kill` commands the script runs, in order, with the time (since hook start) each would run at. */
  kills: ExecKill[];
  /** The script could not be fully read (loops, variables, scripts in files): durations are lower bounds. */
  opaque: boolean;
  /**
   * The hook waits, after its kill, until PID 1 has exited (`while kill -0 1; do sleep …; done`, the drain
   * hook): it lasts until the server exits (bounded by the grace period), so the kubelet's stop signal
   * that follows it finds nothing to stop.
   */
  waitsForExit?: boolean;
}

export interface ExecKill {
  atSeconds: number;
  /**
   * Sent only once the server has no request in flight (the drain hook waits for that, for at most
   * `idleBoundSeconds`): php-fpm's SIGQUIT then kills nothing, whatever its process_control_timeout.
   */
  whenIdle?: { idleBoundSeconds: number };
  signal: Signal | undefined;
  /** The exact spelling used, e.g. `-SIGQUIT`, `-QUIT`, `-s QUIT`, `-3`. */
  spelling: string;
  target: string;
  /** Shells that reject this spelling (dash rejects `-SIGQUIT`: `kill: Illegal option -S`). */
  rejectedBy: ImageShell[];
  /** Column offset of the kill inside the script text (0-based), to point findings at it. */
  offset: number;
  /** Where the kill is written, when the script is a one-line string in the manifest. */
  loc?: SourceLocation;
}

/** How the container's PID 1 is started: whether signals sent to PID 1 reach php-fpm or nginx. */
export interface Pid1 {
  /** `exec` form (argv), a shell that `exec`s the server, or a shell that keeps the server as its child. */
  form: "exec" | "shell-exec" | "shell-wrapper" | "unknown";
  command: string;
  loc: SourceLocation | undefined;
  /** Where this was learnt: the manifest's `command`/`args`, or the linked Dockerfile's ENTRYPOINT/CMD. */
  origin: "manifest" | "dockerfile" | "image-default";
  /**
   * For a `-c` script that ends with a plain command (no pipeline, subshell, loop or trap): the shell that
   * runs it, `image` for `sh` (the image's /bin/sh). Whether it execs that command depends on the shell
   * (`settleShellPid1`): busybox's ash and bash do, Debian's dash does not.
   */
  lastCommandShell?: "dash" | "busybox" | "bash" | "image";
  /** The form rests on the image's /bin/sh, which is unknown: a dash would keep the server as its child. */
  shellUnknown?: boolean;
}

/** A php-fpm, php.ini or nginx setting that reaches a container, and how it reaches it. */
export interface ConfigSetting {
  key: string;
  value: string;
  loc: SourceLocation;
  /**
   * Where php-fpm or nginx reads it: fpm's `[global]`, a pool section, php.ini (where fpm ignores its own
   * globals), or nginx.
   */
  scope: "fpm-global" | "fpm-pool" | "php-ini" | "nginx";
  /** The section name for fpm configs (`global`, `www`). */
  section?: string;
  /** How it reaches the container, in words: `ConfigMap php-fpm mounted at /usr/local/etc/php-fpm.d`. */
  via: string;
  /** Where the setting is written, for a fix that edits it. */
  origin?: ConfigOrigin;
  /** The path the config lands at in the container, when known (php-fpm reads `php-fpm.d/*.conf` in name order). */
  destination?: string;
}

/**
 * A stop signal the model could not read off a Dockerfile: inherited from a known image (with the
 * Dockerfile that says so), or `unknown` (an image the tool does not know and no linked Dockerfile), in
 * which case the runtime's default SIGTERM is assumed and findings that rest on it are warnings.
 */
export interface AssumedStopSignal {
  value: Signal;
  loc: undefined;
  assumed: string;
  unknown?: boolean;
}

/** What the model knows about an image, from the image table (`identity/known-images.ts`) and a linked Dockerfile. */
export interface ImageFacts {
  reference: string;
  stopSignal: Located<Signal | string> | AssumedStopSignal;
  shell: ImageShell;
  role: ContainerRole | undefined;
  /** How the facts were learnt, for the output's "assumed" notes. */
  basis: string;
  dockerfile?: string;
  /** The linked Dockerfile's stage (its `AS` name, or its index) when it is not the last one. */
  dockerfileStage?: string;
  /** Line of the linked stage's FROM, after which a fix inserts instructions. */
  dockerfileFromLine?: number;
  /** ENTRYPOINT + CMD the image runs when the manifest sets neither, when known. */
  defaultArgv?: { entrypoint: string[]; cmd: string[]; source: string; loc?: SourceLocation };
  /** `ENV` of the image (linked Dockerfile, its stages and the Dockerfiles it is built FROM). */
  env: Record<string, string>;
  /** A `[global]` process_control_timeout the image's own php-fpm config sets, with its source. */
  processControlTimeout?: { value: string; source: string };
  /** The folder whose `*.conf` the image's php-fpm includes, where a fix may add a `[global]` file. */
  fpmConfigDir?: { value: string; source: string };
  /** Where the image's server listens by default, and the file that says it. */
  listen?: { value: { file: string; value: string }; source: string };
  /**
   * PID 1 under the image's own ENTRYPOINT (a supervisor such as s6-svscan) ignores the image's stop signal,
   * with the source: nothing stops until SIGKILL unless the manifest runs another command.
   */
  pid1IgnoresStopSignal?: { value: string; source: string };
}

export interface Probe {
  kind: "httpGet" | "tcpSocket" | "exec" | "grpc";
  loc: SourceLocation;
  /** `periodSeconds`, `failureThreshold`, `successThreshold` when the manifest sets them (defaults 10, 3, 1). */
  periodSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  role: ContainerRole;
  /** How the role was decided: every piece of evidence, the deciding one first. */
  identity: ContainerIdentity;
  /** `env` of the container: literal values; `undefined` for `valueFrom` (not known until it runs). */
  env: Record<string, string | undefined>;
  /** A native sidecar: an init container with `restartPolicy: Always` (stopped after the main containers). */
  sidecar: boolean;
  loc: SourceLocation;
  /** Path (as key segments) of this container in its document, for fixes. */
  path: (string | number)[];
  preStop: PreStopHook | undefined;
  /** `lifecycle.stopSignal` (KEP-4960), when the manifest sets it. */
  lifecycleStopSignal: Located<string> | undefined;
  readinessProbe: Probe | undefined;
  ports: number[];
  /** Numeric ports of tcpSocket readiness and liveness probes (traffic evidence for the role). */
  probePorts: number[];
  pid1: Pid1;
  imageFacts: ImageFacts;
  /** php-fpm / php.ini / nginx settings that reach this container, in the order they are read. */
  settings: ConfigSetting[];
  /** How configs and Dockerfiles were linked to this container, in words, for the output. */
  links: string[];
  /** `volumeMounts`, to find the ConfigMaps a container reads. */
  mounts: { volume: string; mountPath: string; subPath: string | undefined }[];
  /** The manifest's `command` and `args`, as written (empty when the image's are used). */
  command: string[];
  args: string[];
  /** The php-fpm, php.ini and nginx configs that reach this container, for fixes that add a setting. */
  configs: LinkedConfig[];
  /** php-fpm configs mounted from ConfigMaps that are not among the inputs: their settings are unknown. */
  unseenConfigs: string[];
}

/** Where a config that reaches a container is written, so a fix can edit it in place. */
export type ConfigOrigin =
  | { kind: "configmap"; file: string; documentIndex: number; path: (string | number)[]; text: string }
  | { kind: "file"; file: string; text: string }
  | { kind: "dockerfile"; file: string; lines: [number, number]; soleCommand: boolean };

export interface LinkedConfig {
  /** `fpm-main`, `fpm-include`, `php-ini` or `nginx` (see `model/settings.ts`). */
  placement: string;
  origin: ConfigOrigin;
  /** Where the container reads it (a ConfigMap's mount path, a COPY destination); absent for a file given as is. */
  destination?: string;
}

/** A pod volume that is (or projects) a ConfigMap, to follow mounts to the configs they hold. */
export interface ConfigMapVolume {
  name: string;
  configMap: string;
  items: { key: string; path: string }[] | undefined;
}

export interface RolloutStrategy {
  type: "RollingUpdate" | "Recreate" | "OnDelete";
  maxSurge: string | number | undefined;
  maxUnavailable: string | number | undefined;
  loc: SourceLocation | undefined;
}

export type WorkloadKind =
  | "Deployment"
  | "StatefulSet"
  | "DaemonSet"
  | "ReplicaSet"
  | "Pod"
  | "Job"
  | "CronJob"
  /**
   * A Dockerfile (or configs) given without a workload that uses it: checked for what the image alone
   * decides (stop signal, PID 1, where settings are written). Named `Image/-/<path>`.
   */
  | "Image";

export interface Workload {
  /** `Kind/namespace/name`, the workload's id in every output. */
  id: string;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  loc: SourceLocation;
  /** Path of the workload object in its document: `[]`, or `["items", 3]` inside a List. */
  objectPath: (string | number)[];
  /** Path (as key segments) of the pod spec in its document, e.g. `["spec","template","spec"]` (`["items",0,…]` in a List). */
  podSpecPath: (string | number)[];
  annotations: Record<string, string>;
  /** Where each annotation's value is written (the pod template's where both set it), for problems about it. */
  annotationLocs: Record<string, SourceLocation>;
  podLabels: Record<string, string>;
  /** `spec.selector.matchLabels`: what the controller (and so a PodDisruptionBudget) selects its pods by. */
  selector: Record<string, string> | undefined;
  /**
   * PersistentVolumeClaims the pod mounts, with their access modes when the claim is among the inputs
   * (a ReadWriteOnce volume cannot be attached by a surging pod while the old one runs).
   */
  persistentClaims: { name: string; accessModes: string[] | undefined }[];
  replicas: Located<number> | undefined;
  strategy: RolloutStrategy | undefined;
  gracePeriodSeconds: Located<number> | undefined;
  containers: Container[];
  volumes: ConfigMapVolume[];
  /** PodDisruptionBudgets among the inputs whose selector matches the pod labels. */
  disruptionBudgets: string[];
  /** Index of the document in its file, so fixes can find it again. */
  documentIndex: number;
}

/** Assumptions the model needs and cannot read off the files; every one is a flag with a default. */
export interface Assumptions {
  /** Seconds after deletion during which new connections may still arrive (kube-proxy, ingress, LB). */
  propagationSeconds: number;
  /** The longest request, when no `request_terminate_timeout` or `max_execution_time` says it. */
  maxRequestSeconds: number;
  /** Target Kubernetes minor version, e.g. `1.31`. */
  kubeVersion: string;
  /** What sends traffic to the pods (`--front`); absent means `DEFAULT_ASSUMPTIONS.front`. */
  front?: Front;
}

/**
 * The hop in front of the pods: `l7` an ingress controller that balances each request to pod IPs and retries
 * an idempotent request on a connect error (ingress-nginx, the Gateway API implementations); `l4` a plain
 * kube-proxy Service, where an established client connection stays on its pod.
 */
export type Front = "l4" | "l7";

export const DEFAULT_ASSUMPTIONS: Assumptions & { front: Front } = {
  propagationSeconds: 5,
  maxRequestSeconds: 30,
  kubeVersion: "1.33",
  front: "l7",
};

/** Kubernetes' default `terminationGracePeriodSeconds`. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;
