import type { FixTargets } from "../advice/values.js";
import {
  configMap,
  deployment,
  disruptionBudget,
  fpmContainer,
  namesOf,
  nginxContainer,
  service,
} from "./objects.js";
import type { InitOptions } from "./options.js";
import type { GeneratedDocument } from "./render.js";
import {
  FPM_CONFIG_KEY,
  FPM_CONFIG_PATH,
  FPM_PORT,
  fpmConfig,
  NGINX_CONFIG_DIR,
  NGINX_CONFIG_KEY,
  NGINX_PORT,
  nginxConfig,
} from "./texts.js";
import type { InitValues } from "./values.js";

/** `fpm-graceful.io/dockerfile.<container>`: links the container to the Dockerfile that builds its image. */
const dockerfileLink = (path: string) => ({ "fpm-graceful.io/dockerfile.php-fpm": path });

function graceComment(targets: FixTargets, nginxDrainSeconds: number | undefined, drain: string): string {
  const parts = [`preStop ${targets.preStopSeconds}s`];
  if (nginxDrainSeconds !== undefined) parts.push(`nginx's drain (up to ${nginxDrainSeconds}s)`);
  parts.push(drain, "a margin");
  return `Covers ${parts.join(" + ")}: SIGKILL never cuts a request.`;
}

const ROLLOUT_COMMENT = "A new pod is ready before an old one stops: capacity never drops during a rollout.";
const PDB_COMMENT =
  "Node drains evict one pod at a time, each through the same graceful shutdown as a rollout.";

/** The sidecar topology: nginx and php-fpm in one pod, one Service and one budget in front of it. */
export function sidecarDocuments(
  options: InitOptions,
  values: InitValues,
  dockerfilePath: string,
): GeneratedDocument[] {
  const names = namesOf(options.name);
  const t = values.fpm;
  const fpm = fpmContainer(options, t, values.nativeSidecar);
  const nginx = nginxContainer(t);
  const pod = values.nativeSidecar
    ? { initContainers: [fpm], containers: [nginx] }
    : { containers: [nginx, fpm] };
  const podPath = ["spec", "template", "spec"];
  const fpmPath = values.nativeSidecar ? [...podPath, "initContainers", 0] : [...podPath, "containers", 1];
  const nginxPath = [...podPath, "containers", 0];
  return [
    {
      object: deployment(
        options,
        names.app,
        undefined,
        t,
        { ...pod, configMaps: { "php-fpm-config": names.fpmConfig, "nginx-config": names.nginxConfig } },
        dockerfileLink(dockerfilePath),
      ),
      comment: values.nativeSidecar
        ? "nginx in front, php-fpm as a native sidecar (an init container with restartPolicy Always): the kubelet stops\nphp-fpm only after nginx has exited, so php-fpm serves every request nginx still holds (KEP-753: on by default from 1.29, GA in 1.33)."
        : "nginx in front of php-fpm in one pod, both with the same preStop sleep: neither stops taking requests before\nendpoint removal has propagated, and both get SIGQUIT together (native sidecars, which order this, need 1.29).",
      comments: [
        { path: ["spec", "strategy"], text: ROLLOUT_COMMENT },
        {
          path: [...podPath, "terminationGracePeriodSeconds"],
          text: graceComment(
            t,
            values.nativeSidecar ? values.longestRequestSeconds : undefined,
            `php-fpm's drain (process_control_timeout ${t.processControlTimeoutSeconds}s)`,
          ),
        },
        { path: [...nginxPath, "lifecycle"], text: preStopComment(options, t, "nginx") },
        ...(values.nativeSidecar
          ? []
          : [{ path: [...fpmPath, "lifecycle"], text: preStopComment(options, t, "php-fpm") }]),
        {
          path: [...fpmPath, "image"],
          text: `Built from ${dockerfilePath.replace(/^\.\.\//, "")}: STOPSIGNAL SIGQUIT, php-fpm as PID 1 (exec form).`,
        },
      ],
    },
    fpmConfigMap(options, values),
    nginxConfigMap(options, values, "127.0.0.1"),
    {
      object: service(options, names.app, undefined, { name: "http", port: 80, targetPort: NGINX_PORT }),
      comment: "The pod's entry point: nginx.",
    },
    { object: disruptionBudget(options, names.app, undefined), comment: PDB_COMMENT },
  ];
}

/** The separate topology, php-fpm side: its Deployment, config, the Service nginx talks to, its budget. */
export function separateFpmDocuments(
  options: InitOptions,
  values: InitValues,
  dockerfilePath: string,
): GeneratedDocument[] {
  const names = namesOf(options.name);
  const t = values.fpm;
  const podPath = ["spec", "template", "spec"];
  return [
    {
      object: deployment(
        options,
        names.fpm,
        "php-fpm",
        t,
        {
          containers: [fpmContainer(options, t, false)],
          configMaps: { "php-fpm-config": names.fpmConfig },
        },
        dockerfileLink(dockerfilePath),
      ),
      comment: "php-fpm behind the nginx Deployment, reached through the php-fpm Service.",
      comments: [
        ...separateDeploymentComments(
          options,
          t,
          "php-fpm",
          `php-fpm's drain (process_control_timeout ${t.processControlTimeoutSeconds}s)`,
        ),
        {
          path: [...podPath, "containers", 0, "image"],
          text: `Built from ${dockerfilePath.replace(/^\.\.\//, "")}: STOPSIGNAL SIGQUIT, php-fpm as PID 1 (exec form).`,
        },
      ],
    },
    fpmConfigMap(options, values),
    {
      object: service(options, names.fpm, "php-fpm", {
        name: "fastcgi",
        port: FPM_PORT,
        targetPort: FPM_PORT,
      }),
      comment:
        "nginx's upstream. kube-proxy stops sending new connections to a terminating pod within the propagation budget.",
    },
    { object: disruptionBudget(options, names.fpm, "php-fpm"), comment: PDB_COMMENT },
  ];
}

/** The separate topology, nginx side: its Deployment, config, the public Service and its budget. */
export function separateNginxDocuments(options: InitOptions, values: InitValues): GeneratedDocument[] {
  const names = namesOf(options.name);
  const t = values.nginx ?? values.fpm;
  return [
    {
      object: deployment(
        options,
        names.nginx,
        "nginx",
        t,
        { containers: [nginxContainer(t)], configMaps: { "nginx-config": names.nginxConfig } },
        {},
      ),
      comment: "nginx in front of the php-fpm Service, with the official image (STOPSIGNAL SIGQUIT).",
      comments: separateDeploymentComments(
        options,
        t,
        "nginx",
        `nginx's drain (up to ${t.processControlTimeoutSeconds}s)`,
      ),
    },
    nginxConfigMap(options, values, names.fpm),
    {
      object: service(options, names.app, "nginx", { name: "http", port: 80, targetPort: NGINX_PORT }),
      comment: "The application's entry point: nginx.",
    },
    { object: disruptionBudget(options, names.nginx, "nginx"), comment: PDB_COMMENT },
  ];
}

/** What each Deployment of the separate topology says of its rollout, its grace period and its preStop. */
function separateDeploymentComments(options: InitOptions, t: FixTargets, server: string, drain: string) {
  const podPath = ["spec", "template", "spec"];
  return [
    { path: ["spec", "strategy"], text: ROLLOUT_COMMENT },
    { path: [...podPath, "terminationGracePeriodSeconds"], text: graceComment(t, undefined, drain) },
    { path: [...podPath, "containers", 0, "lifecycle"], text: preStopComment(options, t, server) },
  ];
}

function preStopComment(options: InitOptions, t: FixTargets, server: string): string {
  const form = t.nativeSleep
    ? "native preStop.sleep (1.30+): no shell or sleep binary needed"
    : `exec sleep: preStop.sleep needs Kubernetes 1.30, the target is ${options.kubeVersion}`;
  return `${server} keeps serving while endpoint removal propagates (${options.propagationSeconds}s + margin); ${form}.`;
}

function fpmConfigMap(options: InitOptions, values: InitValues): GeneratedDocument {
  return {
    object: configMap(options, namesOf(options.name).fpmConfig, FPM_CONFIG_KEY, fpmConfig(values)),
    comment: `php-fpm's own config, mounted at ${FPM_CONFIG_PATH}: it opens [global] itself, because an\nincluded file carries the previous file's [www] section over.`,
  };
}

function nginxConfigMap(options: InitOptions, values: InitValues, fpmHost: string): GeneratedDocument {
  return {
    object: configMap(
      options,
      namesOf(options.name).nginxConfig,
      NGINX_CONFIG_KEY,
      nginxConfig(values, fpmHost),
    ),
    comment: `nginx's server, mounted at ${NGINX_CONFIG_DIR} in place of the image's default.`,
  };
}
