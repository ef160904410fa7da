/**
 * Helpers for the identity tests: inline manifests and the model built from inline files, as `check`
 * builds it (`buildModel` over `sourceFiles`).
 */
import { type BuildOptions, buildModel, type Model } from "../../src/model/build.js";
import type { Container } from "../../src/model/types.js";
import { type Files, sourceFiles } from "../rules/harness.js";

/** A Deployment `name` whose containers are `containers`, YAML written at the list's indentation (8 spaces). */
export function deployment(name: string, containers: string, extra = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  template:
    spec:
      containers:
${containers}${extra}`;
}

/** Builds the model from inline files, the files given in the order of `order` (default: as written). */
export function modelOf(files: Files, options: BuildOptions = {}, order?: string[]): Model {
  const paths = order ?? Object.keys(files);
  const ordered: Files = {};
  for (const path of paths) ordered[path] = files[path] as string;
  return buildModel(sourceFiles(ordered), options);
}

/** Every container of the model by `workload id/container name`. */
export function containersOf(model: Model): Map<string, Container> {
  const out = new Map<string, Container>();
  for (const w of model.workloads) for (const c of w.containers) out.set(`${w.id}/${c.name}`, c);
  return out;
}

/** The container `name` of the workload whose id ends in `/workload`. */
export function containerOf(model: Model, workload: string, name: string): Container {
  const w = model.workloads.find((x) => x.id.endsWith(`/${workload}`));
  const c = w?.containers.find((x) => x.name === name);
  if (!c) {
    throw new Error(
      `no container ${workload}/${name} in ${model.workloads.map((x) => `${x.id}[${x.containers.map((y) => y.name).join(",")}]`).join(" ")}`,
    );
  }
  return c;
}
