import type { FixTargets } from "../../advice/values.js";
import type { Edit, Fix, ManifestEdit } from "../../fix/types.js";
import type { ConfigSetting, Container, Workload } from "../../model/types.js";
import { graceEdits, manifest } from "./pod.js";

/** Edits of the image and php-fpm's config: STOPSIGNAL in a Dockerfile, `process_control_timeout` in `[global]`. */

/**
 * Where a fix adds php-fpm's `[global]` file: in the folder the image's php-fpm includes (the official
 * images' `/usr/local/etc/php-fpm.d`, Bitnami's, Lagoon's: the image table says, with its source). `zz-`
 * sorts last, so its `[global]` is read after the image's own files.
 */
function fpmGlobalFile(container: Container): string | undefined {
  const dir = container.imageFacts.fpmConfigDir?.value;
  return dir ? `${dir.replace(/\/$/, "")}/zz-graceful.conf` : undefined;
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
