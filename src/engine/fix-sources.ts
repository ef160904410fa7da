import { applyEdits, type FileChange } from "../fix/text.js";
import type { Finding } from "../rules/types.js";
import { decodeSource, type SourceFile } from "../sources/files.js";
import { blockingProblems, type CheckOptions, type CheckResult, checkSources } from "./check.js";
import { collectEdits, type FixApplier, fixUntilStable } from "./fix-loop.js";

export interface FixRun {
  /** Each changed file, from its original text to its final one. */
  changes: FileChange[];
  failures: { file: string; message: string }[];
  /** The check of the files as written at the end. */
  after: CheckResult;
  /** Findings whose fix was applied and kept, over all passes. */
  fixed: number;
  passes: number;
  /**
   * The findings whose fixes each pass applied (`fix --dry-run` lists them all): a later pass's findings
   * are located in the text as the earlier passes left it.
   */
  fixesByPass: Finding[][];
}

/**
 * Applies the findings' fixes to source files in memory, checking again after each pass, until nothing
 * changes (the engine's one loop, `fix-loop.ts`, with the text applier). A file whose fixed text would not
 * read back (or whose edits fail) keeps its original text.
 *
 * @example
 *   const run = fixSources(files, { assumptions });
 *   for (const c of run.changes) await writeFileAtomic(c.file, c.after);
 */
export function fixSources(files: SourceFile[], options: CheckOptions): FixRun {
  const originals = new Map(files.map((f) => [f.path, f.text]));
  const failures: FixRun["failures"] = [];
  // A file that could not be read is left alone (set from the first check); a warning-level problem (an
  // ambiguous link) does not stop it.
  let failed: Set<string> | undefined;
  const applier: FixApplier<SourceFile[]> = {
    check: (current) => checkSources(current, options),
    apply: (current, after) => {
      failed ??= new Set(blockingProblems(after.problems).map((p) => p.file));
      const left = failed;
      const fixable = after.findings.filter((f) => f.autofix && !left.has(f.file));
      const edits = collectEdits(fixable).filter((e) => !left.has(e.file) && originals.has(e.file));
      if (edits.length === 0) return undefined;
      const applied = applyEdits(new Map(current.map((f) => [f.path, f.text])), edits);
      for (const failure of applied.failures) {
        failures.push(failure);
        left.add(failure.file);
      }
      const next = current.map((file) => {
        const change = applied.changes.find((c) => c.file === file.path && !left.has(file.path));
        if (!change) return file;
        const decoded = decodeSource(file.path, Buffer.from(change.after), file.kind, true);
        return decoded && !("code" in decoded) ? decoded : file;
      });
      const kept = () => fixable.filter((f) => f.autofix?.edits.every((e) => !left.has(e.file)));
      const checked = checkSources(next, options);
      const broken = new Set(blockingProblems(checked.problems).map((p) => p.file));
      if (broken.size > 0) {
        for (const file of broken) {
          failures.push({ file, message: "the fixed file would not read back: left unchanged" });
          left.add(file);
        }
        const state = current.map((f) =>
          broken.has(f.path) ? f : (next.find((n) => n.path === f.path) ?? f),
        );
        return { state, result: checkSources(state, options), applied: kept() };
      }
      if (applied.changes.length === 0) return undefined;
      return { state: next, result: checked, applied: kept() };
    },
  };
  const { state, result, passes } = fixUntilStable(files, applier);
  const left = failed ?? new Set<string>();
  const changes = state
    .filter((f) => originals.get(f.path) !== f.text && !left.has(f.path))
    .map((f) => ({ file: f.path, before: originals.get(f.path) ?? "", after: f.text }));
  const fixesByPass = passes.map((p) => p.applied);
  return {
    changes,
    failures,
    after: result,
    fixed: fixesByPass.reduce((sum, pass) => sum + pass.length, 0),
    passes: passes.length,
    fixesByPass,
  };
}
