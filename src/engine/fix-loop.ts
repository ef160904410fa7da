import type { Edit } from "../fix/types.js";
import type { Finding } from "../rules/types.js";
import type { CheckResult } from "./check.js";

/** A fix can reveal the next step (a shell PID 1 that now execs php-fpm needs a preStop): a few passes settle it. */
export const MAX_FIX_PASSES = 4;

/** What one pass of the loop did: the findings whose fixes it applied and kept. */
export interface FixPass {
  applied: Finding[];
}

/**
 * How the loop fixes one kind of input: `check` it, and `apply` a check's fixes to it. `fix` applies them to
 * file texts (`fix-sources.ts`), the webhook to one object (`fix-object.ts`).
 */
export interface FixApplier<State> {
  check(state: State): CheckResult;
  /**
   * The next state with its check and the findings whose fixes it took, or undefined when none applies
   * (the loop then stops: the state is stable).
   */
  apply(
    state: State,
    result: CheckResult,
  ): { state: State; result: CheckResult; applied: Finding[] } | undefined;
}

/**
 * The one fix-until-stable loop: check → edits → apply → re-check, at most `maxPasses` times, until a pass
 * applies nothing. `fix` and the webhook both run it, each with its applier.
 *
 * @example
 *   const { state, result, passes } = fixUntilStable(files, textApplier);
 *   passes.flatMap((p) => p.applied).map((f) => f.autofix?.description);
 */
export function fixUntilStable<State>(
  initial: State,
  applier: FixApplier<State>,
  maxPasses = MAX_FIX_PASSES,
): { state: State; result: CheckResult; passes: FixPass[] } {
  let state = initial;
  let result = applier.check(state);
  const passes: FixPass[] = [];
  while (passes.length < maxPasses) {
    const step = applier.apply(state, result);
    if (!step) break;
    passes.push({ applied: step.applied });
    state = step.state;
    result = step.result;
  }
  return { state, result, passes };
}

/** The edits of every fixable finding, each once (rules that agree on a value write the same edit). */
export function collectEdits(findings: readonly Finding[]): Edit[] {
  const seen = new Set<string>();
  const edits: Edit[] = [];
  for (const finding of findings) {
    for (const edit of finding.autofix?.edits ?? []) {
      const key = JSON.stringify(edit);
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(edit);
    }
  }
  return edits;
}
