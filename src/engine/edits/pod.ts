import type { FixTargets } from "../../advice/values.js";
import type { Edit, Fix, ManifestEdit } from "../../fix/types.js";
import { lastCommandOf } from "../../model/shell.js";
import type { Container, Workload } from "../../model/types.js";

/**
 * Builders of the edits that rules attach to findings, reaching the rules bound to a workload as their
 * context's `fixer` (`../fixer.ts`). Each answers undefined when the place to change is not among the
 * inputs (an image with no Dockerfile, a workload from stdin for a file-only change): the finding then says
 * how to fix it by hand. This file: edits of the pod spec and the workload (grace period, probe, rollout,
 * budget, PID 1), and the helpers `php-fpm.ts` and `prestop.ts` build on.
 */

/** A manifest edit of the workload's own document at a key path. */
export function manifest(
  workload: Workload,
  path: (string | number)[],
  value: unknown,
  op: "set" | "append" = "set",
): ManifestEdit {
  return {
    kind: "manifest",
    file: workload.loc.file,
    documentIndex: workload.documentIndex,
    path,
    op,
    value,
  };
}

/** The grace period edit that keeps a longer preStop valid (the API rejects a sleep beyond the grace period). */
export function graceEdits(workload: Workload, targets: FixTargets): Edit[] {
  // A Dockerfile or config given alone has no pod spec to carry a grace period.
  if (workload.kind === "Image") return [];
  const current = workload.gracePeriodSeconds?.value;
  if (current !== undefined && current >= targets.gracePeriodSeconds) return [];
  if (current === undefined && targets.gracePeriodSeconds <= 30) return [];
  return [
    manifest(
      workload,
      [...workload.podSpecPath, "terminationGracePeriodSeconds"],
      targets.gracePeriodSeconds,
    ),
  ];
}

export function gracePeriodFix(workload: Workload, targets: FixTargets): Fix | undefined {
  const edits = graceEdits(workload, targets);
  return edits.length > 0
    ? { description: `terminationGracePeriodSeconds: ${targets.gracePeriodSeconds}`, edits }
    : undefined;
}

/** A tcpSocket readiness probe on the port the server really listens on (`model/listener.ts`). */
export function readinessProbeFix(workload: Workload, container: Container, port: number): Fix | undefined {
  return {
    description: `${container.name}: readinessProbe tcpSocket ${port}`,
    edits: [
      manifest(workload, [...container.path, "readinessProbe"], { tcpSocket: { port }, periodSeconds: 2 }),
    ],
  };
}

export function rollingUpdateFix(workload: Workload): Fix | undefined {
  if (workload.kind !== "Deployment") return undefined;
  return {
    description: "strategy RollingUpdate with maxSurge 1, maxUnavailable 0",
    edits: [
      manifest(workload, [...workload.objectPath, "spec", "strategy"], {
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      }),
    ],
  };
}

/**
 * Labels a chart or a controller changes on every upgrade: a PodDisruptionBudget selecting them would
 * match nothing after the next release.
 */
const VOLATILE_LABELS =
  /^(helm\.sh\/chart|chart|heritage|app\.kubernetes\.io\/version|app\.kubernetes\.io\/managed-by|pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name|version)$/;

/** A PodDisruptionBudget selecting what the workload's controller selects (`spec.selector`), never a release label. */
export function disruptionBudgetFix(workload: Workload): Fix | undefined {
  const selector =
    workload.selector ??
    Object.fromEntries(Object.entries(workload.podLabels).filter(([key]) => !VOLATILE_LABELS.test(key)));
  if (Object.keys(selector).length === 0) return undefined;
  return {
    description: `PodDisruptionBudget ${workload.name} with maxUnavailable 1`,
    edits: [
      {
        kind: "append-document",
        file: workload.loc.file,
        value: {
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          metadata: { name: workload.name, namespace: workload.namespace },
          spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
        },
      },
    ],
  };
}

/** `exec` before the last command of a `sh -c` script in the manifest, so the server becomes PID 1. */
export function pid1Fix(workload: Workload, container: Container): Fix | undefined {
  if (container.pid1.origin !== "manifest") return undefined;
  const [shell, flag, script] = container.command;
  if (!shell || flag !== "-c" || script === undefined) return undefined;
  // Read with its quotes: `nginx -g 'daemon off;'` is one command, and `exec` goes before it, not into it.
  const last = lastCommandOf(script);
  if (!last.plain || last.text === "") return undefined;
  const execed = `${script.slice(0, last.offset)}exec ${script.slice(last.offset)}`;
  return {
    description: `${container.name}: exec the server from PID 1's script`,
    edits: [manifest(workload, [...container.path, "command", 2], execed)],
  };
}

/** Two fixes that only work together (a preStop without its kill, and the stop signal that replaces it). */
export function combine(...fixes: (Fix | undefined)[]): Fix | undefined {
  if (fixes.some((f) => f === undefined)) return undefined;
  const all = fixes as Fix[];
  return { description: all.map((f) => f.description).join("; "), edits: all.flatMap((f) => f.edits) };
}
