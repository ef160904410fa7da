import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { connect } from "node:tls";
import jsonpatch from "fast-json-patch";
import { checkSources } from "../../src/engine/check.js";
import { DEFAULT_ASSUMPTIONS } from "../../src/model/types.js";
import { startWebhookServer } from "../../src/webhook/server.js";
import {
  decodePatch,
  FIXTURES,
  get,
  makeCertificate,
  post,
  REVIEW_CONFIG,
  rawExchange,
  readFixture,
  SecretVolume,
  startTestServer,
  type TestServer,
  waitFor,
} from "./helpers.js";

const STACK = /\bat .+:\d+:\d+|Error:\s/;

async function withServer(
  run: (t: TestServer) => Promise<void>,
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<void> {
  const t = await startTestServer(overrides);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

test("https: mutate answers a JSONPatch that, applied with fast-json-patch, leaves no error", () =>
  withServer(async (t) => {
    const body = await readFixture("seed-deployment.review.json");
    const request = body.request as { uid: string; object: Record<string, unknown> };
    const reply = await post(t, "/mutate", JSON.stringify(body));
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["content-type"], "application/json");
    assert.equal(reply.json?.apiVersion, "admission.k8s.io/v1");
    assert.equal(reply.json?.kind, "AdmissionReview");
    const response = reply.json?.response as Record<string, unknown>;
    assert.equal(response.uid, request.uid);
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, "JSONPatch");
    const patched = jsonpatch.applyPatch(
      structuredClone(request.object),
      decodePatch(response) as jsonpatch.Operation[],
      true,
      false,
    ).newDocument;
    const configMap = await readFile(`${FIXTURES}/app-php-fpm-configmap.yaml`, "utf8");
    const result = checkSources(
      [
        { path: "patched.json", kind: "kubernetes", text: JSON.stringify(patched) },
        { path: "configmap.yaml", kind: "kubernetes", text: configMap },
      ],
      { assumptions: DEFAULT_ASSUMPTIONS },
    );
    assert.deepEqual(
      result.findings.filter((f) => f.severity === "error"),
      [],
    );

    const plain = await readFixture("not-opted-in.review.json");
    const unchanged = await post(t, "/mutate", JSON.stringify(plain));
    assert.deepEqual(unchanged.json?.response, {
      uid: (plain.request as { uid: string }).uid,
      allowed: true,
    });

    const denied = await post(t, "/validate", JSON.stringify(plain));
    assert.equal((denied.json?.response as { allowed: boolean } | undefined)?.allowed, false);

    // One structured log line per review, with what happened.
    const line = t.logs.find((l) => l.msg === "request" && l.path === "/mutate" && l.patchOperations);
    assert.ok(line, JSON.stringify(t.logs));
    assert.equal(line.status, 200);
    assert.equal(line.kind, "Deployment");
    assert.equal(typeof line.durationMs, "number");
  }));

test("https: every bad input gets a clear 4xx (or an answer with a message), never a 500 or a stack", () =>
  withServer(
    async (t) => {
      const review = await readFixture("seed-deployment.review.json");
      const cases: [string, Promise<{ status: number; text: string }>, number, RegExp][] = [
        ["non-JSON", post(t, "/validate", "{not json"), 400, /not JSON/],
        [
          "wrong kind",
          post(t, "/validate", JSON.stringify({ ...review, kind: "Pod" })),
          400,
          /expected kind AdmissionReview/,
        ],
        [
          "wrong apiVersion",
          post(t, "/mutate", JSON.stringify({ ...review, apiVersion: "admission.k8s.io/v1beta1" })),
          400,
          /expected apiVersion admission.k8s.io\/v1/,
        ],
        [
          "no uid",
          post(
            t,
            "/mutate",
            JSON.stringify({ ...review, request: { ...(review.request as object), uid: undefined } }),
          ),
          400,
          /has no uid/,
        ],
        [
          "wrong content-type",
          post(t, "/validate", JSON.stringify(review), { "content-type": "text/plain" }),
          415,
          /application\/json/,
        ],
        ["unknown path", post(t, "/admit", JSON.stringify(review)), 404, /no such path/],
        ["wrong method", get(t, "/mutate"), 405, /GET is not allowed/],
        ["wrong method on metrics", post(t, "/metrics", "{}"), 405, /POST is not allowed/],
      ];
      for (const [what, reply, status, message] of cases) {
        const r = await reply;
        assert.equal(r.status, status, `${what}: ${r.text}`);
        assert.match(r.text, message, what);
        assert.doesNotMatch(r.text, STACK, what);
      }
      const noObject = await post(
        t,
        "/validate",
        JSON.stringify({ ...review, request: { ...(review.request as object), object: undefined } }),
      );
      assert.equal(noObject.status, 200);
      const answer = noObject.json?.response as { allowed: boolean; status: { message: string } };
      assert.equal(answer.allowed, true);
      assert.match(answer.status.message, /request.object is missing/);
      const allowHeader = await get(t, "/validate");
      assert.equal(allowHeader.headers.allow, "POST");

      // Over the size limit, declared: 413 before a byte of the body is read.
      const declared = await rawExchange(t, [
        {
          data: "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4194304\r\n\r\n",
        },
      ]);
      assert.match(declared, /^HTTP\/1.1 413 /);
      assert.match(declared, /larger than 1048576 bytes/);
      // Over the limit, chunked (no length to check first): 413 once the limit is passed.
      const chunk = Buffer.alloc(256 * 1024, "a");
      const chunked = await rawExchange(t, [
        {
          data: "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        },
        ...Array.from({ length: 6 }, () => ({
          data: Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]),
        })),
      ]);
      assert.match(chunked, /^HTTP\/1.1 413 /);
      // Slow client: headers, half a body, then nothing: 408 after the request timeout.
      const started = Date.now();
      const slow = await rawExchange(t, [
        {
          data: 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":',
        },
      ]);
      assert.match(slow, /^HTTP\/1.1 408 /);
      assert.ok(Date.now() - started < 4000, `408 came after ${Date.now() - started} ms`);
      // Malformed HTTP.
      assert.match(await rawExchange(t, [{ data: "BLAH\r\n\r\n" }]), /^HTTP\/1.1 400 /);

      // The server is still up and well.
      assert.equal((await get(t, "/healthz")).status, 200);
      const metrics = await get(t, "/metrics");
      assert.match(metrics.text, /fpm_graceful_webhook_requests_total\{path="\/validate",code="400"\} 2/);
      assert.match(metrics.text, /fpm_graceful_webhook_requests_total\{path="other",code="404"\} 1/);
      assert.match(metrics.text, /fpm_graceful_webhook_requests_total\{path="\/validate",code="413"\} 2/);
      assert.doesNotMatch(metrics.text, /code="500"/);
    },
    { maxBodyBytes: 1024 * 1024, requestTimeoutMs: 600, timeoutCheckMs: 100 },
  ));

test("https: /healthz, /readyz and Prometheus /metrics with requests, latency, patches and denials", () =>
  withServer(async (t) => {
    assert.deepEqual([(await get(t, "/healthz")).status, (await get(t, "/readyz")).status], [200, 200]);
    assert.equal((await get(t, "/readyz", "HEAD")).status, 200);
    await post(t, "/mutate", JSON.stringify(await readFixture("seed-deployment.review.json")));
    await post(t, "/validate", JSON.stringify(await readFixture("not-opted-in.review.json")));
    const metrics = await get(t, "/metrics");
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
    for (const line of [
      /^# TYPE fpm_graceful_webhook_requests_total counter$/m,
      /^fpm_graceful_webhook_requests_total\{path="\/mutate",code="200"\} 1$/m,
      /^# TYPE fpm_graceful_webhook_request_duration_seconds histogram$/m,
      /^fpm_graceful_webhook_request_duration_seconds_bucket\{le="\+Inf",path="\/mutate"\} 1$/m,
      /^fpm_graceful_webhook_request_duration_seconds_count\{path="\/validate"\} 1$/m,
      /^fpm_graceful_webhook_patches_total\{kind="Deployment"\} 1$/m,
      /^fpm_graceful_webhook_denials_total\{kind="Deployment"\} 1$/m,
      /^fpm_graceful_webhook_ready 1$/m,
    ])
      assert.match(metrics.text, line);
  }));

test("https: the certificate is reloaded when cert-manager swaps the Secret's files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-webhook-certs-"));
  const volume = new SecretVolume(join(dir, "volume"));
  const first = makeCertificate(dir, "first", "first");
  const second = makeCertificate(dir, "second", "second");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(volume.dir);
  await volume.publish(first);
  const logs: Record<string, unknown>[] = [];
  const server = await startWebhookServer({
    certFile: volume.cert,
    keyFile: volume.key,
    port: 0,
    host: "127.0.0.1",
    review: REVIEW_CONFIG,
    reloadDebounceMs: 50,
    log: (e) => logs.push(e),
  });
  const presented = () =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({
        host: "127.0.0.1",
        port: server.port,
        ca: [first.certPem, second.certPem],
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
    await volume.publish(second);
    await waitFor(async () => (await presented()) === "CN=second", 5000, "the new certificate");
    assert.equal(server.metrics.reloadCount("ok"), 1);
    // A broken pair (the key of another certificate) is refused; the previous one stays in use.
    const broken = { ...second, key: first.key };
    await volume.publish(broken);
    await waitFor(() => server.metrics.reloadCount("error") >= 1, 5000, "the refused reload");
    assert.equal(await presented(), "CN=second");
    assert.ok(logs.some((l) => l.msg === "certificate reloaded"));
    assert.ok(new X509Certificate(second.certPem).subject === "CN=second");
  } finally {
    await server.shutdown("test over");
    await rm(dir, { recursive: true, force: true });
  }
});

test("https: shutdown is not-ready at once, closes idle connections, and drains an in-flight review", () =>
  withServer(
    async (t) => {
      const body = JSON.stringify(await readFixture("seed-deployment.review.json"));
      const head = `POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      // A review whose body is still arriving when the shutdown starts.
      const inFlight = rawExchange(t, [
        { data: head + body.slice(0, 100) },
        { data: body.slice(100), delayMs: 600 },
      ]);
      // A readiness probe whose request has only begun is on an idle connection: closed, never a 200.
      const probe = rawExchange(t, [
        { data: "GET /readyz HTTP/1.1\r\nHost: localhost\r\n" },
        { data: "\r\n", delayMs: 600 },
      ]);
      await waitFor(() => t.server.metrics.inFlight === 1, 3000, "the review to be in flight");
      await new Promise((r) => setTimeout(r, 100));
      const shutdown = t.server.shutdown("SIGTERM");
      assert.equal(t.server.metrics.ready, false);
      assert.match(await t.server.metrics.render(), /^fpm_graceful_webhook_ready 0$/m);
      const reply = await inFlight;
      assert.match(reply, /^HTTP\/1.1 200 /);
      assert.match(reply, /\r\nConnection: close\r\n/i);
      assert.match(reply, /"uid":"5a3b2c1d-0001-4e5f-8a9b-0c1d2e3f4a5b"/);
      // Closed under it: the client sees an empty reply or a reset (ECONNRESET/EPIPE), never a 200.
      assert.doesNotMatch(await probe.catch((error: Error) => `closed: ${error.message}`), /^HTTP\/1.1 200 /);
      assert.deepEqual(await shutdown, { drained: true, abandoned: 0 });
      // Closed: new connections are refused.
      await assert.rejects(get(t, "/healthz"));
    },
    { drainTimeoutMs: 5000 },
  ));

test("https: a review that never completes is abandoned at the drain bound", () =>
  withServer(
    async (t) => {
      const stuck = rawExchange(
        t,
        [
          {
            data: "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
          },
        ],
        4000,
      );
      await waitFor(() => t.server.metrics.inFlight === 1, 3000, "the review to be in flight");
      const started = Date.now();
      assert.deepEqual(await t.server.shutdown("SIGTERM"), { drained: false, abandoned: 1 });
      assert.ok(Date.now() - started < 2000);
      await stuck;
    },
    { drainTimeoutMs: 300 },
  ));
