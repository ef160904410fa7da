import { join, normalize } from "node:path";
import { type GeneratedFile, INIT_PATHS, workloadFiles } from "./files.js";
import { type InitOptions, InitOptionsError, initOptionProblems } from "./options.js";
import { initValues } from "./targets.js";
import { checkConfig } from "./texts.js";
import type { InitValues } from "./values.js";

export { asSourceFiles, type GeneratedFile, INIT_PATHS } from "./files.js";
export {
  DEFAULT_INIT_OPTIONS,
  type InitOptions,
  InitOptionsError,
  initOptionProblems,
  type Topology,
} from "./options.js";
export { initValues } from "./targets.js";
export { type InitValues, initAssumptions } from "./values.js";

/**
 * The complete reference setup `fpm-graceful init` writes, as data: the Kubernetes manifests, the php-fpm
 * Dockerfile and a `.fpm-graceful.yaml` with the assumptions it was made for. Pure: no I/O. The numbers
 * are `fix`'s (see `initValues`); the layout follows the topology and the Kubernetes version.
 *
 * @example
 *   const files = generateInit({ ...DEFAULT_INIT_OPTIONS, topology: "separate", kubeVersion: "1.28" });
 *   files.map((f) => f.path); // ["Dockerfile", "k8s/1-php-fpm.yaml", "k8s/2-nginx.yaml", ".fpm-graceful.yaml"]
 */
export function generateInit(options: InitOptions): GeneratedFile[] {
  const values = validatedValues(options);
  return [
    ...workloadFiles(options, values),
    { path: INIT_PATHS.checkConfig, content: checkConfig(options, values) },
  ];
}

/**
 * Only the files that make the workloads (manifests and Dockerfile), e.g. to rehearse them: what
 * `generateInit` writes less the config file.
 *
 * @example
 *   const model = buildModel(asSourceFiles(initWorkloadFiles(DEFAULT_INIT_OPTIONS)));
 */
export function initWorkloadFiles(options: InitOptions): GeneratedFile[] {
  return workloadFiles(options, validatedValues(options));
}

function validatedValues(options: InitOptions): InitValues {
  const problems = initOptionProblems(options);
  if (problems.length > 0) throw new InitOptionsError(problems);
  return initValues(options);
}

/** The setup in one paragraph: layout, and the values each workload got. */
export function initSummary(options: InitOptions): string {
  const values = validatedValues(options);
  const { fpm, nginx } = values;
  const wait = (t: typeof fpm) =>
    t.nativeSleep ? `preStop.sleep ${t.preStopSeconds}s` : `preStop exec sleep ${t.preStopSeconds}s`;
  const layout =
    options.topology === "separate"
      ? "nginx Deployment in front of a php-fpm Service"
      : values.nativeSidecar
        ? "nginx with php-fpm as a native sidecar in one pod"
        : "nginx and php-fpm as two containers of one pod";
  const fpmPart = `php-fpm: ${values.nativeSidecar ? "stopped after nginx" : wait(fpm)}, process_control_timeout ${fpm.processControlTimeoutSeconds}s, request_terminate_timeout ${values.longestRequestSeconds}s, grace ${fpm.gracePeriodSeconds}s`;
  const nginxPart = nginx
    ? `; nginx: ${wait(nginx)}, grace ${nginx.gracePeriodSeconds}s`
    : values.nativeSidecar
      ? `; nginx: ${wait(fpm)}`
      : "";
  return `${layout} for Kubernetes ${options.kubeVersion} (propagation ${options.propagationSeconds}s). ${fpmPart}${nginxPart}.`;
}

/** What to do after `init` wrote into `outDir`, one line each, as the CLI prints them. */
export function nextSteps(options: InitOptions, outDir: string): string[] {
  const k8s = options.topology === "sidecar" ? [INIT_PATHS.sidecar] : [INIT_PATHS.fpm, INIT_PATHS.nginx];
  const dir = normalize(outDir);
  const at = (path: string) => join(dir, path);
  return [
    `Build the php-fpm image from your application's root: docker build -f ${at(INIT_PATHS.dockerfile)} -t ${options.image} . && docker push ${options.image}`,
    `Adapt the nginx and php-fpm configs in ${k8s.map(at).join(" and ")} to your application (document root, front controller).`,
    `Check it with the same assumptions: fpm-graceful check --config ${at(INIT_PATHS.checkConfig)} ${dir}`,
    `Rehearse a rolling restart under load: fpm-graceful rehearse --propagation ${options.propagationSeconds} --kube-version ${options.kubeVersion} ${dir}`,
    `Apply it: kubectl apply -f ${at("k8s")}`,
  ];
}
