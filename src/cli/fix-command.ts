import { Command } from "commander";
import { createTwoFilesPatch } from "diff";
import { blockingProblems, failsAt } from "../check.js";
import { collectEdits } from "../fix/engine.js";
import { renderedInputPatches } from "../fix/patch.js";
import { fixSources } from "../fix/run.js";
import { checkPaths } from "../index.js";
import { writeFileAtomic } from "../write.js";
import { addModelOptions, EXIT, modelOptions } from "./check-command.js";

/**
 * `fpm-graceful fix`: applies the findings' edits in place (atomically), or prints them as a diff; for
 * stdin, prints kustomize strategic-merge patches. Each changed file is checked again before it is
 * written: a change that would not parse is not written.
 */
export function fixCommand(): Command {
  const command = new Command("fix")
    .description("rewrite manifests, Dockerfiles and php-fpm configs so that shutdowns drop no request")
    .argument(
      "[paths...]",
      "files or directories; - reads rendered manifests from stdin and prints patches",
      ["."],
    )
    .option("--diff", "print a unified diff and change nothing")
    .option("--dry-run", "list what would change and change nothing");
  addModelOptions(command).action(async (paths: string[], opts) => {
    const { result, files, checkOptions } = await checkPaths(paths, modelOptions(opts));
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const err = (line: string) => process.stderr.write(`${line}\n`);
    for (const p of result.problems)
      err(`problem ${p.file}:${p.line}:${p.column} ${p.message} (left untouched)`);
    const problemFiles = new Set(result.problems.map((p) => p.file));
    const fixable = result.findings.filter((f) => f.autofix && !problemFiles.has(f.file));
    const stdinEdits = collectEdits(fixable).filter((e) => e.file === "<stdin>");
    const run = fixSources(
      files.filter((f) => f.path !== "<stdin>" && !problemFiles.has(f.path)),
      checkOptions,
    );
    const { failures, after } = run;
    const writable = run.changes;
    const manual = after.findings.filter((f) => !f.autofix && f.severity !== "info");

    if (opts.dryRun) {
      for (const f of fixable) out(`${f.file}:${f.line}:${f.column} ${f.rule}: ${f.autofix?.description}`);
    } else if (opts.diff) {
      for (const c of writable)
        process.stdout.write(
          createTwoFilesPatch(
            `a/${c.file.replace(/^\//, "")}`,
            `b/${c.file.replace(/^\//, "")}`,
            c.before,
            c.after,
            "",
            "",
            { context: 3 },
          ),
        );
    } else {
      for (const c of writable) await writeFileAtomic(c.file, c.after);
    }
    if (stdinEdits.length > 0) {
      process.stdout.write(
        renderedInputPatches(
          files.filter((f) => f.path === "<stdin>"),
          stdinEdits,
        ),
      );
    }
    for (const f of failures) err(`not fixed: ${f.file}: ${f.message}`);
    for (const f of manual)
      err(`needs a change by hand: ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.fix}`);
    const verb = opts.dryRun || opts.diff ? "would change" : "changed";
    err(
      `${verb} ${writable.length} file${writable.length === 1 ? "" : "s"} (${fixable.length} finding${fixable.length === 1 ? "" : "s"} with a fix)${manual.length > 0 ? `; ${manual.length} need a change by hand` : ""}`,
    );
    const remaining = after.findings;
    process.exitCode =
      blockingProblems(result.problems).length > 0 || failures.length > 0
        ? EXIT.usage
        : failsAt(remaining, "error")
          ? EXIT.findings
          : EXIT.ok;
  });
  return command;
}
