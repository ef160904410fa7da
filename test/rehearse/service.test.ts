import assert from "node:assert/strict";
import { connect, createServer, type Server } from "node:net";
import { test } from "node:test";
import { Recorder, sleep } from "../../src/rehearse/events.js";
import { Service } from "../../src/rehearse/service.js";

async function echoServer(host: string, name: string): Promise<Server> {
  const server = createServer((socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen({ host, port: 7070 }, resolve));
  return server;
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("data", (d: Buffer) => {
      data += d.toString();
    });
    socket.on("close", () => resolve(data || "closed-empty"));
    socket.on("error", () => resolve("error"));
  });
}

test("the Service balances over ready endpoints; a removal takes effect only after the propagation delay", async () => {
  const a = await echoServer("127.254.9.2", "a");
  const b = await echoServer("127.254.9.3", "b");
  const service = new Service({ name: "svc", propagationMs: 400, recorder: new Recorder() });
  try {
    await service.listen();
    service.setReady("a", "127.254.9.2", 7070, true);
    service.setReady("b", "127.254.9.3", 7070, true);
    assert.equal(await ask(service.port), "error", "an endpoint is not visible before propagation");
    await sleep(450);
    const answers = new Set([await ask(service.port), await ask(service.port)]);
    assert.deepEqual([...answers].sort(), ["a", "b"]);
    service.setReady("a", "127.254.9.2", 7070, false);
    const early = new Set<string>();
    for (let i = 0; i < 4; i++) early.add(await ask(service.port));
    assert.ok(early.has("a"), "removed endpoint still gets connections during propagation");
    await sleep(450);
    for (let i = 0; i < 4; i++) assert.equal(await ask(service.port), "b");
    b.close();
    await sleep(50);
    assert.equal(await ask(service.port), "error", "a refused upstream is a reset");
    assert.ok(service.connections.some((c) => c.outcome === "refused"));
  } finally {
    await service.close();
    a.close();
    b.close();
  }
});
