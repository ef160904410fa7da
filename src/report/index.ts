import type { CheckResult } from "../engine/check.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatSarif } from "./sarif.js";
import { formatText, type TextOptions } from "./text.js";

export type Format = "text" | "json" | "sarif" | "github" | "junit";

export const FORMATS: readonly Format[] = ["text", "json", "sarif", "github", "junit"];

/** How a person asked for the report; only text reads it. */
export type ReportOptions = Partial<TextOptions>;

/**
 * Every output format, as a pure function of the result. The second argument is the text options (a
 * boolean alone is the colour, as earlier callers pass it).
 */
export const FORMATTERS: Record<Format, (result: CheckResult, options?: ReportOptions | boolean) => string> =
  {
    text: (result, options) => {
      const o = typeof options === "boolean" ? { color: options } : (options ?? {});
      return formatText(result, {
        color: o.color ?? false,
        timelines: o.timelines ?? "failing",
        ...(o.quiet ? { quiet: true } : {}),
        ...(o.width !== undefined ? { width: o.width } : {}),
      });
    },
    json: (result) => formatJson(result),
    sarif: (result) => formatSarif(result),
    github: (result) => formatGithub(result),
    junit: (result) => formatJunit(result),
  };
