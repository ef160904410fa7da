import { listenerOf } from "../model/listener.js";
import type { Container, Workload } from "../model/types.js";
import { servesTraffic, servingContainers } from "./shared/helpers.js";
import type { Rule, Unknown } from "./types.js";

/** A pod is Ready only when every container is: nginx's HTTP probe, answered through php-fpm, covers it. */
function nginxProbesOverHttp(workload: Workload): boolean {
  return workload.containers.some((c) => c.role === "nginx" && c.readinessProbe?.kind === "httpGet");
}

/** Fronts other than nginx that answer PHP through php-fpm (argv.ts names them so). */
const HTTP_FRONT = /\b(Apache httpd|Caddy)\b/;

/**
 * Another container's httpGet readiness probe that may be answered through php-fpm: an Apache httpd or Caddy
 * in front covers it as nginx's does; a container whose program is unknown may be such a front (Wikimedia's
 * mediawiki chart probes its httpd sidecar's /healthz, "testing that apache + php-fpm are ready"), so the
 * finding rests on it. Exporters, workers and php-fpm itself are not fronts.
 */
function otherHttpProbe(workload: Workload): { covers: boolean; container: Container } | undefined {
  for (const c of workload.containers) {
    if (c.role !== "other" || c.readinessProbe?.kind !== "httpGet") continue;
    const reason = c.identity.evidence[0]?.reason;
    if (reason === undefined) return { covers: false, container: c };
    if (HTTP_FRONT.test(reason)) return { covers: true, container: c };
  }
  return undefined;
}

function unknownFront(front: Container, fpm: Container): Unknown {
  return {
    fact: `what ${front.name} runs is unknown, and its httpGet readiness probe may be answered through php-fpm (as an Apache httpd or Caddy front's is): taken not to be`,
    settle: `if ${front.name} is a front whose probe passes through php-fpm, the pod is not Ready before php-fpm is: say so with \`fpm-graceful.io/ignore.${fpm.name}: readiness-probe-missing: ${front.name}'s probe goes through php-fpm\``,
  };
}

/**
 * Without a readiness probe, a new pod gets traffic before php-fpm or nginx listens. The probe the fix
 * adds targets what the server really listens on (`model/listener.ts`); where that is a unix socket, a
 * loopback address the kubelet cannot reach, or unknown, no probe is invented.
 */
export const rule: Rule = {
  meta: {
    id: "readiness-probe-missing",
    severity: "warning",
    fixable: true,
    description:
      "A serving container has no readiness probe, so new pods get traffic before they can answer it.",
    messages: {
      default:
        "{{container}} has no readinessProbe: during a rollout the new pod is added to the endpoints as soon as it starts, before {{server}} listens, and its first connections are refused.",
      byHand:
        "{{container}} has no readinessProbe: during a rollout the new pod is added to the endpoints as soon as it starts, before {{server}} listens, and its first connections are refused. A tcpSocket probe cannot be written for it: {{listener}}.",
    },
    fix: {
      default:
        "Add `readinessProbe: {tcpSocket: {port: {{port}}}, periodSeconds: 2}` ({{listener}}), or an httpGet on a cheap page.",
      byHand:
        "Add a readiness probe by hand: an httpGet through nginx on a cheap PHP page covers php-fpm too; for php-fpm alone, an exec probe such as `cgi-fcgi -bind -connect {{address}}` (needs libfcgi in the image).",
    },
  },
  check(context) {
    if (!servesTraffic(context.workload)) return;
    for (const container of servingContainers(context.workload)) {
      if (container.readinessProbe) continue;
      if (container.role === "fpm" && nginxProbesOverHttp(context.workload)) continue;
      const front = container.role === "fpm" ? otherHttpProbe(context.workload) : undefined;
      if (front?.covers) continue;
      const listener = listenerOf(container);
      const probe = listener.kind === "tcp" && !listener.loopbackOnly;
      const why =
        listener.kind === "unix"
          ? `it listens on the unix socket ${listener.path} (${listener.because})`
          : listener.kind === "tcp"
            ? probe
              ? listener.because
              : `it listens on loopback only (${listener.because}), which the kubelet's probe, sent to the pod IP, cannot reach`
            : `where it listens is unknown (${listener.because})`;
      context.report({
        messageId: probe ? "default" : "byHand",
        container,
        restsOn: [front ? unknownFront(front.container, container) : undefined],
        fix:
          probe && listener.kind === "tcp"
            ? context.fixer.readinessProbe(container, listener.port)
            : undefined,
        loc: container.loc,
        data: {
          container: container.name,
          server: container.role === "fpm" ? "php-fpm" : "nginx",
          port: listener.kind === "tcp" ? listener.port : "",
          listener: why,
          address:
            listener.kind === "unix"
              ? listener.path
              : listener.kind === "tcp"
                ? `127.0.0.1:${listener.port}`
                : "ADDRESS",
        },
      });
    }
  },
};
