import type { CheckResult } from "../engine/check.js";

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

/** Escapes a workflow command's data and properties (GitHub's `toCommandValue`/`escapeProperty`). */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** GitHub Actions workflow annotations: one `::error file=…,line=…::message` line a finding. */
export function formatGithub(result: CheckResult): string {
  const lines = result.problems.map(
    (p) =>
      `::error file=${escapeProperty(p.file)},line=${p.line},col=${p.column},title=${escapeProperty("fpm-graceful: unreadable input")}::${escapeData(p.message)}`,
  );
  for (const f of result.findings) {
    const title = escapeProperty(
      `fpm-graceful ${f.rule} (${f.workload}${f.container ? ` ${f.container}` : ""})`,
    );
    lines.push(
      `::${COMMAND[f.severity]} file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${title}::${escapeData(`${f.message}\nFix: ${f.fix}`)}`,
    );
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
