import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { DEFAULT_INIT_OPTIONS, type InitOptions, type Topology } from "../../src/init/generate.js";

/** The setups every init test runs over: both topologies, before and after native sleep and native sidecars. */
export const KUBE_VERSIONS = ["1.28", "1.29", "1.30", "1.33"] as const;
export const TOPOLOGIES: readonly Topology[] = ["sidecar", "separate"];

export function setups(extra: Partial<InitOptions> = {}): InitOptions[] {
  return TOPOLOGIES.flatMap((topology) =>
    KUBE_VERSIONS.map((kubeVersion) => ({ ...DEFAULT_INIT_OPTIONS, topology, kubeVersion, ...extra })),
  );
}

export const label = (o: InitOptions) =>
  `${o.topology}, Kubernetes ${o.kubeVersion}, propagation ${o.propagationSeconds}s, longest request ${o.maxRequestSeconds}s`;

/** Every document of a YAML file as a plain object; a syntax error fails the test. */
export function yamlObjects(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

/** A fresh temporary directory, removed after `body`. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "fpm-graceful-init-"));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
