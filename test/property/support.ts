/**
 * How the property tests run: a fixed seed per property (so a failure reproduces on every machine), run
 * counts sized so the folder finishes in well under a minute on two shared cores, and the seed and shrunk
 * counterexample in the failure message.
 *
 * `PROPERTY_SEED=n` replays another seed; `PROPERTY_RUNS=k` multiplies every run count (a long soak:
 * `PROPERTY_RUNS=20 node --test dist/test/property/`).
 */
import fc from "fast-check";

const BASE_SEED = Number(process.env.PROPERTY_SEED ?? 20_240_611);
const RUNS_FACTOR = Number(process.env.PROPERTY_RUNS ?? 1);

/** A stable seed per property name, so adding a property does not change the inputs of the others. */
function seedOf(name: string): number {
  let hash = BASE_SEED | 0;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}

/**
 * Asserts a property over `numRuns` generated cases with a fixed seed. On failure the error names the seed,
 * the path of the shrunk case and the counterexample, and how to replay it.
 *
 * @example
 *   holds("parseIni never throws", fc.property(fc.string(), (text) => { parseIni(text, at); }), 500);
 */
export function holds<Ts>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  numRuns: number,
): void | Promise<void> {
  const seed = seedOf(name);
  const parameters: fc.Parameters<Ts> = {
    seed,
    numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)),
  };
  const explain = (error: unknown) =>
    new Error(
      `property "${name}" failed (seed ${seed}; replay with PROPERTY_SEED=${BASE_SEED}):\n${
        error instanceof Error ? error.message : String(error)
      }${error instanceof Error && error.cause instanceof Error ? `\nCause: ${error.cause.message}` : ""}`,
      { cause: error },
    );
  if ("isAsync" in property && property.isAsync()) {
    return fc.assert(property as fc.IAsyncProperty<Ts>, parameters).catch((error) => {
      throw explain(error);
    });
  }
  try {
    fc.assert(property as fc.IProperty<Ts>, parameters);
  } catch (error) {
    throw explain(error);
  }
}

/** Asserts that every place a result names is a real position in a file: 1-based integer line and column. */
export function assertLocated(
  what: string,
  items: readonly { file: string; line: number; column: number }[],
  files: readonly string[],
): void {
  for (const item of items) {
    const where = `${what} ${JSON.stringify(item).slice(0, 300)}`;
    if (!files.includes(item.file)) throw new Error(`${where}: not in one of the input files`);
    if (!Number.isInteger(item.line) || item.line < 1) throw new Error(`${where}: bad line`);
    if (!Number.isInteger(item.column) || item.column < 1) throw new Error(`${where}: bad column`);
  }
}
