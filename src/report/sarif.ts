import { relative, resolve, sep } from "node:path";
import type { CheckResult } from "../engine/check.js";
import { neutralizeWorkflowCommandsInJson, wellFormed } from "../escape.js";
import { RULES } from "../rules/registry.js";
import type { Finding, Severity, SuppressedFinding } from "../rules/types.js";
import { VERSION } from "../version.js";
import { ruleDocUrl } from "./docs.js";
import { suppressedOf } from "./suppressed.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** A path as a SARIF artifact URI: relative to the working directory, forward slashes (GitHub code scanning). */
function artifactUri(file: string): string {
  if (file === "<stdin>") return "stdin";
  // `./k8s/app.yaml` and `k8s//app.yaml` are the same artifact as `k8s/app.yaml`: code scanning matches
  // URIs to the repository's files textually.
  const rel = relative(process.cwd(), resolve(file)) || ".";
  // A lone surrogate in a file name has no UTF-8 spelling: encodeURIComponent would throw on it.
  return rel
    .split(sep)
    .map((part) => encodeURIComponent(wellFormed(part)))
    .join("/");
}

/**
 * Code scanning tracks an alert across commits by its fingerprint, so it must not move with line numbers
 * and must differ between two results: a rule fires once per workload, container and file, and a second
 * result with the same identity (two lines of one file) gets an ordinal.
 */
function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const file = f.file === "<stdin>" && f.helmSource ? f.helmSource : f.file;
    const identity = `${f.rule}:${f.workload}:${f.container ?? ""}:${artifactUri(file)}`;
    const count = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, count);
    return count === 1 ? identity : `${identity}:${count}`;
  });
}

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule described in `tool.driver.rules`,
 * one result a finding, and unreadable inputs as tool execution notifications.
 */
export function formatSarif(result: CheckResult): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const suppressed = suppressedOf(result);
  const reported: (Finding | SuppressedFinding)[] = [...result.findings, ...suppressed];
  const fingerprintOf = fingerprints(reported);
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
              helpUri: ruleDocUrl(r.meta.id),
              help: {
                text: `${r.meta.description} See ${ruleDocUrl(r.meta.id)}.`,
                markdown: `${r.meta.description}\n\nSee [${r.meta.id}](${ruleDocUrl(r.meta.id)}).`,
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
        results: reported.map((f, i) => ({
          ruleId: f.rule,
          ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${f.message} Fix: ${f.fix} See ${ruleDocUrl(f.rule)}.` },
          ...findingLocations(f),
          partialFingerprints: { "fpmGraceful/v1": fingerprintOf[i] },
          ...("suppression" in f
            ? {
                // SARIF §3.35: a suppression in the analysed files (an annotation) is inSource,
                // one in the tool's configuration external.
                suppressions: [
                  {
                    kind: f.suppression.source === "config" ? "external" : "inSource",
                    status: "accepted",
                    justification: f.suppression.reason || `suppressed by ${f.suppression.source}`,
                  },
                ],
              }
            : {}),
          properties: {
            workload: f.workload,
            ...(f.container ? { container: f.container } : {}),
            ...(f.helmSource ? { helmSource: f.helmSource } : {}),
          },
        })),
      },
    ],
  };
  return neutralizeWorkflowCommandsInJson(`${JSON.stringify(log, null, 2)}\n`);
}

/**
 * A finding's place. From rendered input (`helm template … | fpm-graceful check -`) there is no file called
 * stdin in the repository: the result points at the Helm template named by `# Source:` (code scanning then
 * shows it on that file), and the position in the rendered stream is kept as a related location.
 */
function findingLocations(f: Finding) {
  const rendered = location(f.file, f.line, f.column, f.endLine, f.endColumn);
  if (f.file !== "<stdin>" || !f.helmSource) return { locations: [rendered] };
  return {
    locations: [location(f.helmSource, 1, 1)],
    relatedLocations: [
      { id: 1, ...rendered, message: { text: "the rendered manifest this finding was read from (stdin)" } },
    ],
  };
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
