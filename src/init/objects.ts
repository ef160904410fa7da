import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { ILifecycleHandler } from "kubernetes-models/v1/LifecycleHandler";
import type { IService } from "kubernetes-models/v1/Service";
import type { FixTargets } from "../advice/values.js";
import { type DrainHookParams, drainHookCommand } from "../drain/hook.js";
import type { InitOptions } from "./options.js";
import {
  FPM_CONFIG_KEY,
  FPM_CONFIG_PATH,
  FPM_PORT,
  NGINX_CONFIG_DIR,
  NGINX_IMAGE,
  NGINX_PORT,
} from "./texts.js";

// Types come from kubernetes-models (type-only, erased at build): an unknown or misspelt field in an
// object literal below fails the compilation.

/** The names every generated object takes, from `--name`. */
export function namesOf(name: string) {
  return {
    app: name,
    fpm: `${name}-php-fpm`,
    nginx: `${name}-nginx`,
    fpmConfig: `${name}-php-fpm`,
    nginxConfig: `${name}-nginx`,
  };
}

const NAME_LABEL = "app.kubernetes.io/name";
const COMPONENT_LABEL = "app.kubernetes.io/component";

export function labels(options: InitOptions, component: string | undefined): Record<string, string> {
  return { [NAME_LABEL]: options.name, ...(component ? { [COMPONENT_LABEL]: component } : {}) };
}

/** A preStop that only waits: native `sleep` where the version has it (1.30+), else `sleep N` with no shell. */
export function preStopWait(targets: FixTargets): ILifecycleHandler {
  return targets.nativeSleep
    ? { sleep: { seconds: targets.preStopSeconds } }
    : { exec: { command: ["sleep", String(targets.preStopSeconds)] } };
}

/** The drain hook's parameters from the recommended values, shared by the container and its grace period. */
export function initDrainParams(targets: FixTargets): DrainHookParams {
  return {
    propagationSeconds: targets.preStopSeconds,
    longestRequestSeconds: targets.processControlTimeoutSeconds,
    listen: { kind: "tcp", port: FPM_PORT },
  };
}

function fpmPreStop(options: InitOptions, targets: FixTargets): ILifecycleHandler {
  // The skeleton the values are read back from has no values yet: a plain wait stands in for the hook.
  return options.drainHook && targets.processControlTimeoutSeconds > 0
    ? { exec: { command: drainHookCommand(initDrainParams(targets)) } }
    : preStopWait(targets);
}

export function fpmContainer(options: InitOptions, targets: FixTargets, nativeSidecar: boolean): IContainer {
  return {
    name: "php-fpm",
    image: options.image,
    ...(nativeSidecar ? { restartPolicy: "Always" } : {}),
    ports: [{ name: "fastcgi", containerPort: FPM_PORT }],
    // A TCP connect: php-fpm's ping page is served by a worker and queues behind busy ones (FACTS.md).
    readinessProbe: { tcpSocket: { port: FPM_PORT }, periodSeconds: 2 },
    // A native sidecar gets its stop signal only after nginx has exited: it needs no preStop.
    ...(nativeSidecar ? {} : { lifecycle: { preStop: fpmPreStop(options, targets) } }),
    volumeMounts: [
      { name: "php-fpm-config", mountPath: FPM_CONFIG_PATH, subPath: FPM_CONFIG_KEY, readOnly: true },
    ],
  };
}

export function nginxContainer(targets: FixTargets): IContainer {
  return {
    name: "nginx",
    image: NGINX_IMAGE,
    ports: [{ name: "http", containerPort: NGINX_PORT }],
    readinessProbe: { tcpSocket: { port: NGINX_PORT }, periodSeconds: 2 },
    lifecycle: { preStop: preStopWait(targets) },
    volumeMounts: [{ name: "nginx-config", mountPath: NGINX_CONFIG_DIR, readOnly: true }],
  };
}

export function deployment(
  options: InitOptions,
  name: string,
  component: string | undefined,
  targets: FixTargets,
  pod: { containers: IContainer[]; initContainers?: IContainer[]; configMaps: Record<string, string> },
  annotations: Record<string, string>,
): IDeployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: options.namespace,
      labels: labels(options, component),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      replicas: options.replicas,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: labels(options, component) },
      template: {
        metadata: { labels: labels(options, component) },
        spec: {
          terminationGracePeriodSeconds: targets.gracePeriodSeconds,
          ...(pod.initContainers ? { initContainers: pod.initContainers } : {}),
          containers: pod.containers,
          volumes: Object.entries(pod.configMaps).map(([volume, configMap]) => ({
            name: volume,
            configMap: { name: configMap },
          })),
        },
      },
    },
  };
}

export function service(
  options: InitOptions,
  name: string,
  component: string | undefined,
  port: { name: string; port: number; targetPort: number },
): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: options.namespace, labels: labels(options, component) },
    spec: { selector: labels(options, component), ports: [{ ...port, protocol: "TCP" }] },
  };
}

export function disruptionBudget(
  options: InitOptions,
  name: string,
  component: string | undefined,
): IPodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace: options.namespace, labels: labels(options, component) },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels(options, component) } },
  };
}

export function configMap(options: InitOptions, name: string, key: string, text: string): IConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: options.namespace, labels: labels(options, undefined) },
    data: { [key]: text },
  };
}
