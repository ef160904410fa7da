import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { bytesText, WEBHOOK_DEFAULTS as D } from "../webhook/defaults.js";
import { DEFAULT_MANIFEST_OPTIONS, renderManifests, webhookManifests } from "../webhook/manifests.js";
import type { DenyOn, OnError } from "../webhook/review.js";
import type { WebhookServer } from "../webhook/server.js";
import { EXIT } from "./check-command.js";
import { bytesOption, choiceOption, durationOption, kubeVersionOption } from "./options.js";

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`expected a port number from 0 to 65535, got '${value}'`);
  return port;
}

function describeStartError(error: unknown, opts: { tlsCert: string; tlsKey: string; port: number }): string {
  const e = error as NodeJS.ErrnoException & { path?: string };
  if (e.code === "ENOENT" || e.code === "EACCES")
    return `cannot read ${e.path ?? "the certificate"}: ${e.code}`;
  if (e.code === "EADDRINUSE") return `port ${opts.port} is in use`;
  if (e.code === "EADDRNOTAVAIL") return "the address to bind is not on this machine";
  return e.message ?? String(error);
}

function namespaceOption(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value))
    throw new InvalidArgumentError(`expected a namespace name (a DNS label), got '${value}'`);
  return value;
}

/** `none` is the word `check --fail-on` uses; `never` is kept as its alias. */
const DENY_ON = ["error", "warning", "info", "none", "never"] as const;
const ON_ERROR = ["allow", "deny"] as const;

function denyOnOption(value: string): DenyOn {
  const choice = choiceOption(DENY_ON)(value);
  return choice === "never" ? "none" : choice;
}

function countOption(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return count;
}

const seconds = (s: number) => `${s}s`;

function cidrOption(value: string, previous: string[] = []): string[] {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/.exec(value);
  if (!m || !isIP(value.split("/")[0] ?? ""))
    throw new InvalidArgumentError(`expected a CIDR like 10.0.0.0/24, got '${value}'`);
  return [...previous, value];
}

function serveCommand(): Command {
  return new Command("serve")
    .description(
      "run the admission webhook over HTTPS: POST /mutate, POST /validate, /healthz, /readyz, /metrics",
    )
    .requiredOption("--tls-cert <file>", "PEM certificate (re-read when the file changes)")
    .requiredOption("--tls-key <file>", "PEM private key (re-read when the file changes)")
    .option("--port <port>", "port to listen on", portOption, D.port)
    .option("--address <address>", "address to bind", D.address)
    .option(
      "--deny-on <severity>",
      `validate denies objects with findings at or above: error, warning, info, or none (only warns; never is an alias) (default ${D.denyOn})`,
      denyOnOption,
    )
    .option(
      "--on-error <policy>",
      `objects that cannot be reviewed (over the budget, out of time, an internal error): validate allows or denies them; mutate always allows (default ${D.onError})`,
      choiceOption(ON_ERROR),
    )
    .option("--inject-all", "mutate every object that reaches /mutate, not only those opting in")
    .option(
      "--propagation <duration>",
      "endpoint propagation budget the fixes cover (default 5s)",
      durationOption,
    )
    .option("--max-request <duration>", "longest request when no config says (default 30s)", durationOption)
    .option(
      "--kube-version <version>",
      `the cluster's Kubernetes version (default ${DEFAULT_ASSUMPTIONS.kubeVersion})`,
      kubeVersionOption,
    )
    .option(
      "--max-body <size>",
      `refuse larger requests with 413 (default ${bytesText(D.maxBodyBytes)})`,
      bytesOption,
    )
    .option(
      "--max-object <size>",
      `answer larger reviews at once, unreviewed, per --on-error (default ${bytesText(D.maxObjectBytes)})`,
      bytesOption,
    )
    .option(
      "--max-containers <count>",
      `answer objects with more containers at once, unreviewed, per --on-error (default ${D.maxContainers})`,
      countOption,
    )
    .option(
      "--review-timeout <duration>",
      `stop a review that runs longer and answer per --on-error (default ${seconds(D.reviewTimeoutSeconds)})`,
      durationOption,
    )
    .option(
      "--workers <count>",
      "worker threads for large reviews (default: the CPU limit less one, at least 1)",
      countOption,
    )
    .option(
      "--cache-size <size>",
      `bytes of cached answers (default ${bytesText(D.cacheBytes)})`,
      bytesOption,
    )
    .option(
      "--max-connections <count>",
      `open connections at most (default ${D.maxConnections})`,
      countOption,
    )
    .option(
      "--handshake-timeout <duration>",
      `drop a TLS handshake not done within this (default ${seconds(D.handshakeTimeoutSeconds)})`,
      durationOption,
    )
    .option(
      "--request-timeout <duration>",
      `408 for requests not received within this (default ${seconds(D.requestTimeoutSeconds)})`,
      durationOption,
    )
    .option(
      "--drain-timeout <duration>",
      `on SIGTERM/SIGQUIT, wait this long for in-flight reviews (default ${seconds(D.drainSeconds)})`,
      durationOption,
    )
    .action(async (opts) => {
      // Loaded here: the server brings prom-client and piscina, which no other command needs at start-up.
      const { jsonLogLine, startWebhookServer } = await import("../webhook/server.js");
      let server: WebhookServer;
      try {
        server = await startWebhookServer({
          certFile: opts.tlsCert,
          keyFile: opts.tlsKey,
          port: opts.port,
          host: opts.address,
          maxBodyBytes: opts.maxBody ?? D.maxBodyBytes,
          requestTimeoutMs: (opts.requestTimeout ?? D.requestTimeoutSeconds) * 1000,
          drainTimeoutMs: (opts.drainTimeout ?? D.drainSeconds) * 1000,
          reviewTimeoutMs: (opts.reviewTimeout ?? D.reviewTimeoutSeconds) * 1000,
          handshakeTimeoutMs: (opts.handshakeTimeout ?? D.handshakeTimeoutSeconds) * 1000,
          maxConnections: opts.maxConnections ?? D.maxConnections,
          cacheBytes: opts.cacheSize ?? D.cacheBytes,
          ...(opts.workers ? { threads: opts.workers } : {}),
          review: {
            assumptions: {
              propagationSeconds: opts.propagation ?? DEFAULT_ASSUMPTIONS.propagationSeconds,
              maxRequestSeconds: opts.maxRequest ?? DEFAULT_ASSUMPTIONS.maxRequestSeconds,
              kubeVersion: opts.kubeVersion ?? DEFAULT_ASSUMPTIONS.kubeVersion,
            },
            denyOn: (opts.denyOn ?? D.denyOn) as DenyOn,
            onError: (opts.onError ?? D.onError) as OnError,
            injectAll: opts.injectAll === true,
            budget: {
              maxObjectBytes: opts.maxObject ?? D.maxObjectBytes,
              maxContainers: opts.maxContainers ?? D.maxContainers,
            },
          },
        });
      } catch (error) {
        // A missing or mismatched certificate, a port in use: the operator's to fix, not a crash.
        process.stderr.write(`fpm-graceful: webhook serve: ${describeStartError(error, opts)}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      // The kubelet sends the image's STOPSIGNAL (SIGTERM for node images); SIGQUIT is accepted as well,
      // SIGINT for a terminal. A second signal stops at once.
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          for (const s of ["SIGTERM", "SIGQUIT", "SIGINT"] as const) process.off(s, stop);
          for (const s of ["SIGTERM", "SIGQUIT", "SIGINT"] as const)
            process.once(s, () => {
              jsonLogLine({ level: "warn", msg: "second signal: exiting without draining", signal: s });
              process.exit(EXIT.findings);
            });
          void server.shutdown(signal).then(({ drained }) => {
            process.exitCode = drained ? EXIT.ok : EXIT.findings;
            resolve();
          });
        };
        for (const s of ["SIGTERM", "SIGQUIT", "SIGINT"] as const) process.on(s, stop);
      });
    });
}

function manifestsCommand(): Command {
  return new Command("manifests")
    .description("print the manifests that deploy the webhook (kubectl apply -f -)")
    .option(
      "--namespace <namespace>",
      "namespace of the webhook",
      namespaceOption,
      DEFAULT_MANIFEST_OPTIONS.namespace,
    )
    .option(
      "--image <image>",
      "the webhook's image (built from deploy/webhook/Dockerfile)",
      DEFAULT_MANIFEST_OPTIONS.image,
    )
    .option("--cert-manager", "issue the serving certificate with cert-manager (the default)")
    .option("--ca-bundle <file>", "PEM CA that signed the certificate in Secret fpm-graceful-webhook-tls")
    .option(
      "--failure-policy <policy>",
      "the validating webhook's failurePolicy (the mutating one is always Ignore)",
      choiceOption(["Ignore", "Fail"] as const),
      "Ignore",
    )
    .option(
      "--deny-on <severity>",
      `passed to the server: error, warning, info or none (never is an alias) (default ${DEFAULT_MANIFEST_OPTIONS.denyOn})`,
      denyOnOption,
    )
    .option(
      "--on-error <policy>",
      "passed to the server: allow or deny objects that cannot be reviewed (default: deny with --failure-policy Fail, else allow)",
      choiceOption(ON_ERROR),
    )
    .option(
      "--api-server-cidr <cidr>",
      "the NetworkPolicy admits the webhook's port only from this CIDR (repeat for more; default: any source)",
      cidrOption,
    )
    .option(
      "--opt-in <scope>",
      "object: objects labelled fpm-graceful.io/inject=true are mutated; namespace: all of labelled namespaces",
      choiceOption(["object", "namespace"] as const),
      "object",
    )
    .option("--kube-version <version>", "the cluster's Kubernetes version", kubeVersionOption, "1.33")
    .action(async (opts) => {
      if (opts.certManager && opts.caBundle) {
        process.stderr.write("fpm-graceful: --cert-manager and --ca-bundle exclude each other\n");
        process.exitCode = EXIT.usage;
        return;
      }
      let caBundlePem: string | undefined;
      if (opts.caBundle) {
        try {
          caBundlePem = await readFile(opts.caBundle, "utf8");
          new X509Certificate(caBundlePem);
        } catch (error) {
          const reason =
            (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a PEM certificate";
          process.stderr.write(`fpm-graceful: --ca-bundle ${opts.caBundle}: ${reason}\n`);
          process.exitCode = EXIT.usage;
          return;
        }
      }
      const manifests = webhookManifests({
        namespace: opts.namespace,
        image: opts.image,
        failurePolicy: opts.failurePolicy,
        denyOn: opts.denyOn ?? DEFAULT_MANIFEST_OPTIONS.denyOn,
        onError: opts.onError ?? (opts.failurePolicy === "Fail" ? "deny" : "allow"),
        optIn: opts.optIn,
        ...(opts.apiServerCidr ? { apiServerCidrs: opts.apiServerCidr } : {}),
        kubeVersion: opts.kubeVersion,
        ...(caBundlePem ? { caBundlePem } : {}),
      });
      process.stdout.write(renderManifests(manifests));
    });
}

/** `fpm-graceful webhook serve | manifests` (docs/WEBHOOK.md). */
export function webhookCommand(): Command {
  const command = new Command("webhook").description(
    "admission webhook that applies the fixes to pods and workloads, or warns and denies",
  );
  for (const sub of [serveCommand(), manifestsCommand()])
    command.addCommand(sub.exitOverride().showHelpAfterError("(run with --help for usage)"));
  return command;
}
