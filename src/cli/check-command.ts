import { Command } from "commander";
import { failsAt } from "../check.js";
import { checkPaths } from "../index.js";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { FORMATTERS, type Format } from "../report/index.js";
import type { Severity } from "../rules/types.js";
import { DEFAULT_MAX_FILE_BYTES } from "../sources/files.js";
import { writeFileAtomic } from "../write.js";
import { bytesOption, choiceOption, durationOption, keyValueOption, kubeVersionOption } from "./options.js";

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
      `target Kubernetes version (default ${DEFAULT_ASSUMPTIONS.kubeVersion})`,
      kubeVersionOption,
    )
    .option("--dockerfile <container=path>", "link a Dockerfile to a container (repeatable)", keyValueOption)
    .option("--config <file>", "config file (default .fpm-graceful.yaml if present)")
    .option("--max-file-size <size>", "refuse inputs larger than this", bytesOption, DEFAULT_MAX_FILE_BYTES);
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
      "text, json, sarif or github",
      choiceOption(["text", "json", "sarif", "github"] as const),
      "text",
    )
    .option(
      "--fail-on <severity>",
      "exit 1 on findings at or above: error, warning, info, none",
      choiceOption(["error", "warning", "info", "none"] as const),
      "error",
    )
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--no-color", "no colours in text output");
  addModelOptions(command).action(async (paths: string[], opts) => {
    const outcome = await checkPaths(paths, {
      propagation: opts.propagation,
      maxRequest: opts.maxRequest,
      kubeVersion: opts.kubeVersion,
      dockerfiles: opts.dockerfile,
      config: opts.config,
      maxFileBytes: opts.maxFileSize,
    });
    const format = opts.format as Format;
    const color =
      format === "text" &&
      opts.color !== false &&
      !opts.output &&
      process.stdout.isTTY === true &&
      !process.env.NO_COLOR;
    const rendered = FORMATTERS[format](outcome.result, color);
    if (opts.output) await writeFileAtomic(opts.output, rendered);
    else process.stdout.write(rendered);
    const failOn = opts.failOn as Severity | "none";
    process.exitCode =
      outcome.result.problems.length > 0
        ? EXIT.usage
        : failOn !== "none" && failsAt(outcome.result.findings, failOn)
          ? EXIT.findings
          : EXIT.ok;
  });
  return command;
}
