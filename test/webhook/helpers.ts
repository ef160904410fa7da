import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import type { ReviewConfig } from "../../src/webhook/review.js";
import {
  startWebhookServer,
  type WebhookServer,
  type WebhookServerOptions,
} from "../../src/webhook/server.js";

export const FIXTURES = "test/fixtures/webhook";

export async function readFixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURES, name), "utf8"));
}

export interface KeyPairFiles {
  cert: string;
  key: string;
  certPem: string;
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by openssl as an operator would: P-256 by
 * default, RSA 2048 with `algorithm: "rsa"`.
 */
export function makeCertificate(
  dir: string,
  name: string,
  cn = "localhost",
  algorithm: "ec" | "rsa" = "ec",
): KeyPairFiles {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const keyArgs =
    algorithm === "ec"
      ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
      : ["-newkey", "rsa:2048"];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      ...keyArgs,
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { cert, key, certPem: execFileSync("cat", [cert]).toString() };
}

/**
 * A Secret volume as the kubelet lays it out: `tls.crt -> ..data/tls.crt`, `..data -> ..<version>`, and an
 * update is a new version directory and an atomic rename of the `..data` symlink (what cert-manager's
 * rotation looks like from inside the pod).
 */
export class SecretVolume {
  private version = 0;
  constructor(readonly dir: string) {}
  get cert(): string {
    return join(this.dir, "tls.crt");
  }
  get key(): string {
    return join(this.dir, "tls.key");
  }
  async publish(pair: KeyPairFiles): Promise<void> {
    this.version++;
    const versionDir = join(this.dir, `..v${this.version}`);
    await mkdir(versionDir);
    await writeFile(join(versionDir, "tls.crt"), await readFile(pair.cert));
    await writeFile(join(versionDir, "tls.key"), await readFile(pair.key));
    await symlink(`..v${this.version}`, join(this.dir, "..data_tmp"));
    await rename(join(this.dir, "..data_tmp"), join(this.dir, "..data"));
    if (this.version === 1) {
      await symlink("..data/tls.crt", this.cert);
      await symlink("..data/tls.key", this.key);
    }
  }
}

export interface TestServer {
  server: WebhookServer;
  url: string;
  agent: Agent;
  logs: Record<string, unknown>[];
  ca: string[];
  close(): Promise<void>;
}

export const REVIEW_CONFIG: ReviewConfig = { assumptions: DEFAULT_ASSUMPTIONS, denyOn: "error" };

/** Starts the real HTTPS server on 127.0.0.1 with a fresh certificate; `close` always stops it. */
export async function startTestServer(overrides: Partial<WebhookServerOptions> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-"));
  const pair = makeCertificate(dir, "serving");
  const logs: Record<string, unknown>[] = [];
  const server = await startWebhookServer({
    certFile: pair.cert,
    keyFile: pair.key,
    port: 0,
    host: "127.0.0.1",
    review: REVIEW_CONFIG,
    log: (entry) => logs.push(entry),
    ...overrides,
  });
  const ca = [pair.certPem];
  const agent = new Agent({ connect: { ca } });
  return {
    server,
    url: `https://127.0.0.1:${server.port}`,
    agent,
    logs,
    ca,
    async close() {
      await Promise.race([server.shutdown("test over"), new Promise((r) => setTimeout(r, 3000))]);
      await agent.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What `post` and `get` need: a base URL and an agent that trusts the server's certificate. */
export type Target = Pick<TestServer, "url" | "agent">;

export async function post(
  t: Target,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{
  status: number;
  headers: Record<string, unknown>;
  json: Record<string, unknown> | undefined;
  text: string;
}> {
  const response = await request(`${t.url}${path}`, {
    method: "POST",
    headers,
    body,
    dispatcher: t.agent,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await response.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, json, text };
}

export async function get(
  t: Target,
  path: string,
  method = "GET",
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const response = await request(`${t.url}${path}`, { method: method as "GET", dispatcher: t.agent });
  return { status: response.statusCode, text: await response.body.text(), headers: response.headers };
}

/**
 * A raw TLS exchange for what a polite HTTP client would not do: headers without a body, a body cut in
 * two with a pause, a body over the limit. Resolves with everything the server sent before it closed
 * (or `timeoutMs` passed).
 */
export function rawExchange(
  t: TestServer,
  parts: { data: string | Buffer; delayMs?: number }[],
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: t.server.port, ca: t.ca, servername: "localhost" });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(), timeoutMs);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    socket.on("data", (d) => chunks.push(d));
    socket.on("close", finish);
    socket.on("error", (error) => (chunks.length > 0 ? finish() : done ? undefined : reject(error)));
    socket.once("secureConnect", async () => {
      for (const part of parts) {
        if (part.delayMs) await new Promise((r) => setTimeout(r, part.delayMs));
        if (done || socket.destroyed) return;
        socket.write(part.data);
      }
    });
  });
}

/** Polls a condition until it holds or `timeoutMs` passes (every loop in a test is bounded in time). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function decodePatch(response: Record<string, unknown>): unknown[] | undefined {
  const patch = response.patch;
  return typeof patch === "string" ? JSON.parse(Buffer.from(patch, "base64").toString("utf8")) : undefined;
}

/**
 * The seed Deployment's AdmissionReview with `containers` containers (each a small copy of the seed's
 * php-fpm container, named apart) and its own uid: the large object of issue 16, as the API server would
 * send it.
 */
export async function largeReview(containers: number, uid = `large-${containers}`): Promise<string> {
  const body = (await readFixture("seed-deployment.review.json")) as {
    request: { uid: string; object: { spec: { template: { spec: { containers: unknown[] } } } } };
  };
  body.request.uid = uid;
  body.request.object.spec.template.spec.containers = Array.from({ length: containers }, (_, i) => ({
    name: `php-${i}`,
    image: "php:8.2-fpm",
  }));
  return JSON.stringify(body);
}

/** Nearest-rank quantile of `values` (sorted here). */
export function quantileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

const WEBHOOK_COMMAND = fileURLToPath(new URL("../../src/cli/webhook-command.js", import.meta.url));
/** main.ts registers webhookCommand(); running the factory alone runs the real CLI in its own process. */
export const CLI_RUNNER = `const { webhookCommand } = await import(${JSON.stringify(WEBHOOK_COMMAND)});
await webhookCommand().exitOverride().parseAsync(process.argv.slice(1), { from: "user" });`;

export interface ServerProcess extends Target {
  child: ChildProcess;
  /** Every JSON line it logged so far. */
  lines(): Record<string, unknown>[];
  /** SIGTERM, then SIGKILL after 5 s; removes the certificate's directory. */
  close(): Promise<void>;
}

/**
 * `webhook serve` in a process of its own, as in its pod, on 127.0.0.1 with a fresh certificate: the
 * test's client load then shares no event loop with the server. `close` always stops it.
 */
export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-proc-"));
  const pair = makeCertificate(dir, "serving");
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      CLI_RUNNER,
      "serve",
      ...["--tls-cert", pair.cert, "--tls-key", pair.key, "--address", "127.0.0.1", "--port", "0"],
      ...args,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let stdout = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  const lines = () =>
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(kill);
    }
    await agent.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  const agent = new Agent({ connect: { ca: [pair.certPem] } });
  try {
    await waitFor(() => lines().some((l) => l.msg === "listening"), 15_000, "the server to listen");
  } catch (error) {
    await close();
    throw error;
  }
  const port = lines().find((l) => l.msg === "listening")?.port as number;
  return { child, url: `https://127.0.0.1:${port}`, agent, lines, close };
}
