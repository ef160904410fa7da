#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { checkCommand, EXIT } from "./check-command.js";
import { fixCommand } from "./fix-command.js";
import { initCommand } from "./init-command.js";
import { cliError, quietOnClosedPipe, usageMessage } from "./options.js";
import { rehearseCommand } from "./rehearse-command.js";
import { rulesCommand } from "./rules-command.js";
import { timelineCommand } from "./timeline-command.js";
import { webhookCommand } from "./webhook-command.js";

// `fpm-graceful check | head -1`: the reader is gone, and so is anyone to tell; stop without a trace.
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);

const program = new Command("fpm-graceful")
  .description(
    "Zero failed requests when PHP-FPM pods restart on Kubernetes, and the evidence that it is so.",
  )
  .version(VERSION)
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (text, write) => write(usageMessage(undefined, text)) })
  .exitOverride();
// Subcommands added with addCommand inherit no settings: each says how to get help after a usage error,
// and words its usage errors as every other error (`fpm-graceful: check: …`).
for (const command of [
  checkCommand(),
  fixCommand(),
  initCommand(),
  timelineCommand(),
  rulesCommand(),
  rehearseCommand(),
  webhookCommand(),
]) {
  program.addCommand(
    command
      .exitOverride()
      .showHelpAfterError("(run with --help for usage)")
      .configureOutput({ outputError: (text, write) => write(usageMessage(command.name(), text)) }),
  );
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were printed by commander already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    cliError(process.argv[2], message);
    if (process.env.FPM_GRACEFUL_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}
