/**
 * The text applier: edits (`types.ts`) applied to file texts, each other byte kept (YAML through
 * `yaml-text.ts`, Dockerfiles and configs by line). It knows nothing of rules or findings.
 */
import type { AppendDocumentEdit, Edit, ManifestEdit, TextEdit } from "./types.js";
import { appendDocument, applyManifestEdits, EditError } from "./yaml-text.js";

export interface FileChange {
  file: string;
  before: string;
  after: string;
}

/**
 * Applies edits to file texts: manifest edits in order (each re-parses), then new documents, then line
 * edits from the bottom up so earlier line numbers stay valid. A file whose edits fail is left unchanged
 * and reported; other files still change.
 *
 * @example
 *   const { changes, failures } = applyEdits(new Map([["app.yaml", text]]), edits);
 */
export function applyEdits(
  texts: Map<string, string>,
  edits: Edit[],
): { changes: FileChange[]; failures: { file: string; message: string }[] } {
  const byFile = new Map<string, Edit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  const changes: FileChange[] = [];
  const failures: { file: string; message: string }[] = [];
  for (const [file, fileEdits] of byFile) {
    const before = texts.get(file);
    if (before === undefined) {
      failures.push({ file, message: "not read from a file (stdin?): cannot edit it in place" });
      continue;
    }
    try {
      const manifestEdits = fileEdits.filter((e): e is ManifestEdit => e.kind === "manifest");
      const appended = fileEdits.filter((e): e is AppendDocumentEdit => e.kind === "append-document");
      const json = /\.json$/i.test(file);
      let after = withLineEndings(before, (lf) => {
        let text = applyManifestEdits(lf, manifestEdits, json ? "json" : "yaml");
        if (json) text = appendToJsonList(text, appended);
        else for (const edit of appended) text = appendDocument(text, edit.value);
        return text;
      });
      // A JSON manifest must stay JSON, not merely YAML.
      if (json) JSON.parse(after);
      after = applyTextEdits(
        after,
        fileEdits.filter((e): e is TextEdit => e.kind === "text"),
      );
      if (after !== before) changes.push({ file, before, after });
    } catch (error) {
      failures.push({ file, message: error instanceof EditError ? error.message : String(error) });
    }
  }
  return { changes, failures };
}

/** Line edits, bottom-up; the file's own line ending (LF or CRLF) is kept. */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  if (edits.length === 0) return text;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const trailing = lines.at(-1) === "" ? lines.pop() : undefined;
  const sorted = [...edits].sort((a, b) => b.line - a.line || b.deleteLines - a.deleteLines);
  for (const edit of sorted) {
    if (edit.line < 1 || edit.line > lines.length + 1)
      throw new EditError(`line ${edit.line} is outside the file`);
    lines.splice(edit.line - 1, edit.deleteLines, ...edit.insertLines);
  }
  return lines.join(eol) + (trailing !== undefined ? eol : "");
}

/** YAML edits work on LF text; a CRLF file is converted for them and back, so its line endings stay. */
function withLineEndings(text: string, edit: (lf: string) => string): string {
  if (!text.includes("\r\n")) return edit(text);
  return edit(text.replace(/\r\n/g, "\n")).replace(/\n/g, "\r\n");
}

/** New objects join a JSON `List`'s items (a JSON file holds one document). */
function appendToJsonList(text: string, appended: AppendDocumentEdit[]): string {
  if (appended.length === 0) return text;
  const value = JSON.parse(text) as { kind?: string; items?: unknown[] };
  if (value.kind !== "List" || !Array.isArray(value.items)) {
    throw new EditError("cannot add an object to a JSON file that is not a List");
  }
  const edits = appended.map(
    (a): ManifestEdit => ({
      kind: "manifest",
      file: a.file,
      documentIndex: 0,
      path: ["items"],
      op: "append",
      value: a.value,
    }),
  );
  return applyManifestEdits(text, edits, "json");
}
