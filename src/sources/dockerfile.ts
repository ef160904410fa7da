import type { Located, SourceLocation } from "../model/types.js";

/** ENTRYPOINT or CMD: exec form (`["php-fpm","-F"]`) runs the program as PID 1; shell form runs `/bin/sh -c`. */
export interface DockerCommand {
  form: "exec" | "shell";
  argv: string[];
  text: string;
  loc: SourceLocation;
}

/** A `RUN` line that writes a php-fpm or php.ini setting into a file (the `echo … >> conf.d/x.ini` pattern). */
export interface DockerWrittenSetting {
  key: string;
  value: string;
  target: string;
  loc: SourceLocation;
  /** Whether the same RUN also wrote a `[global]` header into that file. */
  opensGlobal: boolean;
  /** The RUN instruction's first and last line (continuations included), for a fix that replaces it. */
  instructionLines: [number, number];
  /** Whether the RUN does nothing but write this setting (so a fix may replace the whole instruction). */
  soleCommand: boolean;
}

export interface DockerCopy {
  sources: string[];
  destination: string;
  loc: SourceLocation;
}

/** The facts of a Dockerfile's final stage that bear on shutdown (stages it builds FROM are folded in). */
export interface DockerfileFacts {
  file: string;
  baseImage: Located<string> | undefined;
  /** Line of the final stage's own FROM, after which a fix inserts instructions. */
  finalFromLine: number | undefined;
  stopSignal: Located<string> | undefined;
  entrypoint: DockerCommand | undefined;
  cmd: DockerCommand | undefined;
  settings: DockerWrittenSetting[];
  copies: DockerCopy[];
  problems: { loc: SourceLocation; message: string }[];
}

interface Instruction {
  keyword: string;
  args: string;
  loc: SourceLocation;
  /** Column where `args` starts, for pointing inside the line. */
  argsColumn: number;
  /** Last line of the instruction (with its continuation lines). */
  endLine: number;
}

interface Stage {
  name: string | undefined;
  from: Located<string>;
  stopSignal?: Located<string>;
  entrypoint?: DockerCommand;
  cmd?: DockerCommand;
  settings: DockerWrittenSetting[];
  copies: DockerCopy[];
  fromLine: number;
}

const SETTING_KEYS = ["process_control_timeout", "request_terminate_timeout", "max_execution_time"];

/**
 * Reads a Dockerfile's final stage: base image, STOPSIGNAL, ENTRYPOINT/CMD and their form, RUN lines that
 * write php-fpm/php.ini settings, and COPY lines. Docker inherits STOPSIGNAL, ENTRYPOINT and CMD from the
 * stage a `FROM` names, so a stage built on another stage of the same file takes over its facts.
 */
export function parseDockerfile(file: string, text: string): DockerfileFacts {
  const problems: DockerfileFacts["problems"] = [];
  const stages: Stage[] = [];
  for (const ins of instructions(file, text)) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const image = words[0] ?? "";
      const name = words[1]?.toUpperCase() === "AS" ? words[2]?.toLowerCase() : undefined;
      const parent = stages.find((s) => s.name === image.toLowerCase());
      const from = parent ? parent.from : { value: image, loc: { ...ins.loc, column: ins.argsColumn } };
      stages.push({
        name,
        from,
        ...(parent?.stopSignal ? { stopSignal: parent.stopSignal } : {}),
        ...(parent?.entrypoint ? { entrypoint: parent.entrypoint } : {}),
        ...(parent?.cmd ? { cmd: parent.cmd } : {}),
        settings: parent ? [...parent.settings] : [],
        copies: parent ? [...parent.copies] : [],
        fromLine: ins.loc.line,
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      // Only ARG may come before the first FROM; one problem says enough about a file that breaks this.
      if (ins.keyword !== "ARG" && problems.length === 0) {
        problems.push({
          loc: ins.loc,
          message: `${ins.keyword} before the first FROM: only ARG may precede it`,
        });
      }
      continue;
    }
    const at = { ...ins.loc, column: ins.argsColumn };
    switch (ins.keyword) {
      case "STOPSIGNAL":
        stage.stopSignal = { value: ins.args.trim(), loc: at };
        break;
      case "ENTRYPOINT":
        stage.entrypoint = command(ins.args, at);
        // Docker resets CMD when a stage sets ENTRYPOINT.
        delete stage.cmd;
        break;
      case "CMD":
        stage.cmd = command(ins.args, at);
        break;
      case "RUN":
        stage.settings.push(...writtenSettings(ins.args, ins));
        break;
      case "COPY":
      case "ADD": {
        const words = ins.args.split(/\s+/).filter((w) => w && !w.startsWith("--"));
        if (words.length >= 2)
          stage.copies.push({ sources: words.slice(0, -1), destination: words.at(-1) ?? "", loc: at });
        break;
      }
    }
  }
  const last = stages.at(-1);
  if (!last)
    problems.push({ loc: { file, line: 1, column: 1 }, message: "no FROM instruction: not a Dockerfile" });
  return {
    file,
    baseImage: last?.from,
    finalFromLine: last?.fromLine,
    stopSignal: last?.stopSignal,
    entrypoint: last?.entrypoint,
    cmd: last?.cmd,
    settings: last?.settings ?? [],
    copies: last?.copies ?? [],
    problems,
  };
}

/** Joins continuation lines (`\` at the end) and drops comments, keeping each instruction's first position. */
function* instructions(file: string, text: string): Generator<Instruction> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? "";
    if (/^\s*(#|$)/.test(first)) continue;
    const startLine = i;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? "";
      if (/^\s*#/.test(next)) continue;
      joined = `${joined.replace(/\\\s*$/, "")} ${next.trim()}`;
    }
    const m = joined.match(/^(\s*)([A-Za-z]+)(\s+)(.*)$/);
    if (!m) continue;
    const column = (m[1]?.length ?? 0) + 1;
    yield {
      keyword: (m[2] ?? "").toUpperCase(),
      args: m[4] ?? "",
      loc: { file, line: startLine + 1, column },
      argsColumn: column + (m[2]?.length ?? 0) + (m[3]?.length ?? 0),
      endLine: i + 1,
    };
  }
}

function command(args: string, loc: SourceLocation): DockerCommand {
  const trimmed = args.trim();
  if (trimmed.startsWith("[")) {
    try {
      const argv = JSON.parse(trimmed) as unknown;
      if (Array.isArray(argv) && argv.every((a) => typeof a === "string"))
        return { form: "exec", argv, text: trimmed, loc };
    } catch {
      // Docker runs an unparsable JSON array in shell form, and so do we.
    }
  }
  return { form: "shell", argv: ["/bin/sh", "-c", trimmed], text: trimmed, loc };
}

/** Finds `key=value` settings a RUN line writes into files with echo/printf/tee/sed. */
function writtenSettings(args: string, ins: Instruction): DockerWrittenSetting[] {
  const found: DockerWrittenSetting[] = [];
  // Each `&&`/`;` separated command is looked at on its own: `echo x >> a.ini && echo y >> b.conf`.
  const parts = args.split(/&&|;(?![^'"]*['"])|\|\|/);
  for (const part of parts) {
    const target = part.match(/(?:>>?|tee\s+(?:-a\s+)?|sed\s+.*\s)\s*["']?([^\s"';|&]+)["']?\s*$/)?.[1];
    for (const key of SETTING_KEYS) {
      // `printf '[global]\nprocess_control_timeout = 30s\n'`: after a literal `\n` there is no `\b`.
      const m = part.match(new RegExp(`(?:(?<!\\w)|(?<=\\\\n))${key}\\s*=\\s*([^\\s'"\\\\/]+)`));
      if (!m?.[1] || target === undefined) continue;
      const offset = args.indexOf(part) + (m.index ?? 0);
      found.push({
        key,
        value: m[1],
        target,
        opensGlobal: /\[global\]/.test(part),
        loc: { ...ins.loc, column: ins.argsColumn + Math.max(0, offset) },
        instructionLines: [ins.loc.line, ins.endLine],
        soleCommand: parts.length === 1,
      });
    }
  }
  return found;
}
