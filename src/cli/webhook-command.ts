import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_ASSUMPTIONS } from "../model/types.js";
import { DEFAULT_MANIFEST_OPTIONS, renderManifests, webhookManifests } from "../webhook/manifests.js";
import {
  DEFAULT_MAX_BODY_BYTES,
  jsonLogLine,
  startWebhookServer,
  type WebhookServer,
} from "../webhook/server.js";
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

const DENY_ON = ["error", "warning", "info", "never"] as const;

function serveCommand(): Command {
  return new Command("serve")
    .description(
      "run the admission webhook over HTTPS: POST /mutate, POST /validate, /healthz, /readyz, /metrics",
    )
    .requiredOption("--tls-cert <file>", "PEM certificate (re-read when the file changes)")
    .requiredOption("--tls-key <file>", "PEM private key (re-read when the file changes)")
    .option("--port <port>", "port to listen on", portOption, 8443)
    .option("--address <address>", "address to bind", "0.0.0.0")
    .option(
      "--deny-on <severity>",
      "validate denies objects with findings at or above: error, warning, info, or never (only warns)",
      choiceOption(DENY_ON),
      "never",
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
    .option("--max-body <size>", "refuse larger requests with 413 (default 3MiB)", bytesOption)
    .option(
      "--request-timeout <duration>",
      "408 for requests not received within this (default 10s)",
      durationOption,
    )
    .option(
      "--drain-timeout <duration>",
      "on SIGTERM/SIGQUIT, wait this long for in-flight reviews (default 10s)",
      durationOption,
    )
    .action(async (opts) => {
      let server: WebhookServer;
      try {
        server = await startWebhookServer({
          certFile: opts.tlsCert,
          keyFile: opts.tlsKey,
          port: opts.port,
          host: opts.address,
          maxBodyBytes: opts.maxBody ?? DEFAULT_MAX_BODY_BYTES,
          requestTimeoutMs: (opts.requestTimeout ?? 10) * 1000,
          drainTimeoutMs: (opts.drainTimeout ?? 10) * 1000,
          review: {
            assumptions: {
              propagationSeconds: opts.propagation ?? DEFAULT_ASSUMPTIONS.propagationSeconds,
              maxRequestSeconds: opts.maxRequest ?? DEFAULT_ASSUMPTIONS.maxRequestSeconds,
              kubeVersion: opts.kubeVersion ?? DEFAULT_ASSUMPTIONS.kubeVersion,
            },
            denyOn: opts.denyOn,
            injectAll: opts.injectAll === true,
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
      "passed to the server: error, warning, info or never",
      choiceOption(DENY_ON),
      "never",
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
        denyOn: opts.denyOn,
        optIn: opts.optIn,
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
