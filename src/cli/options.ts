import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config.js";

/** Commander argument parsers that turn bad values into clear usage errors (exit 2). */
export function durationOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined)
    throw new InvalidArgumentError(`expected a duration like 5s, 1500ms or 1m, got '${value}'`);
  return seconds;
}

export function kubeVersionOption(value: string): string {
  if (!/^v?1\.\d+$/.test(value))
    throw new InvalidArgumentError(`expected a Kubernetes minor version like 1.31, got '${value}'`);
  return value.replace(/^v/, "");
}

export function bytesOption(value: string): number {
  const m = value.match(/^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i);
  if (!m?.[1]) throw new InvalidArgumentError(`expected a size like 8MiB or 500KiB, got '${value}'`);
  const unit = (m[2] ?? "").toLowerCase();
  return Number(m[1]) * (unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1);
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
