#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { checkCommand, EXIT } from "./check-command.js";
import { fixCommand } from "./fix-command.js";
import { initCommand } from "./init-command.js";
import { rehearseCommand } from "./rehearse-command.js";
import { timelineCommand } from "./timeline-command.js";
import { webhookCommand } from "./webhook-command.js";

const program = new Command("fpm-graceful")
  .description(
    "Zero failed requests when PHP-FPM pods restart on Kubernetes, and the evidence that it is so.",
  )
  .version(VERSION)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();
// Subcommands added with addCommand inherit no settings: each says how to get help after a usage error.
for (const command of [
  checkCommand(),
  fixCommand(),
  initCommand(),
  timelineCommand(),
  rehearseCommand(),
  webhookCommand(),
]) {
  program.addCommand(command.exitOverride().showHelpAfterError("(run with --help for usage)"));
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were printed by commander already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fpm-graceful: ${message}\n`);
    if (process.env.FPM_GRACEFUL_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}
