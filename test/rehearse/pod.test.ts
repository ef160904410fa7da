import assert from "node:assert/strict";
import { test } from "node:test";
import { NGINX_PORT } from "../../src/rehearse/configs.js";
import type { PodPlan } from "../../src/rehearse/plan.js";
import { Pod } from "../../src/rehearse/pod.js";
import { fetchOnce, makeContext, waitReady } from "./helpers.js";

const sidecarPod: PodPlan = {
  gracePeriodSeconds: 10,
  containers: [
    { name: "nginx", role: "nginx", stopSignal: "SIGQUIT", stopSignalSource: "image", pid1: "exec" },
    {
      name: "php",
      role: "fpm",
      stopSignal: "SIGQUIT",
      stopSignalSource: "image",
      pid1: "exec",
      maxChildren: 4,
    },
  ],
};

test("a pod runs nginx and php-fpm as PID 1 of their own namespaces on its own loopback address", async () => {
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "web-1", sidecarPod);
    await waitReady(pod);
    const res = await fetchOnce(`http://${pod.ip}:${NGINX_PORT}/?ms=100`);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as { pod: string; elapsedMs: number };
    assert.equal(body.pod, "web-1");
    assert.ok(body.elapsedMs >= 100);
    const post = await fetchOnce(`http://${pod.ip}:${NGINX_PORT}/?ms=0`, 5000, "POST");
    assert.equal(JSON.parse(post.body).method, "POST");
    for (const c of pod.containers) {
      const status = await import("node:fs/promises").then((fs) =>
        fs.readFile(`/proc/${c.process.pid1}/status`, "utf8"),
      );
      // NSpid: <host pid> 1 — PID 1 inside its namespace.
      assert.match(status, /NSpid:\s+\d+\s+1\n/);
    }
    const second = await Pod.start(ctx, "web-2", sidecarPod);
    await waitReady(second);
    assert.notEqual(second.ip, pod.ip);
    const res2 = await fetchOnce(`http://${second.ip}:${NGINX_PORT}/`);
    assert.equal(JSON.parse(res2.body).pod, "web-2");
  } finally {
    await ctx.registry.cleanup();
  }
});
