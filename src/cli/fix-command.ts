import { Command } from "commander";
import { blockingProblems, failsAt } from "../engine/check.js";
import { fixSources } from "../engine/fix-sources.js";
import { escapeControl, neutralizeWorkflowCommands, neutralizeWorkflowCommandsInJson } from "../escape.js";
import { renderedOverlay } from "../fix/overlay.js";
import type { FileChange } from "../fix/text.js";
import { checkPaths } from "../index.js";
import type { SourceFile } from "../sources/files.js";
import { textsAsWritten, WriteRefused, writeFileAtomic, writeFixedSource } from "../write.js";
import { addModelOptions, EXIT, modelOptions } from "./check-command.js";
import { choiceOption, cliError } from "./options.js";

/**
 * `fpm-graceful fix`: applies the findings' edits in place (atomically), or prints them as a diff; for
 * stdin, prints kustomize strategic-merge patches. Each changed file is checked again before it is
 * written: a change that would not parse is not written. `--check` and `--diff` exit 1 while a fix is
 * pending (as `prettier --check` and `git diff --exit-code`), so either can gate CI.
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
    .option("--dry-run", "list what would change and change nothing")
    .option("--check", "change nothing; exit 1 when a fix is pending (for CI, like prettier --check)")
    .option(
      "-f, --format <format>",
      "text, or json: what was (or would be) changed, by file and finding, on stdout",
      choiceOption(["text", "json"] as const),
      "text",
    )
    .option(
      "--out-dir <dir>",
      "with - (rendered input): write a kustomize overlay there (kustomization.yaml, the input as its base, patches, new objects)",
    );
  addModelOptions(command).action(async (paths: string[], opts) => {
    const modes = ["diff", "dryRun", "check"].filter((m) => opts[m]);
    if (modes.length > 1) {
      cliError("fix", "--diff, --dry-run and --check are alternatives: give one");
      process.exitCode = EXIT.usage;
      return;
    }
    const { result, files, checkOptions } = await checkPaths(paths, modelOptions(opts));
    let writeFailures = 0;
    // Lines name files, containers and commands from the inputs: escaped, and never a workflow command.
    const json = opts.format === "json";
    const out = (line: string) =>
      json ? undefined : process.stdout.write(neutralizeWorkflowCommands(`${escapeControl(line)}\n`));
    const err = (line: string) =>
      process.stderr.write(neutralizeWorkflowCommands(`${escapeControl(line)}\n`));
    const print = (text: string) =>
      json ? undefined : process.stdout.write(neutralizeWorkflowCommands(text));
    for (const p of result.problems)
      err(`problem ${p.file}:${p.line}:${p.column} ${p.message} (left untouched)`);
    const problemFiles = new Set(blockingProblems(result.problems).map((p) => p.file));
    const fixable = result.findings.filter((f) => f.autofix && !problemFiles.has(f.file));
    // Rendered input is fixed in memory like a file, every pass included; it is printed as an overlay.
    const run = fixSources(
      files.filter((f) => !problemFiles.has(f.path)),
      checkOptions,
    );
    const { failures, after } = run;
    const writable = run.changes.filter((c) => c.file !== "<stdin>");
    const stdinChange = run.changes.find((c) => c.file === "<stdin>");
    const manual = after.findings.filter((f) => !f.autofix && f.severity !== "info");

    if (opts.dryRun || opts.check) {
      // Every pass's fixes: a later pass's are located in the text as the earlier passes left it.
      run.fixesByPass.forEach((pass, i) => {
        for (const f of pass)
          out(
            `${f.file}:${f.line}:${f.column} ${f.rule}: ${f.autofix?.description}${i > 0 ? ` (pass ${i + 1})` : ""}`,
          );
      });
    } else if (opts.diff) {
      // Loaded here, for --diff only: not at every command's start-up.
      const { createTwoFilesPatch } = await import("diff");
      for (const c of writable) {
        // Each line's own ending, as the write would keep it: the patch applies to the file's bytes.
        const texts = await textsAsWritten(c.file, c.before, c.after);
        print(
          createTwoFilesPatch(
            `a/${escapeControl(c.file.replace(/^\//, ""))}`,
            `b/${escapeControl(c.file.replace(/^\//, ""))}`,
            texts.before,
            texts.after,
            "",
            "",
            { context: 3 },
          ),
        );
      }
    } else {
      writeFailures = await writeFixes(writable, files, err);
    }
    if (stdinChange && !opts.check && !opts.dryRun) {
      const sources = new Map(
        result.workloads.filter((w) => w.file === "<stdin>").map((w) => [w.id, w.helmSource]),
      );
      const overlay = renderedOverlay(stdinChange.before, stdinChange.after, (o) =>
        sources.get(`${o.kind}/${o.metadata?.namespace ?? "default"}/${o.metadata?.name}`),
      );
      if (opts.outDir) {
        const { mkdir } = await import("node:fs/promises");
        const { join } = await import("node:path");
        await mkdir(opts.outDir, { recursive: true });
        for (const [name, text] of Object.entries(overlay.files))
          await writeFileAtomic(join(opts.outDir, name), text);
        err(
          `wrote a kustomize overlay to ${opts.outDir}: kubectl kustomize ${opts.outDir} builds the fixed manifests`,
        );
      } else {
        out("# Rendered input cannot be edited in place: these are its fixes as a kustomize overlay.");
        out("# Write them as files with --out-dir DIR (kustomization.yaml, the input as its base, patches,");
        out(
          "# new objects), or make the same changes in the chart templates named in each `# Source:` line.",
        );
        for (const part of overlay.parts) {
          out("---");
          out(`# ${part.name.startsWith("new-") ? "new object" : "patch"}: ${part.name}`);
          if (part.helmSource) out(`# Source: ${part.helmSource}`);
          print(part.text);
        }
      }
    } else if (opts.outDir && !stdinChange) {
      cliError("fix", "--out-dir is for rendered input read from - (stdin)");
    }
    for (const f of failures) err(`not fixed: ${f.file}: ${f.message}`);
    for (const f of manual)
      err(`needs a change by hand: ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.fix}`);
    const pending = writable.length + (stdinChange ? 1 : 0);
    if (json) {
      const report = {
        mode: opts.diff ? "diff" : opts.dryRun ? "dry-run" : opts.check ? "check" : "write",
        changedFiles: [...writable.map((c) => c.file), ...(stdinChange ? ["<stdin>"] : [])],
        fixes: fixable.map((f) => ({
          file: f.file,
          line: f.line,
          column: f.column,
          rule: f.rule,
          workload: f.workload,
          ...(f.container ? { container: f.container } : {}),
          description: f.autofix?.description,
        })),
        manual: manual.map((f) => ({
          file: f.file,
          line: f.line,
          column: f.column,
          rule: f.rule,
          fix: f.fix,
        })),
        failures,
      };
      process.stdout.write(neutralizeWorkflowCommandsInJson(`${JSON.stringify(report, null, 2)}\n`));
    }
    const verb = opts.dryRun || opts.diff || opts.check ? "would change" : "changed";
    const counted = verb === "changed" ? pending - writeFailures : pending;
    err(
      `${verb} ${counted} file${counted === 1 ? "" : "s"} (${fixable.length} finding${fixable.length === 1 ? "" : "s"} with a fix)${manual.length > 0 ? `; ${manual.length} need a change by hand` : ""}`,
    );
    process.exitCode =
      blockingProblems(result.problems).length > 0 || failures.length > 0 || writeFailures > 0
        ? EXIT.usage
        : ((opts.check || opts.diff) && pending > 0) || failsAt(after.findings, "error")
          ? EXIT.findings
          : EXIT.ok;
  });
  return command;
}

/**
 * Writes each fixed file through `writeFixedSource`; a file that cannot be written is reported on its own
 * line and the others are still written. Answers how many failed.
 */
async function writeFixes(
  changes: readonly FileChange[],
  files: readonly SourceFile[],
  err: (line: string) => void,
): Promise<number> {
  let failed = 0;
  for (const change of changes) {
    const source = files.find((f) => f.path === change.file);
    try {
      if (!source) throw new WriteRefused("was not read from a file");
      // A chart or kustomization rendered in a walk is text no file holds: its fixes are an overlay.
      if (source.read === undefined)
        throw new WriteRefused(
          "rendered input, not a file: pipe the rendered output to `fpm-graceful fix -` for its fixes as a kustomize overlay, or change the templates",
        );
      await writeFixedSource(source, change.after);
    } catch (error) {
      failed++;
      const reason = error instanceof WriteRefused ? error.message : describeFsError(error);
      err(`not written: ${change.file}: ${reason}`);
    }
  }
  if (failed > 0)
    err(`${failed} of ${changes.length} fixed file${changes.length === 1 ? "" : "s"} not written`);
  return failed;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOSPC") return "no space left on the device";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
