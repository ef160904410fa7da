/**
 * fpm-graceful as a library: the same functions the CLI runs.
 *
 * @example
 *   import { checkPaths } from "fpm-graceful";
 *   const { result } = await checkPaths(["k8s/"], { propagation: 5 });
 *   for (const f of result.findings) console.log(`${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`);
 */
import { type CheckOptions, type CheckResult, checkSources } from "./check.js";
import { assumptionsFrom, loadConfig } from "./config.js";
import { DEFAULT_ASSUMPTIONS } from "./model/types.js";
import { DEFAULT_MAX_FILE_BYTES, readInputs, type SourceFile } from "./sources/files.js";

export { type CheckResult, checkSources, failsAt } from "./check.js";
export { applyEdits, collectEdits } from "./fix/engine.js";
export { fixManifestObject } from "./fix/object.js";
export { fixSources } from "./fix/run.js";
export type { Edit, Fix } from "./fix/types.js";
export { generateInit } from "./init/generate.js";
export { buildModel, type Model } from "./model/build.js";
export type * from "./model/types.js";
export { DEFAULT_ASSUMPTIONS } from "./model/types.js";
export { FORMATTERS, type Format } from "./report/index.js";
export { RULES } from "./rules/registry.js";
export type { Finding, Rule, RuleMeta, Severity } from "./rules/types.js";
export { readInputs, type SourceFile } from "./sources/files.js";
export { computeTimeline } from "./timeline/timeline.js";
export type * from "./timeline/types.js";
export { review } from "./webhook/review.js";
export { startWebhookServer } from "./webhook/server.js";

export interface CheckPathsOptions {
  propagation?: number;
  maxRequest?: number;
  kubeVersion?: string;
  dockerfiles?: Record<string, string>;
  /** Config file; `.fpm-graceful.yaml` in the working directory when not given (and present). */
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
    options.config ?? ".fpm-graceful.yaml",
    options.config !== undefined,
  );
  const fromConfig = assumptionsFrom(DEFAULT_ASSUMPTIONS, config);
  const assumptions = {
    propagationSeconds: options.propagation ?? fromConfig.propagationSeconds,
    maxRequestSeconds: options.maxRequest ?? fromConfig.maxRequestSeconds,
    kubeVersion: options.kubeVersion ?? fromConfig.kubeVersion,
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
