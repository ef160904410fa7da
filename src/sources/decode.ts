/**
 * Bytes to text and back. The model reads text with `\n` line breaks only: CRLF and CR-only endings
 * (classic Mac, some Windows tools) become `\n`, so a CR-only file is read as lines and not as one empty
 * line. What was there (encoding, byte-order mark, each line's ending) is read again from the file's own
 * bytes when `fix` writes it (`write.ts`), so nothing of it is lost.
 */

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/** How a file's bytes spell its text. */
export interface TextForm {
  encoding: TextEncoding;
  /** A byte-order mark before the text. */
  bom: boolean;
  /** Each line's ending in order (`\n`, `\r\n` or `\r`); the last line's is absent when it has none. */
  endings: string[];
}

/** The text of `bytes` (UTF-8, or UTF-16 behind its BOM) with its form; undefined for binary data. */
export function decodeBytes(bytes: Buffer): { raw: string; form: Omit<TextForm, "endings"> } | undefined {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return {
        raw: new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2)),
        form: { encoding: "utf-16le", bom: true },
      };
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return {
        raw: new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2)),
        form: { encoding: "utf-16be", bom: true },
      };
    if (bytes.subarray(0, 8192).includes(0)) return undefined;
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    // ignoreBOM: false strips a UTF-8 byte-order mark, which kubectl also accepts.
    return { raw: new TextDecoder("utf-8", { fatal: true }).decode(bytes), form: { encoding: "utf-8", bom } };
  } catch {
    return undefined;
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Text with every line break as `\n`, and the endings it had. */
export function normaliseLineEndings(raw: string): { text: string; endings: string[] } {
  const endings = raw.match(LINE_BREAK) ?? [];
  return { text: endings.some((e) => e !== "\n") ? raw.replace(LINE_BREAK, "\n") : raw, endings };
}

/** The form of a file as it is on disk, or undefined for binary data. */
export function formOf(bytes: Buffer): TextForm | undefined {
  const decoded = decodeBytes(bytes);
  if (!decoded) return undefined;
  return { ...decoded.form, endings: normaliseLineEndings(decoded.raw).endings };
}

/**
 * `after` (LF text, as the model and fix work on it) in the form of the file `before` came from: lines
 * that `before` also had keep their own ending, new lines take the ending of the line above them (or the
 * file's most common one), and the encoding and BOM stay. `before` and `form` describe the same file.
 *
 * @example
 *   encodeLike("a\nb\n", formOf(crlfBytes), "a\nx\nb\n") // "a\r\nx\r\nb\r\n" as bytes
 */
export function encodeLike(before: string, form: TextForm, after: string): Buffer {
  return encodeText(endingsLike(before, form, after), form);
}

/**
 * `after` with each line's ending as `encodeLike` writes it, still a string: what `fix --diff` shows, so
 * that the patch applies to the file's own bytes (a CRLF file's diff has CRLF lines).
 */
export function endingsLike(before: string, form: Pick<TextForm, "endings">, after: string): string {
  const beforeLines = before.split("\n");
  const afterLines = after.split("\n");
  const common = commonest(form.endings);
  const endingOf = matchEndings(beforeLines, afterLines, form.endings, common);
  let text = "";
  for (let i = 0; i < afterLines.length; i++) {
    text += afterLines[i];
    if (i < afterLines.length - 1) text += endingOf[i];
  }
  return text;
}

function encodeText(text: string, form: Pick<TextForm, "encoding" | "bom">): Buffer {
  if (form.encoding === "utf-8") {
    const body = Buffer.from(text, "utf8");
    return form.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  }
  const le = Buffer.from(text, "utf16le");
  if (form.encoding === "utf-16be") le.swap16();
  const bom = form.encoding === "utf-16le" ? [0xff, 0xfe] : [0xfe, 0xff];
  return form.bom ? Buffer.concat([Buffer.from(bom), le]) : le;
}

function commonest(endings: string[]): string {
  const counts = new Map<string, number>();
  for (const e of endings) counts.set(e, (counts.get(e) ?? 0) + 1);
  let best = "\n";
  let bestCount = 0;
  for (const [e, n] of counts)
    if (n > bestCount) {
      best = e;
      bestCount = n;
    }
  return best;
}

/**
 * The ending after each line of `after` but its last. Lines are matched to `before` by a longest common
 * subsequence over lines when the files are small, else by a common prefix and suffix (a fix edits a few
 * places; the middle then takes the ending of the line above).
 */
function matchEndings(before: string[], after: string[], endings: string[], common: string): string[] {
  const source = new Array<number>(after.length).fill(-1);
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) {
    source[head] = head;
    head++;
  }
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    source[after.length - 1 - tail] = before.length - 1 - tail;
    tail++;
  }
  const b = before.slice(head, before.length - tail);
  const a = after.slice(head, after.length - tail);
  // An LCS table of the changed middle; bounded so that a rewrite of a large file stays linear-ish.
  if (a.length > 0 && b.length > 0 && a.length * b.length <= 4_000_000) {
    const width = b.length + 1;
    const table = new Uint32Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i--)
      for (let j = b.length - 1; j >= 0; j--)
        table[i * width + j] =
          a[i] === b[j]
            ? (table[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] === b[j]) {
        source[head + i] = head + j;
        i++;
        j++;
      } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) i++;
      else j++;
    }
  }
  const out: string[] = [];
  let previous = common;
  for (let i = 0; i < after.length - 1; i++) {
    const from = source[i] ?? -1;
    // before's last line has no ending of its own; a line matched to it that is no longer last takes the common one.
    const own = from >= 0 ? endings[from] : undefined;
    const ending = own ?? (from >= 0 ? common : previous);
    out.push(ending);
    previous = ending;
  }
  return out;
}
