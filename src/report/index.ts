import type { CheckResult } from "../engine/check.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export type Format = "text" | "json" | "sarif" | "github";

/** Every output format, as a pure function of the result. */
export const FORMATTERS: Record<Format, (result: CheckResult, color: boolean) => string> = {
  text: (result, color) => formatText(result, { color, timelines: true }),
  json: (result) => formatJson(result),
  sarif: (result) => formatSarif(result),
  github: (result) => formatGithub(result),
};
