import { Command } from "commander";
import { pairTimelines } from "../draw/compare.js";
import { drawSvg } from "../draw/svg.js";
import { drawTerminalCharts, type WorkloadDrawing } from "../draw/terminal.js";
import { blockingProblems, type CheckResult } from "../engine/check.js";
import { fixSources } from "../engine/fix-sources.js";
import { neutralizeWorkflowCommandsInJson } from "../escape.js";
import { checkPaths } from "../index.js";
import { writeOutputFile } from "../write.js";
import {
  addModelOptions,
  describeWriteError,
  EXIT,
  hintStdin,
  modelOptions,
  reportNothingRead,
  reportProblems,
} from "./check-command.js";
import { choiceOption, cliError, colorWanted, columnsOption } from "./options.js";

/**
 * `fpm-graceful timeline`: each workload's predicted termination as a chart in the terminal, as an SVG
 * (`--svg FILE`), or as JSON (`--format json`, or its older spelling `--json`); `--compare` draws it as
 * written and after `fix` (applied in memory).
 */
export function timelineCommand(): Command {
  const command = new Command("timeline")
    .description("draw each workload's predicted termination sequence and the requests it fails")
    .argument("[paths...]", "files or directories to read; - reads manifests from stdin", ["."])
    .option("--svg <file>", "also write the chart as an SVG picture (atomically)")
    .option("--compare", "draw each workload as written and after `fpm-graceful fix` (nothing is written)")
    .option(
      "-f, --format <format>",
      "text (a chart) or json (the timelines)",
      choiceOption(["text", "json"] as const),
      "text",
    )
    .option("--json", "the same as --format json")
    .option("--ascii", "only ASCII characters in the chart")
    .option(
      "--width <columns>",
      "chart width in columns, at least 20 (default: the terminal's, else 100)",
      columnsOption,
    )
    .option("--no-color", "no colours");
  addModelOptions(command).action(async (paths: string[], opts) => {
    hintStdin(paths);
    const { result, files, checkOptions } = await checkPaths(paths, modelOptions(opts));
    reportProblems(result.problems);
    reportNothingRead(paths, result);
    let after: CheckResult | undefined;
    if (opts.compare) {
      // The same passes `fix` runs, on the texts read, in memory: what `fix` would write, checked again.
      const problemFiles = new Set(result.problems.map((p) => p.file));
      after = fixSources(
        files.filter((f) => f.path !== "<stdin>" && !problemFiles.has(f.path)),
        checkOptions,
      ).after;
    }
    const drawings: WorkloadDrawing[] = after
      ? pairTimelines(result, after)
      : result.workloads.map((w) => ({ workload: w.id, panels: [{ timeline: w.timeline }] }));
    if (opts.svg) {
      try {
        await writeOutputFile(opts.svg, drawSvg(drawings), [...paths, ...files.map((f) => f.path)]);
      } catch (error) {
        cliError("timeline", `cannot write ${opts.svg}: ${describeWriteError(error)}`);
        process.exitCode = EXIT.usage;
        return;
      }
    }
    if (opts.json || opts.format === "json") {
      const json = after
        ? drawings.map((d) => ({
            workload: d.workload,
            before: d.panels[0]?.timeline,
            after: d.panels[1]?.timeline,
          }))
        : result.workloads.map((w) => w.timeline);
      process.stdout.write(neutralizeWorkflowCommandsInJson(`${JSON.stringify(json, infinityAsNull, 2)}\n`));
    } else if (drawings.length > 0) {
      const width = opts.width ?? (process.stdout.isTTY === true ? process.stdout.columns : undefined) ?? 100;
      const color = colorWanted(opts, process.stdout.isTTY === true, process.env);
      process.stdout.write(drawTerminalCharts(drawings, { width, color, ascii: opts.ascii === true }));
    }
    process.exitCode = blockingProblems(result.problems).length > 0 ? EXIT.usage : EXIT.ok;
  });
  return command;
}

/** JSON has no Infinity: a listener that never closes is `null`. */
function infinityAsNull(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
