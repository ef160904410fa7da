import { stringify } from "yaml";
import { buildModel } from "../model/build.js";
import type { Workload } from "../model/types.js";
import type { SourceFile } from "../sources/files.js";
import type { Edit, ManifestEdit } from "./types.js";

/**
 * For rendered input (stdin from `helm template` or `kustomize build`) the source cannot be edited: this
 * turns a workload's manifest edits into a kustomize strategic-merge patch, with containers named (not
 * indexed) as the merge keys require.
 */
export function strategicMergePatch(workload: Workload, edits: ManifestEdit[]): string {
  const patch: Record<string, unknown> = {
    apiVersion:
      workload.kind === "Pod"
        ? "v1"
        : workload.kind === "CronJob" || workload.kind === "Job"
          ? "batch/v1"
          : "apps/v1",
    kind: workload.kind,
    metadata: { name: workload.name, namespace: workload.namespace },
  };
  for (const edit of edits) {
    const relative = edit.path.slice(workload.objectPath.length);
    let node: Record<string, unknown> = patch;
    for (let i = 0; i < relative.length - 1; i++) {
      const key = relative[i] as string | number;
      const next = relative[i + 1];
      if (typeof next === "number") {
        // A list item: containers, initContainers, volumes are merged by name.
        const list = (node[key] as Record<string, unknown>[] | undefined) ?? [];
        node[key] = list;
        const name = containerName(workload, [...workload.objectPath, ...relative.slice(0, i + 2)]);
        let item = list.find((x) => x.name === name);
        if (!item) {
          item = { name };
          list.push(item);
        }
        node = item;
        i++;
        continue;
      }
      node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
      node = node[key] as Record<string, unknown>;
    }
    const last = relative.at(-1);
    if (last === undefined) continue;
    node[last] = edit.op === "append" ? [...((node[last] as unknown[]) ?? []), edit.value] : edit.value;
  }
  return stringify(patch, { indent: 2, lineWidth: 0 });
}

function containerName(workload: Workload, path: (string | number)[]): string {
  const container = workload.containers.find((c) => JSON.stringify(c.path) === JSON.stringify(path));
  return container?.name ?? String(path.at(-1));
}

/**
 * For rendered input on stdin: one strategic-merge patch per workload that has manifest edits, each headed
 * by its Helm `# Source:` template, as the text `fix -` prints.
 */
export function renderedInputPatches(files: SourceFile[], edits: Edit[]): string {
  const model = buildModel(files);
  const parts = [
    "# Rendered input cannot be edited in place. Apply these as kustomize patches (patches: - path: …),",
    "# or make the same changes in the chart templates named in each `# Source:` line.",
  ];
  for (const workload of model.workloads) {
    // A List holds several workloads in one document: an edit belongs to the one its path starts in.
    const mine = edits.filter(
      (e): e is ManifestEdit =>
        e.kind === "manifest" &&
        e.documentIndex === workload.documentIndex &&
        workload.objectPath.every((key, i) => e.path[i] === key),
    );
    if (mine.length === 0) continue;
    parts.push("---");
    if (workload.loc.helmSource) parts.push(`# Source: ${workload.loc.helmSource}`);
    parts.push(strategicMergePatch(workload, mine).trimEnd());
  }
  return `${parts.join("\n")}\n`;
}
