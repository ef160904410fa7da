/**
 * What a name read from a user's file may not do to the output it appears in. A container, file or image
 * name is data: in a terminal or CI log it must not move the cursor, ring, recolour or overwrite a line
 * (ESC, BEL, CR and the other C0/C1 controls), nor start a GitHub workflow command; in XML it must not
 * make the document invalid.
 */

// C0 controls, DEL and the C1 controls (U+0080–U+009F; U+009B is a one-byte CSI on some terminals).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being escaped
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * A string as it may appear in text output: every control character visible as an escape (`\x1b`, `\n`,
 * `\u0085`), everything else as it was.
 *
 * @example
 *   escapeControl("web\u001b[2Jx"); // "web\\x1b[2Jx"
 */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * Characters XML 1.0 cannot carry at all, even as a reference (§2.2 `Char`): C0 controls but tab, newline
 * and carriage return, U+FFFE, U+FFFF and lone surrogates. They become U+FFFD, so a name stays visibly
 * "something was here".
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML forbids
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string that is valid Unicode (what `encodeURIComponent` and UTF-8 need): lone surrogates as U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\ufffd");
}

/** A string that XML 1.0 accepts as character data (before `&`, `<`, `>` and quotes are escaped). */
export function xmlChars(s: string): string {
  return s.replace(NOT_XML, "\ufffd");
}

/**
 * GitHub's runner runs a workflow command from any line of a step's output (stdout or stderr) that starts
 * with `::` once leading whitespace is trimmed, and the legacy `##[command]` anywhere in a line
 * (actions/runner:src/Runner.Common/ActionCommand.cs, `TryParseV2` trims and tests `StartsWith("::")`;
 * `TryParse` looks for `##[` with `IndexOf`). A zero-width space is not whitespace to .NET's `TrimStart`,
 * so putting one in front keeps the line as it reads and stops the runner from taking it as a command.
 */
export function neutralizeWorkflowCommands(text: string): string {
  return text.replace(/^(\s*)::/gm, "$1\u200b::").replace(/##\[/g, "##\u200b[");
}

/**
 * The same for JSON: `##[` inside a string becomes `##\u005b`, which every JSON reader reads back as the
 * same string (a pretty-printed JSON line never starts with `::`).
 */
export function neutralizeWorkflowCommandsInJson(json: string): string {
  return json.replace(/##\[/g, "##\\u005b");
}

/** A workflow command's data (actions/runner `_escapeDataMappings`; `##[` as in neutralizeWorkflowCommands). */
export function escapeWorkflowData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/##\[/g, "##\u200b[");
}

/** A workflow command's property value (`_escapePropertyMappings`: data's, plus `:` and `,`). */
export function escapeWorkflowProperty(s: string): string {
  return escapeWorkflowData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * A copy of plain data (a check result, a drawing) with every string passed through `escape`: one walk,
 * linear in the data's size, so no renderer can forget a field that carries a name.
 */
export function mapStrings<T>(value: T, rewrite: (s: string) => string): T {
  if (typeof value === "string") return rewrite(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, rewrite)) as T;
  if (value !== null && typeof value === "object") {
    // fromEntries defines properties: a key named `__proto__` stays a key.
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, mapStrings(v, rewrite)])) as T;
  }
  return value;
}
