import type { SourceLocation } from "./location.js";

/** Maps a 0-based line and column of a text to a place in a user's file (embedded texts start mid-file). */
export type LineMapper = (line0: number, column0: number) => SourceLocation;

export const fileLines =
  (file: string): LineMapper =>
  (line0, column0) => ({ file, line: line0 + 1, column: column0 + 1 });

/** One `key = value` line of a php-fpm or php.ini file, with the section it stands in. */
export interface IniEntry {
  /** The section in force (`global`, `www`, `PHP`), or undefined before the first header. */
  section: string | undefined;
  key: string;
  value: string;
  loc: SourceLocation;
}

export interface IniParse {
  entries: IniEntry[];
  /** Section headers in order, with where each opens. */
  sections: { name: string; loc: SourceLocation }[];
  problems: { loc: SourceLocation; message: string }[];
}

/**
 * Reads php-fpm's and php.ini's shared syntax (PHP's INI scanner): `[section]` headers, `key = value`,
 * `;` comments. php-fpm's pool and global options are told apart by the section, as `fpm_conf.c` does.
 */
export function parseIni(text: string, at: LineMapper): IniParse {
  const result: IniParse = { entries: [], sections: [], problems: [] };
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/^\uFEFF/, "");
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith(";") || trimmed.startsWith("#")) return;
    const indent = line.length - line.trimStart().length;
    const header = trimmed.match(/^\[([^\]]+)\]\s*(;.*)?$/);
    if (header?.[1] !== undefined) {
      section = header[1].trim();
      result.sections.push({ name: section, loc: at(index, indent) });
      return;
    }
    const eq = trimmed.indexOf("=");
    if (eq <= 0) {
      result.problems.push({
        loc: at(index, indent),
        message: `expected 'key = value' or '[section]', got '${trimmed.slice(0, 60)}'`,
      });
      return;
    }
    const key = trimmed.slice(0, eq).trim();
    const value = unquote(
      trimmed
        .slice(eq + 1)
        .replace(/\s;.*$/, "")
        .trim(),
    );
    result.entries.push({ section, key, value, loc: at(index, indent) });
  });
  return result;
}

function unquote(value: string): string {
  const m = value.match(/^"(.*)"$/) ?? value.match(/^'(.*)'$/);
  return m?.[1] ?? value;
}

/**
 * php-fpm's time values: a number with an optional s, m, h or d suffix (`fpm_conf_set_time`); a bare
 * number is seconds. Answers undefined for anything else.
 */
export function parseFpmSeconds(value: string): number | undefined {
  const m = value.trim().match(/^(\d+)\s*([smhd]?)$/i);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const seconds = unit === "m" ? n * 60 : unit === "h" ? n * 3600 : unit === "d" ? n * 86400 : n;
  // php-fpm keeps its time values in a C `int` (php-src sapi/fpm/fpm/fpm_conf.h): beyond that is no number it reads.
  return seconds <= INT32_MAX ? seconds : undefined;
}

const INT32_MAX = 2 ** 31 - 1;
