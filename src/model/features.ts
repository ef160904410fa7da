import { memoized } from "./memo.js";

/**
 * The Kubernetes features the model and its advice depend on, with the version that has them on by
 * default (or, for an alpha, at all) and where that is said. One table: every rule, fix, `init`, the
 * webhook and the rehearsal ask it, so a version is never written twice.
 */
export const FEATURES = {
  /** `lifecycle.preStop.sleep`: alpha 1.29, beta and on by default 1.30, GA 1.34 (KEP-3960). */
  preStopSleep: {
    version: "1.30",
    source: "KEP-3960 (PodLifecycleSleepAction: beta, on by default, in 1.30)",
  },
  /** `lifecycle.stopSignal`: alpha in 1.33 behind the ContainerStopSignals gate, needs `spec.os.name` (KEP-4960). */
  lifecycleStopSignal: {
    version: "1.33",
    source: "KEP-4960 (ContainerStopSignals: alpha, feature-gated, in 1.33)",
  },
  /** Init containers with `restartPolicy: Always` (native sidecars): beta and on by default 1.29, GA 1.33 (KEP-753). */
  nativeSidecars: { version: "1.29", source: "KEP-753 (SidecarContainers: beta, on by default, in 1.29)" },
} as const;

export type Feature = keyof typeof FEATURES;

/** Compares `major.minor[.patch]` Kubernetes versions: `versionAtLeast("1.30", "1.29")` is true. */
export function versionAtLeast(version: string, atLeast: string): boolean {
  const [a1, a2] = majorMinor(version.replace(/^v/, ""));
  const [b1, b2] = majorMinor(atLeast);
  return a1 > b1 || (a1 === b1 && a2 >= b2);
}

/** `major.minor` of a version; remembered (`memo.ts`): every rule and fix asks about the same one or two. */
const majorMinor = memoized(
  (version: string): readonly [number, number] => {
    const [major = 0, minor = 0] = version.split(".").map(Number);
    return [major, minor];
  },
  64,
  32,
);

/** Whether a target Kubernetes version has a feature (see `FEATURES`). */
export function supports(kubeVersion: string, feature: Feature): boolean {
  return versionAtLeast(kubeVersion, FEATURES[feature].version);
}
