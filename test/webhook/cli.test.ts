import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeCertificate, rawExchange, type TestServer, waitFor } from "./helpers.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const COMMAND = fileURLToPath(new URL("../../src/cli/webhook-command.js", import.meta.url));
// main.ts registers webhookCommand(); running the factory alone tests this file's wiring in a real process.
const RUNNER = `const { webhookCommand } = await import(${JSON.stringify(COMMAND)});
await webhookCommand().exitOverride().parseAsync(process.argv.slice(1), { from: "user" });`;

function runWebhook(args: string[]) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", RUNNER, ...args], {
    encoding: "utf8",
    timeout: 10_000,
  });
}

test("cli: webhook serve drains an in-flight review on SIGTERM, logs JSON lines, and exits 0", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-cli-"));
  let child: ChildProcess | undefined;
  try {
    const pair = makeCertificate(dir, "serving");
    child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        RUNNER,
        "serve",
        "--tls-cert",
        pair.cert,
        "--tls-key",
        pair.key,
        "--address",
        "127.0.0.1",
        "--port",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    const lines = () =>
      stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => lines().some((l) => l.msg === "listening"), 10_000, "the server to listen");
    const port = lines().find((l) => l.msg === "listening")?.port as number;
    const target = { server: { port }, ca: [pair.certPem] } as unknown as TestServer;
    const body = await readFile("test/fixtures/webhook/seed-deployment.review.json", "utf8");
    const head = `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const reply = rawExchange(target, [
      { data: head + body.slice(0, 50) },
      { data: body.slice(50), delayMs: 800 },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGTERM");
    const text = await reply;
    assert.match(text, /^HTTP\/1.1 200 /);
    assert.match(text, /Connection: close/i);
    assert.equal(await exited, 0);
    const messages = lines().map((l) => l.msg);
    assert.deepEqual(
      messages.filter((m) => m !== "request"),
      ["listening", "shutting down: not ready, draining", "drained"],
    );
    const request = lines().find((l) => l.msg === "request");
    assert.equal(request?.path, "/validate");
    assert.equal(request?.status, 200);
    assert.equal(typeof request?.time, "string");
  } finally {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
});

test("cli: webhook serve and manifests refuse bad usage clearly (exit 2, no stack)", async () => {
  const missing = runWebhook([
    "serve",
    "--tls-cert",
    "/nonexistent.crt",
    "--tls-key",
    "/nonexistent.key",
    "--port",
    "0",
  ]);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /cannot read \/nonexistent\.(crt|key): ENOENT/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const noCert = runWebhook(["serve"]);
  assert.notEqual(noCert.status, 0);
  assert.match(noCert.stderr, /required option '--tls-cert <file>'/);
  const badCa = runWebhook(["manifests", "--ca-bundle", "package.json"]);
  assert.equal(badCa.status, 2);
  assert.match(badCa.stderr, /--ca-bundle package.json: not a PEM certificate/);
  const both = runWebhook(["manifests", "--ca-bundle", "x.pem", "--cert-manager"]);
  assert.equal(both.status, 2);
  const printed = runWebhook(["manifests", "--namespace", "platform", "--failure-policy", "Fail"]);
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /kind: MutatingWebhookConfiguration/);
  assert.match(printed.stdout, /cert-manager.io\/inject-ca-from: platform\/fpm-graceful-webhook/);
  assert.match(printed.stdout, /failurePolicy: Fail/);
});

test("cli: --deny-on takes none (never kept as its alias), --on-error allow|deny; bad values are usage errors", () => {
  for (const word of ["none", "never"]) {
    const printed = runWebhook(["manifests", "--deny-on", word]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /- --deny-on=none\n/);
    assert.match(printed.stdout, /- --on-error=allow\n/);
  }
  const enforcing = runWebhook(["manifests", "--failure-policy", "Fail"]);
  assert.match(enforcing.stdout, /- --on-error=deny\n/, "Fail is enforced for unreviewable objects too");
  const told = runWebhook(["manifests", "--failure-policy", "Fail", "--on-error", "allow"]);
  assert.match(told.stdout, /- --on-error=allow\n/);
  for (const args of [
    ["serve", "--tls-cert", "c", "--tls-key", "k", "--on-error", "maybe"],
    ["serve", "--tls-cert", "c", "--tls-key", "k", "--deny-on", "sometimes"],
    ["serve", "--tls-cert", "c", "--tls-key", "k", "--max-containers", "0"],
    ["manifests", "--api-server-cidr", "10.0.0.0"],
  ]) {
    // Through main.ts, which turns commander's errors into exit 2.
    const refused = spawnSync(process.execPath, [MAIN, "webhook", ...args], {
      encoding: "utf8",
      timeout: 10_000,
    });
    assert.equal(refused.status, 2, `${args.join(" ")}: ${refused.stderr}`);
    assert.match(refused.stderr, /expected/);
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  }
});
