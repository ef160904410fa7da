import { type FixTargets, GRACE_MARGIN_SECONDS } from "../advice/values.js";
import { type DrainHookParams, drainHookCommand, drainHookMaxSeconds } from "../drain/hook.js";
import type { Edit, Fix, ManifestEdit } from "../fix/types.js";
import { processControlTimeout } from "../model/effective.js";
import { listenerOf } from "../model/listener.js";
import { execScript, targetsServer, userCommands } from "../model/shell.js";
import type { ConfigSetting, Container, Workload } from "../model/types.js";

/**
 * Builders of the edits that rules attach to findings, reaching the rules bound to a workload as their
 * context's `fixer` (`fixer.ts`). Each answers undefined when the place to change is
 * not among the inputs (an image with no Dockerfile, a workload from stdin for a file-only change): the
 * finding then says how to fix it by hand.
 */

/**
 * Where a fix adds php-fpm's `[global]` file: in the folder the image's php-fpm includes (the official
 * images' `/usr/local/etc/php-fpm.d`, Bitnami's, Lagoon's: the image table says, with its source). `zz-`
 * sorts last, so its `[global]` is read after the image's own files.
 */
function fpmGlobalFile(container: Container): string | undefined {
  const dir = container.imageFacts.fpmConfigDir?.value;
  return dir ? `${dir.replace(/\/$/, "")}/zz-graceful.conf` : undefined;
}

function manifest(
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
function graceEdits(workload: Workload, targets: FixTargets): Edit[] {
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

/**
 * A preStop that waits `seconds` before the stop signal: native `sleep` where the version has it, else
 * `exec: [sleep, N]`. A user's hook is never lost: one that only waits or signals the server (what the stop
 * signal then does) is replaced, and the description says what it drops; one that runs a command of its
 * own (`php artisan horizon:terminate`, a deregistration call) keeps it, the wait put in front; an
 * `httpGet` hook cannot carry a wait, and is left for a change by hand.
 */
export function preStopSleepFix(
  workload: Workload,
  container: Container,
  targets: FixTargets,
  seconds = targets.preStopSeconds,
  drainWhenNeeded = true,
): Fix | undefined {
  if (workload.kind === "Image") return undefined;
  // A wait alone leaves php-fpm's stop as hard as it was when nothing among the inputs can fix it.
  const why = drainWhenNeeded ? drainReason(workload, container, targets) : undefined;
  const drain = why ? drainHookFix(workload, container, targets, why) : undefined;
  if (drain) return drain;
  const hook = container.preStop;
  if (hook?.kind === "httpGet") return undefined;
  const path = [...container.path, "lifecycle", "preStop"];
  if (hook?.kind === "exec") {
    const own = userCommands(hook.script);
    if (own.length > 0) {
      // Its own commands and a kill of the server: which to keep is the user's call.
      if (hook.analysis.kills.some(targetsServer)) return undefined;
      const wait = seconds - hook.analysis.delaySeconds;
      if (wait <= 0) return undefined;
      const { shell } = execScript(hook.command);
      const command =
        shell === "none"
          ? ["/bin/sh", "-c", `sleep ${wait}; exec ${hook.command.map(shellQuote).join(" ")}`]
          : [hook.command[0] ?? "/bin/sh", hook.command[1] ?? "-c", `sleep ${wait}; ${hook.script}`];
      return {
        description: `${container.name}: preStop waits ${wait}s, then runs its own command as before (\`${own[0]}\`${own.length > 1 ? ", …" : ""})`,
        edits: [manifest(workload, [...path, "exec", "command"], command), ...graceEdits(workload, targets)],
      };
    }
  }
  const value = targets.nativeSleep
    ? { sleep: { seconds } }
    : { exec: { command: ["sleep", String(seconds)] } };
  const dropped =
    hook?.kind === "exec" && hook.analysis.kills.length > 0
      ? ` (replaces \`${hook.script}\`: the stop signal that follows the hook signals the server)`
      : "";
  return {
    description: `${container.name}: preStop ${targets.nativeSleep ? `sleep: {seconds: ${seconds}}` : `exec: [sleep, "${seconds}"]`}${dropped}`,
    edits: [manifest(workload, path, value), ...graceEdits(workload, targets)],
  };
}

/**
 * Why php-fpm needs the drain hook: its stop is not graceful (a stop signal other than SIGQUIT, or
 * process_control_timeout 0) and no edit among the inputs can change that (no Dockerfile to set
 * STOPSIGNAL, no config to hold a `[global]`). Undefined when a Dockerfile or config fix can do it, or when
 * the hook is already there.
 */
function drainReason(workload: Workload, container: Container, targets: FixTargets): string | undefined {
  if (container.role !== "fpm" || container.sidecar || drainsAlready(container)) return undefined;
  const signal = container.lifecycleStopSignal?.value ?? container.imageFacts.stopSignal.value;
  const unknown =
    container.imageFacts.stopSignal.loc === undefined && container.imageFacts.stopSignal.unknown;
  if (!container.lifecycleStopSignal && (signal !== "SIGQUIT" || unknown) && !stopSignalFix(container)) {
    return unknown
      ? `the image's stop signal is unknown and no Dockerfile among the inputs sets it`
      : `the image stops php-fpm with ${signal} and no Dockerfile among the inputs can change that`;
  }
  if (processControlTimeout(container).value <= 0 && !processControlTimeoutFix(workload, container, targets))
    return "no php-fpm config among the inputs can take a [global] process_control_timeout";
  return undefined;
}

function drainsAlready(container: Container): boolean {
  const hook = container.preStop;
  return hook?.kind === "exec" && hook.analysis.kills.some((k) => k.whenIdle) === true;
}

/**
 * The drain hook (src/drain/hook.ts) as php-fpm's preStop: wait the preStop delay, then until php-fpm has
 * no request in flight (at most the recommended process_control_timeout), SIGQUIT, wait for it to exit.
 * It needs neither STOPSIGNAL nor process_control_timeout; the grace period is raised to cover it. Not for
 * a listener the inputs do not show, nor over a hook that runs commands of its own.
 */
export function drainHookFix(
  workload: Workload,
  container: Container,
  targets: FixTargets,
  why: string,
): Fix | undefined {
  const hook = container.preStop;
  if (hook?.kind === "httpGet" || (hook?.kind === "exec" && userCommands(hook.script).length > 0))
    return undefined;
  const known = listenerOf(container);
  // The declared containerPort is only a claim; if it is wrong the hook finds nothing in flight and
  // degrades to "wait, then SIGQUIT", still no worse than without it. The description says so.
  const declared = container.ports[0];
  const listener =
    known.kind === "unknown" && declared !== undefined
      ? {
          kind: "tcp" as const,
          port: declared,
          loopbackOnly: false,
          because: `the declared containerPort ${declared} (assumed)`,
        }
      : known;
  if (
    listener.kind === "unknown" ||
    (listener.kind === "tcp" && !(listener.port >= 1 && listener.port <= 65535))
  )
    return undefined;
  const params: DrainHookParams = {
    propagationSeconds: targets.preStopSeconds,
    longestRequestSeconds: targets.processControlTimeoutSeconds,
    listen:
      listener.kind === "unix" ? { kind: "unix", path: listener.path } : { kind: "tcp", port: listener.port },
  };
  let command: string[];
  let grace: number;
  try {
    command = drainHookCommand(params);
    grace = Math.max(
      targets.gracePeriodSeconds,
      Math.ceil(drainHookMaxSeconds(params)) + GRACE_MARGIN_SECONDS,
    );
  } catch {
    // The generator refuses values out of range (a socket path it cannot quote, a bound over an hour): no hook.
    return undefined;
  }
  return {
    description: `${container.name}: preStop drain hook (waits ${params.propagationSeconds}s, then until no request is in flight on ${listener.kind === "unix" ? listener.path : `port ${listener.port}`}, at most ${params.longestRequestSeconds}s, then SIGQUIT and waits for php-fpm to exit; needs /bin/sh, sleep and /proc in the image; listener: ${listener.because}), because ${why}`,
    edits: [
      manifest(workload, [...container.path, "lifecycle", "preStop"], {
        exec: { command },
      }),
      ...graceEdits(workload, { ...targets, gracePeriodSeconds: grace }),
    ],
  };
}

/** The drain hook for php-fpm where nothing else among the inputs can make its stop graceful, else undefined. */
export function drainFixIfNeeded(
  workload: Workload,
  container: Container,
  targets: FixTargets,
): Fix | undefined {
  if (workload.kind === "Image") return undefined;
  const why = drainReason(workload, container, targets);
  return why ? drainHookFix(workload, container, targets, why) : undefined;
}

/** A word as `sh` reads it back unchanged. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The spelling a runtime parses: `QUIT` → `SIGQUIT`. */
function respelledSignal(value: string): string {
  return `SIG${value.toUpperCase().replace(/^SIG/, "")}`;
}

/** The Dockerfile's `STOPSIGNAL QUIT` respelt `STOPSIGNAL SIGQUIT` (not where the manifest's lifecycle decides). */
export function respellStopSignalFix(container: Container): Fix | undefined {
  const loc = container.imageFacts.stopSignal.loc;
  const file = container.imageFacts.dockerfile;
  if (!loc || loc.file !== file || container.lifecycleStopSignal) return undefined;
  const value = respelledSignal(String(container.imageFacts.stopSignal.value));
  return {
    description: `STOPSIGNAL ${value}`,
    edits: [{ kind: "text", file, line: loc.line, deleteLines: 1, insertLines: [`STOPSIGNAL ${value}`] }],
  };
}

/** `STOPSIGNAL SIGQUIT` in the container's Dockerfile: replaces an existing STOPSIGNAL, else follows FROM. */
export function stopSignalFix(container: Container): Fix | undefined {
  const file = container.imageFacts.dockerfile;
  if (!file) return undefined;
  const existing = container.imageFacts.stopSignal.loc;
  if (existing && existing.file === file) {
    return {
      description: "STOPSIGNAL SIGQUIT",
      edits: [
        { kind: "text", file, line: existing.line, deleteLines: 1, insertLines: ["STOPSIGNAL SIGQUIT"] },
      ],
    };
  }
  const from = container.imageFacts.dockerfileFromLine;
  if (from === undefined) return undefined;
  return {
    description: "STOPSIGNAL SIGQUIT after FROM",
    edits: [{ kind: "text", file, line: from + 1, deleteLines: 0, insertLines: ["STOPSIGNAL SIGQUIT"] }],
  };
}

function globalSection(seconds: number): string[] {
  return ["[global]", `process_control_timeout = ${seconds}s`];
}

/**
 * `process_control_timeout` in php-fpm's `[global]`: raised where it already stands, else appended in its
 * own `[global]` section to a php-fpm config that reaches the container (a mounted ConfigMap, a file), else
 * written by the Dockerfile into a php-fpm.d file of its own, replacing a RUN that wrote it to php.ini.
 */
export function processControlTimeoutFix(
  workload: Workload,
  container: Container,
  targets: FixTargets,
): Fix | undefined {
  const seconds = targets.processControlTimeoutSeconds;
  const description = `process_control_timeout = ${seconds}s in php-fpm's [global]`;
  const edits: Edit[] = [];
  const global = container.settings
    .filter((s) => s.key === "process_control_timeout" && s.scope === "fpm-global")
    .at(-1);
  if (global?.origin) {
    const edit = replaceSettingLine(global, `process_control_timeout = ${seconds}s`);
    if (!edit) return undefined;
    return { description, edits: [edit, ...graceEdits(workload, targets)] };
  }
  for (const ignored of container.settings.filter(
    (s) => s.key === "process_control_timeout" && s.scope !== "fpm-global",
  )) {
    const removal =
      ignored.origin?.kind === "dockerfile" ? undefined : replaceSettingLine(ignored, undefined, edits);
    if (removal && !edits.includes(removal)) edits.push(removal);
  }
  const removals = edits.length;
  const fpmConfig = container.configs.find(
    (c) => c.placement.startsWith("fpm") && c.origin.kind !== "dockerfile",
  );
  const runWriting = container.settings.find(
    (s) => s.key === "process_control_timeout" && s.origin?.kind === "dockerfile",
  );
  let merged = false;
  if (fpmConfig?.origin.kind === "configmap") {
    const origin = fpmConfig.origin;
    // A removal from this same text (a pool-section copy) must stay: build on it rather than on the original,
    // since of two `set`s of one key only the last would count.
    const removal = edits.find((e): e is ManifestEdit => sameConfigMapKey(e, origin));
    const text = typeof removal?.value === "string" ? removal.value : origin.text;
    const appended = `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}\n${globalSection(seconds).join("\n")}\n`;
    if (removal) {
      removal.value = appended;
      merged = true;
    } else {
      edits.push({
        kind: "manifest",
        file: origin.file,
        documentIndex: origin.documentIndex,
        path: origin.path,
        op: "set",
        value: appended,
      });
    }
  } else if (fpmConfig?.origin.kind === "file") {
    // Appended after the last line: a final newline ends that line, it does not start another.
    const { text } = fpmConfig.origin;
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    edits.push({
      kind: "text",
      file: fpmConfig.origin.file,
      line: lines + 1,
      deleteLines: 0,
      insertLines: ["", ...globalSection(seconds)],
    });
  } else if (container.imageFacts.dockerfile && fpmGlobalFile(container)) {
    const run = `RUN printf '[global]\\nprocess_control_timeout = ${seconds}s\\n' > ${fpmGlobalFile(container)}`;
    const origin = runWriting?.origin;
    if (origin?.kind === "dockerfile" && origin.soleCommand) {
      edits.push({
        kind: "text",
        file: origin.file,
        line: origin.lines[0],
        deleteLines: origin.lines[1] - origin.lines[0] + 1,
        insertLines: [run],
      });
    } else if (container.imageFacts.dockerfileFromLine !== undefined) {
      edits.push({
        kind: "text",
        file: container.imageFacts.dockerfile,
        line: container.imageFacts.dockerfileFromLine + 1,
        deleteLines: 0,
        insertLines: [run],
      });
    }
  } else if (workload.kind !== "Image" && fpmGlobalFile(container)) {
    edits.push(...configMapEdits(workload, container, seconds, fpmGlobalFile(container) as string));
  }
  if (edits.length === removals && !merged) return undefined;
  return { description, edits: [...edits, ...graceEdits(workload, targets)] };
}

/** A new ConfigMap with the `[global]` file, mounted into the official image's php-fpm.d by subPath. */
function configMapEdits(workload: Workload, container: Container, seconds: number, file: string): Edit[] {
  const name = `${workload.name}-fpm-graceful`;
  const volume = "fpm-graceful";
  return [
    {
      kind: "append-document",
      file: workload.loc.file,
      value: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: workload.namespace },
        data: { "zz-graceful.conf": `${globalSection(seconds).join("\n")}\n` },
      },
    },
    manifest(workload, [...workload.podSpecPath, "volumes"], { name: volume, configMap: { name } }, "append"),
    manifest(
      workload,
      [...container.path, "volumeMounts"],
      { name: volume, mountPath: file, subPath: "zz-graceful.conf" },
      "append",
    ),
  ];
}

/** Whether an edit sets the same ConfigMap key an origin names. */
function sameConfigMapKey(
  edit: Edit,
  origin: { file: string; documentIndex: number; path: (string | number)[] },
) {
  return (
    edit.kind === "manifest" &&
    edit.file === origin.file &&
    edit.documentIndex === origin.documentIndex &&
    edit.path.join("\0") === origin.path.join("\0")
  );
}

/**
 * The edit that replaces (or, with `line` undefined, removes) a setting's line. In a ConfigMap, an edit of
 * the same key among `earlier` is updated in place and returned, so several lines of one text all change.
 */
function replaceSettingLine(
  setting: ConfigSetting,
  line: string | undefined,
  earlier: Edit[] = [],
): Edit | undefined {
  const origin = setting.origin;
  if (!origin || origin.kind === "dockerfile") return undefined;
  if (origin.kind === "file") {
    return {
      kind: "text",
      file: origin.file,
      line: setting.loc.line,
      deleteLines: 1,
      insertLines: line === undefined ? [] : [line],
    };
  }
  // In a ConfigMap the setting is a line of the embedded text: find it by its key and value.
  const previous = earlier.find((e): e is ManifestEdit => sameConfigMapKey(e, origin));
  const lines = (typeof previous?.value === "string" ? previous.value : origin.text).split("\n");
  const index = lines.findIndex((l) =>
    new RegExp(`^\\s*${setting.key}\\s*=\\s*${escapeRegExp(setting.value)}\\b`).test(l),
  );
  if (index === -1) return undefined;
  if (line === undefined) lines.splice(index, 1);
  else lines[index] = line;
  if (previous) {
    previous.value = lines.join("\n");
    return previous;
  }
  return {
    kind: "manifest",
    file: origin.file,
    documentIndex: origin.documentIndex,
    path: origin.path,
    op: "set",
    value: lines.join("\n"),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
  const parts = script.split(/(&&|;|\n)/);
  const last = parts.at(-1) ?? "";
  parts[parts.length - 1] = last.replace(/^(\s*)/, "$1exec ");
  return {
    description: `${container.name}: exec the server from PID 1's script`,
    edits: [manifest(workload, [...container.path, "command", 2], parts.join(""))],
  };
}

/** Two fixes that only work together (a preStop without its kill, and the stop signal that replaces it). */
export function combine(...fixes: (Fix | undefined)[]): Fix | undefined {
  if (fixes.some((f) => f === undefined)) return undefined;
  const all = fixes as Fix[];
  return { description: all.map((f) => f.description).join("; "), edits: all.flatMap((f) => f.edits) };
}
