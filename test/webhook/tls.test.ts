/**
 * What needs real sockets (issue 16): a certificate and key that are not a pair are refused at start and
 * on reload (an RSA certificate with an EC key passed Node's own check, was "reloaded", and then every
 * handshake failed); idle raw connections are dropped at the handshake timeout; connections beyond the
 * cap are closed at once; /metrics has every metric name, through prom-client, with process metrics.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { connect as connectTcp, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { connect } from "node:tls";
import { readKeyPair } from "../../src/webhook/certificates.js";
import { startWebhookServer } from "../../src/webhook/server.js";
import {
  get,
  makeCertificate,
  post,
  REVIEW_CONFIG,
  readFixture,
  SecretVolume,
  startTestServer,
  waitFor,
} from "./helpers.js";

test("certificates: an RSA certificate with an EC key (or another EC key) is refused at start, naming both files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-pair-"));
  try {
    const rsa = makeCertificate(dir, "rsa", "rsa", "rsa");
    const ec = makeCertificate(dir, "ec", "ec");
    const otherEc = makeCertificate(dir, "other", "other");
    await assert.rejects(readKeyPair(rsa.cert, ec.key), (error: Error) => {
      assert.match(error.message, /rsa\.crt and .*ec\.key are not a usable certificate and key/);
      assert.match(error.message, /an rsa certificate with an ec key/);
      return true;
    });
    await assert.rejects(readKeyPair(ec.cert, otherEc.key), /both ec, different keys/);
    await assert.rejects(
      startWebhookServer({
        certFile: rsa.cert,
        keyFile: ec.key,
        port: 0,
        host: "127.0.0.1",
        review: REVIEW_CONFIG,
        threads: 0,
        log: () => {},
      }),
      /not the certificate's/,
    );
    assert.deepEqual(Object.keys(await readKeyPair(rsa.cert, rsa.key)), ["cert", "key"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("certificates: a reload to an RSA certificate with an EC key keeps the old pair, logs and counts it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-reload-"));
  const volume = new SecretVolume(join(dir, "volume"));
  const first = makeCertificate(dir, "first", "first");
  const rsa = makeCertificate(dir, "rsa", "rsa", "rsa");
  await mkdir(volume.dir);
  await volume.publish(first);
  const logs: Record<string, unknown>[] = [];
  const server = await startWebhookServer({
    certFile: volume.cert,
    keyFile: volume.key,
    port: 0,
    host: "127.0.0.1",
    review: REVIEW_CONFIG,
    threads: 0,
    reloadDebounceMs: 50,
    log: (e) => logs.push(e),
  });
  const presented = () =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({
        host: "127.0.0.1",
        port: server.port,
        ca: [first.certPem],
        servername: "localhost",
      });
      socket.once("secureConnect", () => {
        resolve(socket.getPeerX509Certificate()?.subject ?? "");
        socket.destroy();
      });
      socket.once("error", reject);
    });
  try {
    assert.equal(await presented(), "CN=first");
    await volume.publish({ ...rsa, key: first.key });
    await waitFor(() => server.metrics.reloadCount("error") >= 1, 5000, "the refused reload");
    assert.equal(server.metrics.reloadCount("ok"), 0);
    const warning = logs.find((l) => l.msg === "certificate not reloaded, keeping the previous one");
    assert.match(String(warning?.error), /an rsa certificate with an ec key/);
    // Handshakes still work with the first pair.
    assert.equal(await presented(), "CN=first");
    assert.match(await server.metrics.render(), /certificate_reloads_total\{result="error"\} [1-9]/);
  } finally {
    await server.shutdown("test over");
    await rm(dir, { recursive: true, force: true });
  }
});

/** Opens a raw TCP connection and resolves when it is closed by the server (or after `timeoutMs`). */
function rawConnection(
  port: number,
  timeoutMs: number,
): Promise<{ closedAfterMs: number | undefined; socket: Socket }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connectTcp({ host: "127.0.0.1", port });
    const timer = setTimeout(() => resolve({ closedAfterMs: undefined, socket }), timeoutMs);
    socket.on("error", () => {});
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: performance.now() - started, socket });
    });
  });
}

test("connections: a raw connection that never handshakes is dropped at the handshake timeout", async () => {
  const t = await startTestServer({ handshakeTimeoutMs: 300, threads: 0 });
  try {
    const idle = await Promise.all(Array.from({ length: 5 }, () => rawConnection(t.server.port, 5000)));
    for (const { closedAfterMs } of idle) {
      assert.ok(
        closedAfterMs !== undefined,
        "an idle connection was kept past 5 s (Node's default is 120 s)",
      );
      assert.ok(closedAfterMs < 4000);
    }
    assert.equal((await get(t, "/healthz")).status, 200);
  } finally {
    await t.close();
  }
});

test("connections: beyond --max-connections new ones are closed at once, counted, and the server still answers", async () => {
  const t = await startTestServer({ maxConnections: 4, threads: 0 });
  const held: Socket[] = [];
  try {
    const attempts = await Promise.all(Array.from({ length: 10 }, () => rawConnection(t.server.port, 1500)));
    const closedAtOnce = attempts.filter((a) => a.closedAfterMs !== undefined);
    for (const a of attempts) held.push(a.socket);
    assert.ok(closedAtOnce.length >= 6, `${closedAtOnce.length} of 10 closed`);
    assert.match(await t.server.metrics.render(), /connections_dropped_total [6-9]/);
    for (const socket of held) socket.destroy();
    await waitFor(
      async () => (await get(t, "/healthz").catch(() => ({ status: 0 }))).status === 200,
      5000,
      "an answer",
    );
  } finally {
    for (const socket of held) socket.destroy();
    await t.close();
  }
});

test("metrics: every metric name of the webhook, through prom-client, with the process metrics", async () => {
  const t = await startTestServer({ threads: 0 });
  try {
    await post(t, "/mutate", JSON.stringify(await readFixture("seed-deployment.review.json")));
    await post(t, "/validate", JSON.stringify(await readFixture("not-opted-in.review.json")));
    const metrics = await get(t, "/metrics");
    const types = new Map(
      [...metrics.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    for (const [name, type] of [
      ["fpm_graceful_webhook_requests_total", "counter"],
      ["fpm_graceful_webhook_request_duration_seconds", "histogram"],
      ["fpm_graceful_webhook_reviews_total", "counter"],
      ["fpm_graceful_webhook_patches_total", "counter"],
      ["fpm_graceful_webhook_denials_total", "counter"],
      ["fpm_graceful_webhook_certificate_reloads_total", "counter"],
      ["fpm_graceful_webhook_in_flight_requests", "gauge"],
      ["fpm_graceful_webhook_ready", "gauge"],
      ["fpm_graceful_webhook_review_cache_hits_total", "counter"],
      ["fpm_graceful_webhook_review_cache_misses_total", "counter"],
      ["fpm_graceful_webhook_review_cache_entries", "gauge"],
      ["fpm_graceful_webhook_review_cache_bytes", "gauge"],
      ["fpm_graceful_webhook_connections_dropped_total", "counter"],
      // prom-client's default process metrics.
      ["process_cpu_seconds_total", "counter"],
      ["process_resident_memory_bytes", "gauge"],
      ["nodejs_heap_size_used_bytes", "gauge"],
      ["nodejs_eventloop_lag_seconds", "gauge"],
    ] as const)
      assert.equal(types.get(name), type, name);
    assert.match(metrics.text, /^fpm_graceful_webhook_review_cache_misses_total 2$/m);
  } finally {
    await t.close();
  }
});
