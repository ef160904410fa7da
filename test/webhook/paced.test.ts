/**
 * The benchmark's open-model load generator (bench/paced.ts), against a real HTTPS server on loopback:
 * latency counts from each request's due time, so a server that answers late (or not at all) shows in
 * the figures instead of slowing the load down.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pacedLoad, quantile } from "../../bench/paced.js";
import { makeCertificate } from "./helpers.js";

let dir: string;
let server: Server;
let origin: string;
let ca: string;
/**
 * `/slow` answers after 50 ms, `/fail` with a 503, `/stall` holds its 20th request for 400 ms, `/never`
 * does not answer.
 */
let received = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fpm-graceful-paced-"));
  const pair = makeCertificate(dir, "paced");
  ca = pair.certPem;
  server = createServer(
    { cert: readFileSync(pair.cert), key: readFileSync(pair.key) },
    (request, response) => {
      const path = request.url ?? "/";
      if (path === "/healthz") return response.end("ok");
      received++;
      request.resume();
      if (path === "/fail") {
        response.statusCode = 503;
        return response.end();
      }
      if (path === "/never") return;
      const delay = path === "/slow" ? 50 : path === "/stall" && received === 20 ? 400 : 0;
      setTimeout(() => response.end("{}"), delay);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

test("paced load: sends rate × seconds requests on schedule, every one answered, latency at least the server's delay", async () => {
  received = 0;
  const r = await pacedLoad({
    origin,
    ca,
    path: "/slow",
    method: "POST",
    rate: 100,
    seconds: 1,
    body: () => "{}",
  });
  assert.equal(r.sent, 100);
  assert.equal(r.answered, 100);
  assert.equal(r.errors, 0);
  assert.equal(received, 100);
  assert.ok(r.latency.p50 >= 50, `p50 ${r.latency.p50} ms is below the server's 50 ms`);
  assert.ok(r.latency.p99 >= r.latency.p50 && r.latency.max >= r.latency.p99);
});

test("paced load: non-2xx answers are errors, not latencies", async () => {
  const r = await pacedLoad({ origin, ca, path: "/fail", method: "GET", rate: 50, seconds: 0.4 });
  assert.equal(r.sent, 20);
  assert.equal(r.errors, 20);
  assert.equal(r.answered, 0);
});

test("paced load: one stalled request does not slow the schedule (open model)", async () => {
  received = 0;
  const start = performance.now();
  const r = await pacedLoad({ origin, ca, path: "/stall", method: "GET", rate: 100, seconds: 1 });
  assert.equal(r.answered, 100);
  // The 20th request waited 400 ms; a closed loop would have held back the ones after it on its connection.
  assert.ok(r.latency.max >= 400, `max ${r.latency.max} ms`);
  assert.ok(r.latency.p90 < 200, `p90 ${r.latency.p90} ms: requests queued behind the stalled one`);
  assert.ok(performance.now() - start < 3000);
});

test("paced load: latency counts from the due time, so requests queued in the generator are charged", async () => {
  // One connection, a 50 ms server and a request due every 10 ms: each waits for the ones before it. Timed
  // from when it was written to the socket, every request would take 50 ms.
  const r = await pacedLoad({
    origin,
    ca,
    path: "/slow",
    method: "GET",
    rate: 100,
    seconds: 0.5,
    connections: 1,
  });
  assert.equal(r.answered, 50);
  assert.ok(
    r.latency.max > 1500,
    `max ${r.latency.max} ms: the 50th request is due at 490 ms, answered at ~2.5 s`,
  );
  assert.ok(r.sendLag.max < 500, `the generator itself was ${r.sendLag.max} ms late`);
});

test("paced load: unanswered requests time out from their due time, queued ones included, and the run ends", async () => {
  const start = performance.now();
  const r = await pacedLoad({
    origin,
    ca,
    path: "/never",
    method: "GET",
    rate: 50,
    seconds: 0.2,
    connections: 2,
    timeoutMs: 300,
  });
  assert.equal(r.sent, 10);
  assert.equal(r.timeouts, 10);
  assert.equal(r.errors, 10);
  assert.equal(r.answered, 0);
  assert.ok(performance.now() - start < 3000, "a stalled server held the run");
});

test("quantile: nearest rank", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(sorted, 0.5), 50);
  assert.equal(quantile(sorted, 0.99), 99);
  assert.equal(quantile(sorted, 1), 100);
  assert.equal(quantile([], 0.99), 0);
});
