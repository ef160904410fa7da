import { Command } from "commander";
import pc from "picocolors";
import { checkPaths } from "../index.js";
import { formatTimeline } from "../report/text.js";
import { addModelOptions, EXIT, hintStdin, reportNothingRead, reportProblems } from "./check-command.js";

export function timelineCommand(): Command {
  const command = new Command("timeline")
    .description("show each workload's predicted termination sequence and the requests it fails")
    .argument("[paths...]", "files or directories to read; - reads manifests from stdin", ["."])
    .option("--no-color", "no colours");
  addModelOptions(command).action(async (paths: string[], opts) => {
    hintStdin(paths);
    const { result } = await checkPaths(paths, {
      propagation: opts.propagation,
      maxRequest: opts.maxRequest,
      kubeVersion: opts.kubeVersion,
      dockerfiles: opts.dockerfile,
      config: opts.config,
      maxFileBytes: opts.maxFileSize,
    });
    const c = pc.createColors(opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR);
    reportProblems(result.problems);
    reportNothingRead(paths, result);
    for (const w of result.workloads) {
      process.stdout.write(`${c.bold(w.id)}\n${formatTimeline(w.timeline, c).join("\n")}\n\n`);
    }
    process.exitCode = result.problems.length > 0 ? EXIT.usage : EXIT.ok;
  });
  return command;
}
