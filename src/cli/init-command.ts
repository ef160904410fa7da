import { Command, InvalidArgumentError } from "commander";
import {
  DEFAULT_INIT_OPTIONS,
  generateInit,
  type InitOptions,
  initOptionProblems,
  initSummary,
  nextSteps,
  type Topology,
} from "../init/generate.js";
import { InitWriteError, writeGeneratedFiles } from "../init/write-files.js";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { EXIT } from "./check-command.js";
import { choiceOption, cliError, durationOption, kubeVersionOption } from "./options.js";

const DEFAULT_OUT = "./fpm-graceful";

function countOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return Number(value);
}

/**
 * `fpm-graceful init`: writes a reference setup (manifests, configs, Dockerfile) whose values come from the
 * same model as `fix`; refuses to overwrite files unless `--force`. Generation is `src/init/generate.ts`;
 * this only parses argv, writes and prints.
 */
export function initCommand(): Command {
  return new Command("init")
    .description(
      "write a reference setup: php-fpm and nginx workloads, Services, PodDisruptionBudgets, configs and a Dockerfile that restart without failing a request",
    )
    .option(
      "--topology <topology>",
      "sidecar (nginx and php-fpm in one pod) or separate (an nginx Deployment in front of a php-fpm Service)",
      choiceOption(["sidecar", "separate"] as const),
      DEFAULT_INIT_OPTIONS.topology,
    )
    .option(
      "--propagation <duration>",
      `how long after deletion new connections may still arrive (default ${DEFAULT_ASSUMPTIONS.propagationSeconds}s)`,
      durationOption,
    )
    .option(
      "--max-request <duration>",
      `the longest request php-fpm must finish (default ${DEFAULT_INIT_OPTIONS.maxRequestSeconds}s)`,
      durationOption,
    )
    .option(
      "--kube-version <version>",
      `target Kubernetes version (default ${DEFAULT_INIT_OPTIONS.kubeVersion}): native preStop.sleep from 1.30, native sidecars from 1.29`,
      kubeVersionOption,
    )
    .option("--name <name>", "application name for the Deployments, Services and labels", "app")
    .option("--namespace <namespace>", "namespace of every object", "default")
    .option(
      "--image <image>",
      "the php-fpm image built from the generated Dockerfile (default registry.example.com/<name>:1.0)",
    )
    .option("--replicas <n>", "pods per Deployment", countOption, DEFAULT_INIT_OPTIONS.replicas)
    .option("--out-dir <dir>", "directory to write into", DEFAULT_OUT)
    .option("-o, --out <dir>", "deprecated spelling of --out-dir (-o names a file in every other command)")
    .option(
      "-f, --format <format>",
      "text, or json: the files written and the next steps",
      choiceOption(["text", "json"] as const),
      "text",
    )
    .option("--force", "overwrite files that already exist")
    .option(
      "--drain-hook",
      "php-fpm's preStop is the drain hook (docs/DRAIN.md): for an image whose stop signal or php-fpm config cannot be relied on",
    )
    .action(async (opts) => {
      const options: InitOptions = {
        topology: opts.topology as Topology,
        propagationSeconds: opts.propagation ?? DEFAULT_INIT_OPTIONS.propagationSeconds,
        maxRequestSeconds: opts.maxRequest ?? DEFAULT_INIT_OPTIONS.maxRequestSeconds,
        kubeVersion: opts.kubeVersion ?? DEFAULT_INIT_OPTIONS.kubeVersion,
        name: opts.name,
        ...(opts.drainHook ? { drainHook: true } : {}),
        namespace: opts.namespace,
        image: opts.image ?? `registry.example.com/${opts.name}:1.0`,
        replicas: opts.replicas,
      };
      const problems = initOptionProblems(options);
      if (problems.length > 0) {
        for (const problem of problems) cliError("init", problem);
        process.exitCode = EXIT.usage;
        return;
      }
      if (opts.out !== undefined)
        process.stderr.write(
          "fpm-graceful: init: -o/--out is deprecated: use --out-dir (the same directory)\n",
        );
      const out = (opts.out ?? opts.outDir) as string;
      let written: string[];
      try {
        written = await writeGeneratedFiles(out, generateInit(options), { force: opts.force === true });
      } catch (error) {
        if (!(error instanceof InitWriteError)) throw error;
        cliError(
          "init",
          error.code === "exists"
            ? `${error.file} already exists: nothing was written (--force overwrites it)`
            : error.message,
        );
        process.exitCode = EXIT.usage;
        return;
      }
      if (opts.format === "json") {
        const steps = nextSteps(options, out);
        process.stdout.write(
          `${JSON.stringify({ written, summary: initSummary(options), nextSteps: steps }, null, 2)}\n`,
        );
        process.exitCode = EXIT.ok;
        return;
      }
      const lines = [
        ...written.map((path) => `wrote ${path}`),
        "",
        initSummary(options),
        "",
        "Next steps:",
        ...nextSteps(options, out).map((step, i) => `  ${i + 1}. ${step}`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
      process.exitCode = EXIT.ok;
    });
}
