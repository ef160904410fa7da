import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, STACK_TRACE } from "./run-cli.js";

/** Enough workloads that every command prints far more than a pipe holds (64 KiB on Linux). */
function manyWorkloads(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++)
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${i}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a${i}}}\n  template:\n    metadata: {labels: {app: a${i}}}\n    spec:\n      containers:\n        - name: php-fpm\n          image: php:8.2-fpm\n          lifecycle:\n            preStop: {exec: {command: [sh, -c, "sleep 10 && kill -SIGQUIT 1"]}}\n`,
    );
  return docs.join("---\n");
}

/** Runs the CLI, reads its first chunk of stdout and closes the pipe, as `| head -c N` does. */
function readFirstChunkThenClose(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not end within 60 s after its reader left`));
    }, 60_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test("closed pipe: every command whose output is cut off (| head) ends quietly, with its own exit code", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-pipe-"));
  try {
    await writeFile(join(dir, "app.yaml"), manyWorkloads(400));
    for (const args of [
      ["check", "app.yaml"],
      ["check", "--format", "json", "app.yaml"],
      ["timeline", "app.yaml"],
      ["fix", "--diff", "app.yaml"],
    ]) {
      const run = await readFirstChunkThenClose(args, dir);
      assert.doesNotMatch(run.stderr, STACK_TRACE, args.join(" "));
      assert.doesNotMatch(run.stderr, /EPIPE/, args.join(" "));
      assert.ok(run.code === 0 || run.code === 1, `${args.join(" ")}: exit ${run.code}\n${run.stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
