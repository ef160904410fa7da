import { Command } from "commander";
import { ruleListing } from "../report/docs.js";
import { RULES } from "../rules/registry.js";
import { EXIT } from "./check-command.js";
import { choiceOption } from "./options.js";

/**
 * `fpm-graceful rules`: every rule with its default severity, whether `fix` applies it, and its doc page;
 * `--format json` for scripts (the same fields).
 */
export function rulesCommand(): Command {
  return new Command("rules")
    .description("list every rule: id, default severity, whether fix applies it, and its doc page")
    .option("-f, --format <format>", "text or json", choiceOption(["text", "json"] as const), "text")
    .action((opts) => {
      const listings = RULES.map((r) => ruleListing(r.meta));
      if (opts.format === "json") {
        process.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
      } else {
        const idWidth = Math.max(...listings.map((l) => l.id.length));
        const lines = [`${"rule".padEnd(idWidth)}  severity  fixable  docs`];
        for (const l of listings)
          lines.push(
            `${l.id.padEnd(idWidth)}  ${l.severity.padEnd(8)}  ${(l.fixable ? "yes" : "no").padEnd(7)}  ${l.docs}`,
          );
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      process.exitCode = EXIT.ok;
    });
}
