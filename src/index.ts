/**
 * fpm-graceful as a library: the same functions the CLI runs.
 *
 * @example
 *   import { checkPaths } from "fpm-graceful";
 *   const { result } = await checkPaths(["k8s/"], { propagation: 5 });
 *   for (const f of result.findings) console.log(`${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`);
 */

import { assumptionsFrom, CONFIG_NAMES, findConfigFile, loadConfig } from "./config.js";
import { type CheckOptions, type CheckResult, checkSources } from "./engine/check.js";
import { DEFAULT_ASSUMPTIONS, type Front } from "./model/types.js";
import { DEFAULT_MAX_FILE_BYTES, readInputs, type SourceFile } from "./sources/files.js";

export { type CheckResult, checkSources, failsAt } from "./engine/check.js";
export { collectEdits } from "./engine/fix-loop.js";
export { fixManifestObject } from "./engine/fix-object.js";
export { fixSources } from "./engine/fix-sources.js";
export { applyEdits } from "./fix/text.js";
export type { Edit, Fix } from "./fix/types.js";
export { generateInit } from "./init/generate.js";
export { buildModel, type Model } from "./model/build.js";
export type * from "./model/types.js";
export { DEFAULT_ASSUMPTIONS } from "./model/types.js";
export { FORMATTERS, type Format } from "./report/index.js";
export { RULES } from "./rules/registry.js";
export type {
  Finding,
  Fixer,
  Rule,
  RuleContext,
  RuleMeta,
  Severity,
  SuppressedFinding,
} from "./rules/types.js";
export { readInputs, type SourceFile } from "./sources/files.js";
export { computeTimeline } from "./timeline/timeline.js";
export type * from "./timeline/types.js";
export { review } from "./webhook/review.js";

/**
 * The webhook's HTTPS server (`webhook/server.ts`), loaded when first started: it brings prom-client and
 * piscina, which `checkPaths` and the CLI's other commands never need, and which cost `check` a tenth of a
 * second at every start.
 *
 * @example
 *   const server = await startWebhookServer({ certFile, keyFile, port: 8443, host: "0.0.0.0", review });
 */
export const startWebhookServer: typeof import("./webhook/server.js").startWebhookServer = async (options) =>
  (await import("./webhook/server.js")).startWebhookServer(options);

export interface CheckPathsOptions {
  propagation?: number;
  maxRequest?: number;
  kubeVersion?: string;
  /** `--front`: l7 (an ingress, the default) or l4 (a kube-proxy Service). */
  front?: Front;
  dockerfiles?: Record<string, string>;
  /**
   * Config file; when not given, `.fpm-graceful.yaml` or `.yml` in the working directory or the nearest
   * directory above it, up to the repository root (`findConfigFile`).
   */
  config?: string;
  maxFileBytes?: number;
  readStdin?: () => Promise<Buffer>;
  /** `--exclude` globs for directory walks; `--helm-values` files for the charts they find. */
  exclude?: readonly string[];
  helmValues?: readonly string[];
}

/** Reads paths (files, directories, `-`), applies the config file and flags, and checks everything read. */
export async function checkPaths(
  paths: string[],
  options: CheckPathsOptions = {},
): Promise<{ result: CheckResult; files: SourceFile[]; checkOptions: CheckOptions }> {
  const { config, problems: configProblems } = await loadConfig(
    options.config ?? findConfigFile(process.cwd()) ?? CONFIG_NAMES[0],
    options.config !== undefined,
  );
  const fromConfig = assumptionsFrom(DEFAULT_ASSUMPTIONS, config);
  const assumptions = {
    propagationSeconds: options.propagation ?? fromConfig.propagationSeconds,
    maxRequestSeconds: options.maxRequest ?? fromConfig.maxRequestSeconds,
    kubeVersion: options.kubeVersion ?? fromConfig.kubeVersion,
    front: options.front ?? fromConfig.front ?? DEFAULT_ASSUMPTIONS.front,
  };
  const { files, problems } = await readInputs(paths, {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    exclude: options.exclude ?? [],
    helmValues: options.helmValues ?? [],
    ...(options.readStdin ? { readStdin: options.readStdin } : {}),
  });
  const checkOptions: CheckOptions = {
    assumptions,
    ruleSettings: config.rules,
    dockerfiles: { ...config.dockerfiles, ...options.dockerfiles },
    containers: config.containers,
  };
  const result = checkSources(files, checkOptions);
  result.problems.unshift(...configProblems, ...problems);
  return { result, files, checkOptions };
}
