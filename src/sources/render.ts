import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Helm charts and kustomize folders are sources of manifests, not manifests: their files read alone are
 * templates (`{{ .Values.x }}`) and patches. They are rendered by the tool their owners use, when it is on
 * PATH, and read as rendered input; otherwise reported once, with the command to pipe instead.
 */

export type RenderKind = "helm" | "kustomize";

/** A folder a walk found that must be rendered, not read file by file. */
export interface RenderSource {
  dir: string;
  kind: RenderKind;
}

/** The marker file of each kind of folder, as `helm` and `kustomize` look for them. */
export const RENDER_MARKERS: Record<string, RenderKind> = Object.assign(Object.create(null), {
  "Chart.yaml": "helm",
  "kustomization.yaml": "kustomize",
  "kustomization.yml": "kustomize",
  Kustomization: "kustomize",
});

export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The command that renders `source`, as a user would type it; `helmValues` are passed with `-f`. */
export function renderCommand(source: RenderSource, helmValues: readonly string[] = []): string[] {
  if (source.kind === "helm")
    return ["helm", "template", source.dir, ...helmValues.flatMap((v) => ["-f", v])];
  if (onPath("kubectl")) return ["kubectl", "kustomize", source.dir];
  return ["kustomize", "build", source.dir];
}

/** Rendering may take a while (helm dependency charts); it never takes forever. */
const RENDER_TIMEOUT_MS = 60_000;

/**
 * Renders a chart or kustomization with the tool on PATH. Answers the rendered text, or why not: the tool
 * is missing (with the command to pipe instead), failed (its first error line), or gave more than
 * `maxBytes`.
 */
export function render(
  source: RenderSource,
  maxBytes: number,
  helmValues: readonly string[] = [],
): { text: string; command: string } | { problem: string } {
  const argv = renderCommand(source, helmValues);
  const program = argv[0] as string;
  const pipe = `${argv.join(" ")} | fpm-graceful check -`;
  if (!onPath(program)) {
    const what = source.kind === "helm" ? "a Helm chart" : "a kustomize folder";
    return {
      problem: `${what}: its files are templates, not manifests; ${program} is not on PATH to render it: run \`${pipe}\``,
    };
  }
  const run = spawnSync(program, argv.slice(1), {
    encoding: "utf8",
    timeout: RENDER_TIMEOUT_MS,
    maxBuffer: maxBytes,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code === "ENOBUFS")
      return { problem: `\`${argv.join(" ")}\` gave more than the size limit (--max-file-size)` };
    return { problem: `\`${argv.join(" ")}\` failed: ${run.error.message}` };
  }
  if (run.status !== 0) {
    const first = (run.stderr ?? "").split("\n").find((l) => l.trim() !== "") ?? `exit ${run.status}`;
    return { problem: `\`${argv.join(" ")}\` failed: ${first.trim()}` };
  }
  return { text: run.stdout, command: argv.join(" ") };
}
