import type { Measured } from "./types.js";

/** Median and range of repeated measurements. */
export function measured(samples: readonly number[]): Measured {
  if (samples.length === 0) throw new Error("no samples to summarise");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, repeats: sorted.length };
}

/** The same measurement in another unit (ms → documents/s); a decreasing map swaps min and max. */
export function mapMeasured(value: Measured, map: (x: number) => number): Measured {
  const [a, b] = [map(value.min), map(value.max)];
  return { median: map(value.median), min: Math.min(a, b), max: Math.max(a, b), repeats: value.repeats };
}
