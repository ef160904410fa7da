import { blockingProblems, type CheckOptions, type CheckResult, checkSources } from "../check.js";
import { decodeSource, type SourceFile } from "../sources/files.js";
import { applyEdits, collectEdits, type FileChange } from "./engine.js";

/** A fix can reveal the next step (a shell PID 1 that now execs php-fpm needs a preStop): a few passes settle it. */
export const MAX_FIX_PASSES = 4;

export interface FixRun {
  /** Each changed file, from its original text to its final one. */
  changes: FileChange[];
  failures: { file: string; message: string }[];
  /** The check of the files as written at the end. */
  after: CheckResult;
  /** Findings that had a fix, over all passes. */
  fixed: number;
  passes: number;
}

/**
 * Applies the findings' fixes to source files in memory, checking again after each pass, until nothing
 * changes. A file whose fixed text would not read back (or whose edits fail) keeps its original text.
 *
 * @example
 *   const run = fixSources(files, { assumptions });
 *   for (const c of run.changes) await writeFileAtomic(c.file, c.after);
 */
export function fixSources(files: SourceFile[], options: CheckOptions): FixRun {
  const originals = new Map(files.map((f) => [f.path, f.text]));
  let current = files;
  let after = checkSources(current, options);
  const failures: FixRun["failures"] = [];
  // A file that could not be read is left alone; a warning-level problem (an ambiguous link) does not stop it.
  const failed = new Set<string>(blockingProblems(after.problems).map((p) => p.file));
  let fixed = 0;
  let passes = 0;
  for (; passes < MAX_FIX_PASSES; passes++) {
    const fixable = after.findings.filter((f) => f.autofix && !failed.has(f.file));
    const edits = collectEdits(fixable).filter((e) => !failed.has(e.file) && originals.has(e.file));
    if (edits.length === 0) break;
    const applied = applyEdits(new Map(current.map((f) => [f.path, f.text])), edits);
    for (const failure of applied.failures) {
      failures.push(failure);
      failed.add(failure.file);
    }
    const next = current.map((file) => {
      const change = applied.changes.find((c) => c.file === file.path && !failed.has(file.path));
      if (!change) return file;
      const decoded = decodeSource(file.path, Buffer.from(change.after), file.kind, true);
      return decoded && !("code" in decoded) ? decoded : file;
    });
    const checked = checkSources(next, options);
    const broken = new Set(blockingProblems(checked.problems).map((p) => p.file));
    if (broken.size > 0) {
      for (const file of broken) {
        failures.push({ file, message: "the fixed file would not read back: left unchanged" });
        failed.add(file);
      }
      current = current.map((f) => (broken.has(f.path) ? f : (next.find((n) => n.path === f.path) ?? f)));
      after = checkSources(current, options);
      continue;
    }
    if (applied.changes.length === 0) break;
    fixed += fixable.length;
    current = next;
    after = checked;
  }
  const changes = current
    .filter((f) => originals.get(f.path) !== f.text && !failed.has(f.path))
    .map((f) => ({ file: f.path, before: originals.get(f.path) ?? "", after: f.text }));
  return { changes, failures, after, fixed, passes };
}
