import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { blockingProblems } from "../engine/check.js";
import { checkPaths } from "../index.js";
import { buildModel } from "../model/build.js";
import { type Assumptions, DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { planFromWorkload, unsafeContainerName } from "../rehearse/from-model.js";
import type { RehearsalPlan } from "../rehearse/index.js";
import { fmt } from "../timeline/timeline.js";
import { refuseInputAsOutput, WriteRefused, writeOutputFile } from "../write.js";
import { addModelOptions, EXIT, modelOptions } from "./check-command.js";
import { durationOption } from "./options.js";
import { parseRehearseFlags, REHEARSE_DEFAULTS } from "./rehearse-options.js";

/** Strategies whose failed requests make `rehearse` exit 1: the ones that claim to be correct. */
const MUST_NOT_FAIL = /^(recommended|manifests)/;

/**
 * `fpm-graceful rehearse [PATH…]`: replays rolling restarts against real nginx and php-fpm under load.
 * Without a PATH it compares the built-in strategies; with one, the user's workloads are rehearsed as
 * written (`manifests`) next to what the tool recommends.
 */
export function rehearseCommand(): Command {
  const command = new Command("rehearse")
    .description(
      "replay rolling restarts against real nginx + php-fpm under load and count every failed request",
    )
    .argument(
      "[paths...]",
      "manifests (and Dockerfiles, configs) to rehearse as written: the `manifests` strategy",
    )
    .option(
      "--strategy <list>",
      `comma-separated: naive, seed, recommended, manifests (default ${REHEARSE_DEFAULTS.strategy}; with a PATH: manifests,recommended)`,
    )
    .option(
      "--jitter <duration>",
      "extra per-connection delay before a client sees endpoint removal, e.g. 200ms (default 0)",
      durationOption,
    )
    .option(
      "--replicas <n>",
      `pods in the rolled Deployment (default ${REHEARSE_DEFAULTS.replicas}; manifests: their replicas)`,
    )
    .option("--restarts <n>", `rolling restarts per strategy (default ${REHEARSE_DEFAULTS.restarts})`)
    .option("--rps <n>", `requests per second, open model (default ${REHEARSE_DEFAULTS.rps})`)
    .option("--mix <mix>", `request durations, e.g. ${REHEARSE_DEFAULTS.mix}`)
    .option(
      "--shell <shell>",
      "override every image's /bin/sh for exec hooks: dash (Debian) or busybox (Alpine); default: each image's, as the model reads it",
    )
    .option(
      "--topology <topology>",
      "separate (nginx Deployment in front of an fpm Service) or sidecar (one pod)",
    )
    .option(
      "--seed-stop-signal <signal>",
      "the seed strategy's image stop signal: SIGQUIT (official image) or SIGTERM",
    )
    .option("-f, --format <format>", "text or json (default text)")
    .option("--json", "the same as --format json")
    .option("-o, --output <file>", "write the results to a file (atomically) instead of stdout")
    .option("--report <file>", "write a self-contained HTML report with the timeline picture")
    .option("--php-fpm <path>", "php-fpm binary (default /usr/sbin/php-fpm8.2)")
    .option("--nginx <path>", "nginx binary (default /usr/sbin/nginx)")
    .option(
      "--app <dir>",
      "your docroot instead of the bundled app (its front controller index.php gets the load)",
    )
    .option(
      "--dry-run",
      "with a PATH: print the plans and the model's assumptions read from it, run nothing",
    );
  return addModelOptions(command).action(async (paths: string[], opts) => {
    const requested = String(
      opts.strategy ?? (paths.length > 0 ? "manifests,recommended" : REHEARSE_DEFAULTS.strategy),
    )
      .split(",")
      .map((s) => s.trim());
    const wantsManifests = requested.includes("manifests");
    if (wantsManifests && paths.length === 0)
      return fail("--strategy manifests needs a PATH to read the manifests from");
    const builtIn = requested.filter((s) => s !== "manifests").join(",");
    const parsed = parseRehearseFlags({ ...opts, strategy: builtIn || "recommended" });
    if (!parsed.options) return fail(parsed.problems.join("\n"));
    const options = parsed.options;
    if (!builtIn) options.strategies = [];
    if (opts.app) {
      const app = resolve(opts.app);
      if (!existsSync(join(app, "index.php")))
        return fail(`--app ${opts.app}: no index.php in that directory`);
      options.appDir = app;
    }
    const inputs: string[] = [...paths];
    if (wantsManifests) {
      const read = await manifestPlans(paths, opts, opts.replicas ? options.replicas : undefined);
      if (typeof read === "string") return fail(read);
      inputs.push(...read.inputs);
      // The user's own assumptions (flags, else the config file) drive the whole rehearsal, as they drive check.
      options.propagationSeconds = read.assumptions.propagationSeconds;
      options.front = read.assumptions.front ?? DEFAULT_ASSUMPTIONS.front;
      options.strategies = [...read.plans, ...options.strategies];
      process.stderr.write(`${read.lines.join("\n")}\n`);
      if (opts.dryRun) {
        const nginx = options.nginx ?? "/usr/sbin/nginx";
        const { preflightUserNginx } = await import("../rehearse/preflight.js");
        const { DEFAULT_APP } = await import("../rehearse/index.js");
        for (const read_ of read.plans) {
          // nginx judges the user's nginx files here too, so the plan printed is the plan that would run.
          const plan = existsSync(nginx)
            ? preflightUserNginx(read_, { nginx, appDir: options.appDir ?? DEFAULT_APP })
            : read_;
          process.stdout.write(`${plan.name}: ${plan.description}\n`);
          for (const note of plan.notes) process.stdout.write(`  - ${note}\n`);
        }
        process.stdout.write(`${read.lines.join("\n")}\n`);
        process.exitCode = EXIT.ok;
        return;
      }
    } else if (opts.dryRun) return fail("--dry-run needs a PATH: it prints the plans read from it");
    // Loaded here: the rehearsal's load generator brings undici, which no other command needs at start-up.
    const { RehearseError, rehearse, renderHtml, renderJson, renderTable } = await import(
      "../rehearse/index.js"
    );
    try {
      // Refused before a run of minutes, not after it.
      for (const out of [parsed.output, parsed.report]) if (out) await refuseInputAsOutput(out, inputs);
      const result = await rehearse(options);
      const rendered = parsed.format === "json" ? renderJson(result) : renderTable(result);
      if (parsed.output) {
        await writeOutputFile(parsed.output, rendered, inputs);
        process.stderr.write(`results written to ${parsed.output}\n`);
      } else process.stdout.write(rendered);
      if (parsed.report) {
        await writeOutputFile(parsed.report, renderHtml(result), inputs);
        process.stderr.write(`report written to ${parsed.report}\n`);
      }
      const failing = result.strategies.filter((s) => MUST_NOT_FAIL.test(s.name) && s.failed > 0);
      // A stalled run measured another scenario: neither a pass nor a failure (exit 2, said in the output).
      process.exitCode = !result.valid ? EXIT.usage : failing.length > 0 ? EXIT.findings : EXIT.ok;
      if (!result.valid)
        process.stderr.write("fpm-graceful rehearse: the run stalled beyond its bound: results invalid\n");
    } catch (error) {
      if (error instanceof RehearseError || error instanceof WriteRefused) return fail(error.message);
      throw error;
    }
  });
}

function fail(message: string): void {
  process.stderr.write(`fpm-graceful rehearse: ${message}\n`);
  process.exitCode = EXIT.usage;
}

/**
 * The user's workloads as `check` reads them (`checkPaths`: `.fpm-graceful.yaml` or `--config`, `--dockerfile`,
 * `--max-request`, `--propagation`, `--kube-version`, `--front`), each made into a plan; and the model's
 * assumptions, in the words `check` prints them.
 */
async function manifestPlans(
  paths: string[],
  opts: Record<string, unknown>,
  replicas: number | undefined,
): Promise<{ plans: RehearsalPlan[]; assumptions: Assumptions; lines: string[]; inputs: string[] } | string> {
  const { result, files, checkOptions } = await checkPaths(paths, modelOptions(opts));
  const blocking = blockingProblems(result.problems);
  if (blocking.length > 0)
    return blocking.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n");
  const { assumptions } = checkOptions;
  const model = buildModel(files, checkOptions);
  const plans: RehearsalPlan[] = [];
  for (const workload of model.workloads.filter((w) => w.kind !== "Image")) {
    const unsafe = unsafeContainerName(workload);
    if (unsafe) return unsafe;
    const plan = planFromWorkload(workload, assumptions, replicas ?? workload.replicas?.value ?? 3);
    if (plan) plans.push({ ...plan, name: `manifests:${workload.name}` });
  }
  if (plans.length === 0) return `no php-fpm workload in ${paths.join(", ")} to rehearse`;
  const lines = [
    `model assumptions: propagation ${fmt(assumptions.propagationSeconds)}, longest request ${fmt(assumptions.maxRequestSeconds)}, Kubernetes ${assumptions.kubeVersion}, front ${assumptions.front ?? DEFAULT_ASSUMPTIONS.front}`,
  ];
  for (const w of result.workloads.filter((x) => plans.some((p) => p.description.startsWith(x.id)))) {
    lines.push(w.id, ...w.timeline.assumptions.map((a) => `  assumed: ${a}`));
  }
  return { plans, assumptions, lines, inputs: files.map((f) => f.path) };
}
