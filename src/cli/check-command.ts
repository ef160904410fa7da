import { Command } from "commander";
import { blockingProblems, type CheckResult, failsAt } from "../engine/check.js";
import { escapeControl, neutralizeWorkflowCommands } from "../escape.js";
import { type CheckPathsOptions, checkPaths } from "../index.js";
import { DEFAULT_ASSUMPTIONS, type Front, type Problem } from "../model/types.js";
import { FORMATS, FORMATTERS, type Format } from "../report/index.js";
import type { Severity } from "../rules/types.js";
import { DEFAULT_MAX_FILE_BYTES } from "../sources/files.js";
import { writeOutputFile } from "../write.js";
import {
  bytesOption,
  choiceOption,
  cliError,
  colorWanted,
  durationOption,
  keyValueOption,
  kubeVersionOption,
} from "./options.js";

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/** Shared by every command that reads manifests: where to read, and the model's assumptions. */
export function addModelOptions(command: Command): Command {
  return command
    .option(
      "--propagation <duration>",
      "how long after deletion new connections may still arrive (default 5s)",
      durationOption,
    )
    .option(
      "--max-request <duration>",
      "longest request when no request_terminate_timeout or max_execution_time says (default 30s)",
      durationOption,
    )
    .option(
      "--kube-version <version>",
      `target Kubernetes version, e.g. 1.31 or v1.29.3 (default ${DEFAULT_ASSUMPTIONS.kubeVersion})`,
      kubeVersionOption,
    )
    .option(
      "--front <front>",
      "l7 (an ingress) or l4 (a kube-proxy Service) (default l7)",
      choiceOption(["l4", "l7"] as const),
    )
    .option("--dockerfile <container=path>", "link a Dockerfile to a container (repeatable)", keyValueOption)
    .option(
      "--config <file>",
      "config file (default: .fpm-graceful.yaml or .yml here or above, up to the repository root)",
    )
    .option("--exclude <glob>", "skip paths matching this glob in directory walks (repeatable)", collect, [])
    .option(
      "--helm-values <file>",
      "values file for the Helm charts found (helm template -f; repeatable)",
      collect,
      [],
    )
    .option(
      "--max-file-size <size>",
      `refuse inputs larger than this (default ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024}MiB)`,
      bytesOption,
    );
}

/** Colour only for text, as `colorWanted` decides it (`--no-color`, `-o`, `NO_COLOR`, `FORCE_COLOR`, a TTY). */
export function wantsColor(
  format: Format,
  opts: { color?: boolean; output?: string },
  isTTY: boolean,
  env: NodeJS.ProcessEnv,
): boolean {
  return format === "text" && colorWanted(opts, isTTY, env);
}

/**
 * Unreadable inputs, one line each on stderr, where a person sees them whatever the report's format:
 * `fpm-graceful: FILE:LINE:COLUMN: message` (a located diagnostic, as compilers print them), names escaped.
 */
export function reportProblems(problems: readonly Problem[]): void {
  for (const p of problems)
    process.stderr.write(
      neutralizeWorkflowCommands(
        `fpm-graceful: ${escapeControl(`${p.file}:${p.line}:${p.column}: ${p.message}`)}\n`,
      ),
    );
}

/** `-` with nobody piping into it would wait silently for a manifest: say so. */
export function hintStdin(paths: readonly string[]): void {
  if (paths.includes("-") && process.stdin.isTTY === true)
    process.stderr.write("fpm-graceful: reading manifests from standard input (end with Ctrl-D)\n");
}

/** A path with nothing the tool reads (a typo'd directory, the wrong repository) passes silently otherwise. */
export function reportNothingRead(paths: readonly string[], result: CheckResult): void {
  if (result.workloads.length > 0 || result.problems.length > 0) return;
  const alone = result.leftAlone.length;
  const message =
    alone > 0
      ? `fpm-graceful: nothing to check in ${paths.join(" ")}: ${alone} input${alone === 1 ? "" : "s"} read and left alone (${result.leftAlone[0]?.reason}${alone > 1 ? ", …" : ""})`
      : `fpm-graceful: nothing to check in ${paths.join(" ")}: no Kubernetes workloads, Dockerfiles, php-fpm, php.ini or nginx configs`;
  process.stderr.write(neutralizeWorkflowCommands(`${escapeControl(message)}\n`));
}

export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return error instanceof Error ? error.message : String(error);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The model options every reading command takes, as `checkPaths` wants them. */
export function modelOptions(opts: Record<string, unknown>): CheckPathsOptions {
  return {
    propagation: opts.propagation as number | undefined,
    maxRequest: opts.maxRequest as number | undefined,
    kubeVersion: opts.kubeVersion as string | undefined,
    front: opts.front as Front | undefined,
    dockerfiles: opts.dockerfile as Record<string, string> | undefined,
    config: opts.config as string | undefined,
    maxFileBytes: opts.maxFileSize as number | undefined,
    exclude: opts.exclude as string[] | undefined,
    helmValues: opts.helmValues as string[] | undefined,
  };
}

export function checkCommand(): Command {
  const command = new Command("check")
    .description(
      "audit Kubernetes manifests, Dockerfiles and php-fpm/php.ini/nginx configs for request-dropping shutdowns",
    )
    .argument(
      "[paths...]",
      "files or directories to read; - reads manifests from stdin (helm template, kustomize build)",
      ["."],
    )
    .option(
      "-f, --format <format>",
      "text, json, sarif (2.1.0), github (workflow annotations) or junit",
      choiceOption(FORMATS),
      "text",
    )
    .option(
      "--fail-on <severity>",
      "exit 1 on findings at or above: error, warning, info, none",
      choiceOption(["error", "warning", "info", "none"] as const),
      "error",
    )
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--timeline", "text: every workload's predicted timeline (default: those that fail requests)")
    .option("-q, --quiet", "text: only errors and unreadable inputs, one line each; nothing when clean")
    .option("--no-color", "no colours in text output");
  addModelOptions(command).action(async (paths: string[], opts) => {
    hintStdin(paths);
    const outcome = await checkPaths(paths, modelOptions(opts));
    const format = opts.format as Format;
    const color = wantsColor(format, opts, process.stdout.isTTY === true, process.env);
    // Wrap to the terminal's width; into a file or a pipe (a CI log) every line stays whole.
    const width = !opts.output && process.stdout.isTTY === true ? process.stdout.columns : undefined;
    const rendered = FORMATTERS[format](outcome.result, {
      color,
      timelines: opts.timeline ? "all" : "failing",
      quiet: opts.quiet === true,
      ...(width ? { width } : {}),
    });
    if (opts.output) {
      try {
        await writeOutputFile(opts.output, rendered, [...paths, ...outcome.files.map((f) => f.path)]);
      } catch (error) {
        cliError("check", `cannot write ${opts.output}: ${describeWriteError(error)}`);
        process.exitCode = EXIT.usage;
        return;
      }
    } else {
      process.stdout.write(rendered);
    }
    // Text on stdout shows unreadable inputs; a report in a file or for a machine would hide why we exit 2.
    if (opts.output || format !== "text") reportProblems(outcome.result.problems);
    if (!opts.quiet) reportNothingRead(paths, outcome.result);
    const failOn = opts.failOn as Severity | "none";
    process.exitCode =
      blockingProblems(outcome.result.problems).length > 0
        ? EXIT.usage
        : failOn !== "none" && failsAt(outcome.result.findings, failOn)
          ? EXIT.findings
          : EXIT.ok;
  });
  return command;
}
