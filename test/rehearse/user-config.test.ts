/**
 * `rehearse PATH` reads the user's inputs as `check` does and runs their own php-fpm configuration: the
 * assumptions printed are check's, and a pool file made for the image (a unix socket, www-data, log paths of
 * the image) runs in a rehearsal pod with its own settings (pm, process_control_timeout) kept.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NGINX_PORT } from "../../src/rehearse/configs.js";
import { Pod } from "../../src/rehearse/pod.js";
import { runCli } from "../cli/run-cli.js";
import { fetchOnce, makeContext, repoRoot, waitReady } from "./helpers.js";

const fixture = (name: string) => join(repoRoot, "test/rehearse/fixtures", name);

test("rehearse PATH and check PATH print the same model assumptions for the same inputs", () => {
  for (const flags of [[], ["--max-request", "4s", "--propagation", "1500ms", "--front", "l4"]]) {
    const check = runCli(["check", fixture("two-sidecars.yaml"), ...flags]);
    const plan = runCli(["rehearse", fixture("two-sidecars.yaml"), "--dry-run", ...flags]);
    assert.equal(plan.status, 0, plan.stderr);
    const assumed = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.trim().startsWith("assumed:"))
        .map((l) => l.trim());
    assert.ok(assumed(check.stdout).length > 0);
    assert.deepEqual(assumed(plan.stdout), assumed(check.stdout));
    const timeline =
      /timeline: propagation ([^\s,]+), grace \S+, longest request ([^\s,]+), front (l4|l7)/.exec(
        check.stdout,
      );
    assert.ok(timeline);
    assert.match(plan.stdout, new RegExp(`propagation ${timeline[1]}, longest request ${timeline[2]}`));
    assert.equal(timeline[3], flags.length > 0 ? "l4" : "l7", "check states the front");
    assert.match(plan.stdout, new RegExp(`front ${timeline[3]}`));
  }
});

test("the user's php-fpm pool runs in the rehearsal pod: its settings kept, its image paths replaced", async () => {
  const ctx = makeContext();
  try {
    const pod = await Pod.start(ctx, "own-1", {
      gracePeriodSeconds: 10,
      containers: [
        { name: "nginx", role: "nginx", stopSignal: "SIGQUIT", stopSignalSource: "image", pid1: "exec" },
        {
          name: "php",
          role: "fpm",
          stopSignal: "SIGQUIT",
          stopSignalSource: "image",
          pid1: "exec",
          fpmConfigs: [
            {
              name: "user-0.conf",
              text: [
                "[global]",
                "process_control_timeout = 7s",
                "error_log = /proc/self/fd/2",
                "include = /usr/local/etc/php-fpm.d/*.conf",
                "[www]",
                "user = www-data",
                "listen = /run/php/php-fpm.sock",
                "access.log = /var/log/php-fpm/access.log",
                "pm = static",
                "pm.max_children = 3",
              ].join("\n"),
            },
          ],
        },
      ],
    });
    await waitReady(pod, 10_000);
    const res = await fetchOnce(`http://${pod.ip}:${NGINX_PORT}/?ms=10`);
    assert.equal(res.status, 200, res.body);
    const conf = readFileSync(join(pod.dir, "php", "php-fpm.conf"), "utf8");
    assert.match(conf, /^process_control_timeout = 7s$/m);
    assert.match(conf, /^pm\.max_children = 3$/m);
    assert.match(conf, /^; \(rehearsal\) listen = \/run\/php\/php-fpm\.sock$/m);
    // php-fpm itself says which settings it runs with.
    const workers = readFileSync(
      `/proc/${pod.containers[1]?.process.pid1}/task/${pod.containers[1]?.process.pid1}/children`,
      "utf8",
    )
      .trim()
      .split(/\s+/);
    assert.equal(workers.length, 3, `workers ${workers.join(" ")}`);
  } finally {
    await ctx.registry.cleanup();
  }
});
