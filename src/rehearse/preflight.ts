/**
 * Before a rehearsal starts its pods: nginx itself judges whether the user's own nginx files, made
 * runnable (`user-nginx.ts`), run here (`nginx -t`). Where they do, the plan keeps them and says what was
 * rewritten; where they do not (a module this nginx lacks, a directive of a newer nginx, a file among the
 * includes that is not among the inputs), the rehearsal's own nginx config runs, and the plan says why.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FPM_PORT, writeNginxConfig } from "./configs.js";
import type { ContainerPlan, RehearsalPlan } from "./plan.js";
import type { RunnableNginx } from "./user-nginx.js";

const TEST_TIMEOUT_MS = 10_000;

/**
 * The plan with each nginx container's `nginxConfigs` kept only where `nginx -t` accepts them, and a note
 * per container either way. Pure but for a temp dir and the `nginx -t` child.
 *
 * @example
 *   const checked = preflightUserNginx(plan, { nginx: "/usr/sbin/nginx", appDir });
 */
export function preflightUserNginx(
  plan: RehearsalPlan,
  options: { nginx: string; appDir: string },
): RehearsalPlan {
  const notes: string[] = [];
  const check = (container: ContainerPlan): ContainerPlan => {
    if (container.role !== "nginx" || !container.nginxConfigs) return container;
    const names = container.nginxConfigs.map((f) => f.destination ?? f.name).join(", ");
    const dir = mkdtempSync(join(tmpdir(), "fpm-graceful-nginx-t-"));
    try {
      const { shape, failure } = nginxTest(dir, container, options);
      if (failure === undefined && shape?.ok) {
        notes.push(
          `${container.name}: runs the user's nginx config (${names})`,
          ...shape.notes.map((n) => `${container.name}: ${n}`),
        );
        return container;
      }
      notes.push(
        `${container.name}: the user's nginx config (${names}) does not run here (${failure}); the rehearsal's own nginx config ran, with the FastCGI keep-alive the model read`,
      );
      const { nginxConfigs: _dropped, ...rest } = container;
      return rest;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const pod = { ...plan.pod, containers: plan.pod.containers.map(check) };
  const nginxPod = plan.nginxPod && { ...plan.nginxPod, containers: plan.nginxPod.containers.map(check) };
  return { ...plan, pod, ...(nginxPod ? { nginxPod } : {}), notes: [...plan.notes, ...notes] };
}

/**
 * `nginx -t` on the config the pod would write: the rewrite of the user's files (`shape`) and, when it or
 * nginx refuses them, why (`failure`; undefined when nginx accepts them).
 */
function nginxTest(
  dir: string,
  container: ContainerPlan,
  options: { nginx: string; appDir: string },
): { shape: RunnableNginx | undefined; failure: string | undefined } {
  const launch = writeNginxConfig({
    dir,
    podName: "preflight",
    ip: "127.0.0.1",
    nginx: options.nginx,
    appDir: options.appDir,
    fastcgiUpstream: `127.0.0.1:${FPM_PORT}`,
    container,
  });
  const shape = launch.userConfig;
  if (!shape?.ok) return { shape, failure: shape?.reason ?? "no user config" };
  const server = launch.argv.slice(launch.argv.indexOf(options.nginx));
  const run = spawnSync(server[0] ?? options.nginx, [...server.slice(1), "-t", "-q"], {
    encoding: "utf8",
    timeout: TEST_TIMEOUT_MS,
  });
  if (run.status === 0) return { shape, failure: undefined };
  let log = "";
  try {
    log = readFileSync(join(dir, "nginx-error.log"), "utf8");
  } catch {}
  const complaint = `${run.stderr}\n${log}`
    .split("\n")
    .find((line) => /\[(emerg|alert|crit)\]/.test(line))
    ?.replace(/^.*?\[(emerg|alert|crit)\] \d+#\d+: /, "")
    .replace(/^nginx: \[(emerg|alert|crit)\] /, "");
  return {
    shape,
    failure: `nginx -t: ${complaint ?? (run.error ? run.error.message : `exit ${run.status}`)}`,
  };
}
