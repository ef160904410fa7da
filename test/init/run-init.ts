import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { EXIT } from "../../src/cli/check-command.js";
import { initCommand } from "../../src/cli/init-command.js";

/**
 * `fpm-graceful init ARGS` as src/cli/main.ts runs a subcommand (exitOverride, help after usage errors,
 * exit codes), in a child process so that exit codes and output are real. Until main.ts registers the
 * command, this file is that entry point: run with `ENTRY` first, it parses its own argv (without it, as
 * when `node --test dist/test/` loads every file under test/, it does nothing).
 */
const ENTRY = "--as-fpm-graceful-entry";

export function runInit(
  args: string[],
  cwd: string,
): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ENTRY, "init", ...args], {
    cwd,
    encoding: "utf8",
    input: "",
    timeout: 20_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

if (process.argv[2] === ENTRY) {
  const program = new Command("fpm-graceful").exitOverride();
  program.addCommand(initCommand().exitOverride().showHelpAfterError("(run with --help for usage)"));
  try {
    await program.parseAsync(process.argv.filter((arg, i) => !(i === 2 && arg === ENTRY)));
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
}
