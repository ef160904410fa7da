/**
 * One table of the webhook's defaults (`src/webhook/defaults.ts`, issue 15): docs/WEBHOOK.md's "Defaults"
 * table and `webhook serve --help` must say what the code uses.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { bytesText, WEBHOOK_DEFAULTS as D } from "../../src/webhook/defaults.js";
import { CLI_RUNNER } from "./helpers.js";

/** Each documented row: the option as the doc names it, and the value the code has. */
const ROWS: [string, string][] = [
  ["`--port`", String(D.port)],
  ["`--deny-on`", D.denyOn],
  ["`--on-error`", D.onError],
  ["`--max-body`", bytesText(D.maxBodyBytes)],
  ["`--max-object`", bytesText(D.maxObjectBytes)],
  ["`--max-containers`", String(D.maxContainers)],
  ["`--review-timeout`", `${D.reviewTimeoutSeconds}s`],
  ["inline review", `${bytesText(D.inlineMaxBytes)}, ${D.inlineMaxContainers} containers`],
  ["queued reviews", String(D.maxQueuedReviews)],
  ["`--cache-size`", bytesText(D.cacheBytes)],
  ["`--max-connections`", String(D.maxConnections)],
  ["`--handshake-timeout`", `${D.handshakeTimeoutSeconds}s`],
  ["`--request-timeout`", `${D.requestTimeoutSeconds}s`],
  ["`--drain-timeout`", `${D.drainSeconds}s`],
  ["preStop (manifests)", `${D.preStopSeconds}s`],
  ["grace period (manifests)", `${D.graceSeconds}s`],
];

test("defaults: docs/WEBHOOK.md's table says what src/webhook/defaults.ts holds", async () => {
  const doc = await readFile("docs/WEBHOOK.md", "utf8");
  const table = doc.slice(doc.indexOf("## Defaults"));
  const documented = new Map(
    [...table.matchAll(/^\| (.+?) \| (.+?) \| .+ \|$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  for (const [option, value] of ROWS) assert.equal(documented.get(option), value, option);
  assert.equal(documented.size - 2, ROWS.length, "a row the test does not know (header and rule count two)");
});

test("defaults: webhook serve --help names the same defaults", () => {
  const help = spawnSync(process.execPath, ["--input-type=module", "-e", CLI_RUNNER, "serve", "--help"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const text = help.stdout.replace(/\s+/g, " ");
  for (const [option, value] of ROWS.filter(([o]) => o.startsWith("`--") && o !== "`--port`"))
    assert.match(text, new RegExp(`${option.replaceAll("`", "")} .*?\\(default ${value}\\)`), option);
});
