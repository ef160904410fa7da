// biome-ignore lint/suspicious/noControlCharactersInRegex: the SGR colour sequences picocolors writes
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a line takes on a terminal: colour sequences take none. */
export function visibleLength(s: string): number {
  return s.replace(SGR, "").length;
}

/**
 * A line folded at spaces to `width` columns, the continuation lines indented by `indent` spaces; a word
 * longer than the width (a path, a URL) stays whole. Without a width (not a terminal) the line is kept.
 * Linear in the line's length.
 */
export function wrapLine(line: string, width: number | undefined, indent: number): string[] {
  if (width === undefined || visibleLength(line) <= width) return [line];
  const pad = " ".repeat(indent);
  const lead = line.match(/^ */)?.[0] ?? "";
  const words = line.slice(lead.length).split(" ");
  const lines: string[] = [];
  let current = lead;
  let currentLength = lead.length;
  for (const word of words) {
    const length = visibleLength(word);
    if (currentLength > indent && currentLength + 1 + length > width && current.trim() !== "") {
      lines.push(current);
      current = pad + word;
      currentLength = indent + length;
    } else {
      const gap = current === lead ? "" : " ";
      current += gap + word;
      currentLength += gap.length + length;
    }
  }
  lines.push(current);
  return lines;
}
