import { relative, sep } from "node:path";
import type { CheckResult } from "../check.js";
import { RULES } from "../rules/registry.js";
import type { Severity } from "../rules/types.js";
import { VERSION } from "../version.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** A path as a SARIF artifact URI: relative to the working directory, forward slashes (GitHub code scanning). */
function artifactUri(file: string): string {
  if (file === "<stdin>") return "stdin";
  const rel = file.startsWith("/") ? relative(process.cwd(), file) : file;
  return rel.split(sep).map(encodeURIComponent).join("/");
}

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule described in `tool.driver.rules`,
 * one result a finding, and unreadable inputs as tool execution notifications.
 */
export function formatSarif(result: CheckResult): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "fpm-graceful",
            version: VERSION,
            semanticVersion: VERSION,
            rules: RULES.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              help: {
                text: `${r.meta.description} See docs/rules/${r.meta.id}.md.`,
                markdown: `${r.meta.description}\n\nSee \`docs/rules/${r.meta.id}.md\`.`,
              },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { tags: ["kubernetes", "php-fpm", "graceful-shutdown"] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: result.problems.length === 0,
            toolExecutionNotifications: result.problems.map((p) => ({
              level: "error",
              message: { text: p.message },
              locations: [location(p.file, p.line, p.column)],
            })),
          },
        ],
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${f.message} Fix: ${f.fix}` },
          locations: [location(f.file, f.line, f.column, f.endLine, f.endColumn)],
          partialFingerprints: { "fpmGraceful/v1": `${f.rule}:${f.workload}:${f.container ?? ""}` },
          properties: {
            workload: f.workload,
            ...(f.container ? { container: f.container } : {}),
            ...(f.helmSource ? { helmSource: f.helmSource } : {}),
          },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function location(file: string, line: number, column: number, endLine?: number, endColumn?: number) {
  const region: Record<string, number> = { startLine: line, startColumn: column };
  if (
    endLine !== undefined &&
    endColumn !== undefined &&
    (endLine > line || (endLine === line && endColumn > column))
  ) {
    region.endLine = endLine;
    region.endColumn = endColumn;
  }
  return { physicalLocation: { artifactLocation: { uri: artifactUri(file) }, region } };
}
