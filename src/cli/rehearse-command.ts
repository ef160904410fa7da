import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { buildModel } from "../model/build.js";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { planFromWorkload } from "../rehearse/from-model.js";
import {
  type RehearsalPlan,
  RehearseError,
  rehearse,
  renderHtml,
  renderJson,
  renderTable,
} from "../rehearse/index.js";
import { readInputs } from "../sources/files.js";
import { writeFileAtomic } from "../write.js";
import { EXIT } from "./check-command.js";
import { durationOption, kubeVersionOption } from "./options.js";
import { parseRehearseFlags, REHEARSE_DEFAULTS } from "./rehearse-options.js";

/** Strategies whose failed requests make `rehearse` exit 1: the ones that claim to be correct. */
const MUST_NOT_FAIL = /^(recommended|manifests)/;

/**
 * `fpm-graceful rehearse [PATH…]`: replays rolling restarts against real nginx and php-fpm under load.
 * Without a PATH it compares the built-in strategies; with one, the user's workloads are rehearsed as
 * written (`manifests`) next to what the tool recommends.
 */
export function rehearseCommand(): Command {
  return new Command("rehearse")
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
      "--propagation <duration>",
      `endpoint removal lands this long after deletion, e.g. 2s or 1500ms (default ${REHEARSE_DEFAULTS.propagationSeconds}s, as check's)`,
      durationOption,
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
      "--front <front>",
      `what sends traffic to the pods: l7 (an ingress: nginx as ingress-nginx configures it) or l4 (a kube-proxy Service) (default ${REHEARSE_DEFAULTS.front})`,
    )
    .option(
      "--topology <topology>",
      "separate (nginx Deployment in front of an fpm Service) or sidecar (one pod)",
    )
    .option(
      "--seed-stop-signal <signal>",
      "the seed strategy's image stop signal: SIGQUIT (official image) or SIGTERM",
    )
    .option("--kube-version <version>", "target Kubernetes version when reading manifests", kubeVersionOption)
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
    .action(async (paths: string[], opts) => {
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
      if (wantsManifests) {
        const plans = await manifestPlans(
          paths,
          opts.kubeVersion,
          options.propagationSeconds,
          opts.replicas ? options.replicas : undefined,
        );
        if (typeof plans === "string") return fail(plans);
        options.strategies = [...plans, ...options.strategies];
      }
      try {
        const result = await rehearse(options);
        const rendered = parsed.format === "json" ? renderJson(result) : renderTable(result);
        if (parsed.output) {
          await writeFileAtomic(parsed.output, rendered);
          process.stderr.write(`results written to ${parsed.output}\n`);
        } else process.stdout.write(rendered);
        if (parsed.report) {
          await writeFileAtomic(parsed.report, renderHtml(result));
          process.stderr.write(`report written to ${parsed.report}\n`);
        }
        const failing = result.strategies.filter((s) => MUST_NOT_FAIL.test(s.name) && s.failed > 0);
        // A stalled run measured another scenario: neither a pass nor a failure (exit 2, said in the output).
        process.exitCode = !result.valid ? EXIT.usage : failing.length > 0 ? EXIT.findings : EXIT.ok;
        if (!result.valid)
          process.stderr.write("fpm-graceful rehearse: the run stalled beyond its bound: results invalid\n");
      } catch (error) {
        if (error instanceof RehearseError) return fail(error.message);
        throw error;
      }
    });
}

function fail(message: string): void {
  process.stderr.write(`fpm-graceful rehearse: ${message}\n`);
  process.exitCode = EXIT.usage;
}

async function manifestPlans(
  paths: string[],
  kubeVersion: string | undefined,
  propagationSeconds: number,
  replicas: number | undefined,
): Promise<RehearsalPlan[] | string> {
  const { files, problems } = await readInputs(paths);
  const model = buildModel(files);
  const all = [...problems, ...model.problems];
  if (all.length > 0) return all.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n");
  const assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    propagationSeconds,
    kubeVersion: kubeVersion ?? DEFAULT_ASSUMPTIONS.kubeVersion,
  };
  const plans: RehearsalPlan[] = [];
  for (const workload of model.workloads.filter((w) => w.kind !== "Image")) {
    const plan = planFromWorkload(workload, assumptions, replicas ?? workload.replicas?.value ?? 3);
    if (plan) plans.push({ ...plan, name: `manifests:${workload.name}` });
  }
  if (plans.length === 0) return `no php-fpm workload in ${paths.join(", ")} to rehearse`;
  return plans;
}
