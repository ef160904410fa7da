import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config.js";
import { escapeControl, neutralizeWorkflowCommands } from "../escape.js";

/** Commander argument parsers that turn bad values into clear usage errors (exit 2). */
export function durationOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined)
    throw new InvalidArgumentError(`expected a duration like 5s, 1500ms or 1m, got '${value}'`);
  return seconds;
}

/**
 * A Kubernetes version as people have it at hand: `1.31`, `v1.31`, or what `kubectl version` prints
 * (`v1.29.3`, `1.30.2-eks-1552ad0`). Features arrive in minor versions, so the patch is dropped.
 */
export function kubeVersionOption(value: string): string {
  const m = value.match(/^v?(1\.\d+)(?:\.\d+(?:[-+][0-9A-Za-z.+-]*)?)?$/);
  if (!m?.[1])
    throw new InvalidArgumentError(`expected a Kubernetes version like 1.31 or v1.29.3, got '${value}'`);
  return m[1];
}

export function bytesOption(value: string): number {
  const m = value.match(/^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i);
  if (!m?.[1]) throw new InvalidArgumentError(`expected a size like 8MiB or 500KiB, got '${value}'`);
  const unit = (m[2] ?? "").toLowerCase();
  return Number(m[1]) * (unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1);
}

/** A width in terminal columns: a whole number, at least 20 (narrower, no chart fits). */
export function columnsOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 20)
    throw new InvalidArgumentError(`expected a whole number of columns, at least 20, got '${value}'`);
  return Number(value);
}

export function keyValueOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1)
    throw new InvalidArgumentError(`expected CONTAINER=PATH, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function choiceOption<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got '${value}'`);
    }
    return value as T;
  };
}

/**
 * Whether to colour a report: never with `--no-color` or into a file; `NO_COLOR` set to anything but the
 * empty string turns it off (no-color.org), else `FORCE_COLOR` (anything but `0`/`false`) turns it on where
 * no terminal is (a CI log that renders colour); else colour exactly when stdout is a terminal.
 */
export function colorWanted(
  opts: { color?: boolean; output?: string },
  isTTY: boolean,
  env: NodeJS.ProcessEnv,
): boolean {
  if (opts.color === false || opts.output) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && !["0", "false"].includes(env.FORCE_COLOR)) return true;
  return isTTY;
}

/**
 * One style for every error the CLI prints itself: `fpm-graceful: <command>: <message>`, on one line (a
 * name in it cannot start a new line, recolour the terminal or run a workflow command).
 */
export function cliError(command: string | undefined, message: string): void {
  const where = command && /^[a-z]+$/.test(command) ? `${command}: ` : "";
  process.stderr.write(neutralizeWorkflowCommands(`fpm-graceful: ${where}${escapeControl(message)}\n`));
}

/** Commander's `error: …` as `fpm-graceful: <command>: …`. */
export function usageMessage(command: string | undefined, text: string): string {
  const message = text.replace(/^error: /, "").replace(/\n$/, "");
  return neutralizeWorkflowCommands(
    `fpm-graceful: ${command ? `${command}: ` : ""}${escapeControl(message)}\n`,
  );
}

/**
 * A closed pipe (`fpm-graceful check | head -1`) ends the run quietly with the exit code it has so far;
 * any other write error on the stream is still an error.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
