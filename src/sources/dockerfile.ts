import type { Located, SourceLocation } from "./location.js";

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

interface Instruction {
  keyword: string;
  args: string;
  loc: SourceLocation;
  /** Column where `args` starts, for pointing inside the line. */
  argsColumn: number;
  /** Last line of the instruction (with its continuation lines). */
  endLine: number;
}

/**
 * One stage of a Dockerfile (`FROM … [AS name]` up to the next FROM), with what it inherits: Docker keeps
 * STOPSIGNAL, ENTRYPOINT, CMD and ENV across `FROM <earlier stage>`, and from a base image too.
 */
export interface DockerStage {
  index: number;
  /** The `AS` name, lower-cased as Docker compares it. */
  name: string | undefined;
  /** The FROM image as written, with ARG defaults expanded (`php:${PHP_VERSION}-fpm` → `php:8.3-fpm`). */
  from: Located<string>;
  /** Whether the FROM still holds a `$VAR` no ARG default expands (the base image is then unknown). */
  unresolved: boolean;
  /** Index of the earlier stage this one is built FROM, if it is. */
  parent: number | undefined;
  /** Line of the stage's own FROM, after which a fix inserts instructions. */
  fromLine: number;
  stopSignal: Located<string> | undefined;
  entrypoint: DockerCommand | undefined;
  cmd: DockerCommand | undefined;
  /** ENV set by this stage and the stages it is built on. */
  env: Record<string, string>;
  settings: DockerWrittenSetting[];
  copies: DockerCopy[];
  /** A RUN that installs php-fpm or nginx from the distribution (`apt-get install php8.2-fpm`, `apk add nginx`). */
  installs: { server: "fpm" | "nginx"; loc: SourceLocation }[];
}

/** Every stage of a Dockerfile, in order; the last one is what `docker build` without `--target` makes. */
export interface DockerfileFacts {
  file: string;
  stages: DockerStage[];
  problems: { loc: SourceLocation; message: string }[];
}

const SETTING_KEYS = ["process_control_timeout", "request_terminate_timeout", "max_execution_time"];

/**
 * Reads every stage of a Dockerfile: base image (ARG defaults expanded), STOPSIGNAL, ENTRYPOINT/CMD and
 * their form, ENV, RUN lines that write php-fpm/php.ini settings or install php-fpm/nginx, and COPY lines.
 * A stage built FROM an earlier stage takes over its facts, as Docker does.
 *
 * @example
 *   const { stages } = parseDockerfile("Dockerfile", "ARG V=8.3\nFROM php:${V}-fpm AS app\nFROM caddy\n");
 *   stages[0].from.value; // "php:8.3-fpm"
 */
export function parseDockerfile(file: string, text: string): DockerfileFacts {
  const problems: DockerfileFacts["problems"] = [];
  const stages: DockerStage[] = [];
  // ARGs before the first FROM are in scope for every FROM line (Docker's "global" build args).
  // Null-prototype maps: an `ARG constructor` or `ENV __proto__=x` is a name like any other (#16).
  const globalArgs: Record<string, string> = Object.create(null);
  for (const ins of instructions(file, text)) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => w && !w.startsWith("--"));
      const written = words[0] ?? "";
      const expanded = expandArgs(written, globalArgs);
      const name = words[1]?.toUpperCase() === "AS" ? words[2]?.toLowerCase() : undefined;
      const parent = stages.find((s) => s.name !== undefined && s.name === expanded.value.toLowerCase());
      stages.push({
        index: stages.length,
        name,
        from: parent ? parent.from : { value: expanded.value, loc: { ...ins.loc, column: ins.argsColumn } },
        unresolved: parent ? parent.unresolved : expanded.unresolved,
        parent: parent?.index,
        fromLine: ins.loc.line,
        stopSignal: parent?.stopSignal,
        entrypoint: parent?.entrypoint,
        cmd: parent?.cmd,
        env: { ...parent?.env },
        settings: parent ? [...parent.settings] : [],
        copies: parent ? [...parent.copies] : [],
        installs: parent ? [...parent.installs] : [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (ins.keyword === "ARG") Object.assign(globalArgs, argDefaults(ins.args));
      // Only ARG may come before the first FROM; one problem says enough about a file that breaks this.
      else if (problems.length === 0) {
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
        stage.cmd = undefined;
        break;
      case "CMD":
        stage.cmd = command(ins.args, at);
        break;
      case "ENV":
        Object.assign(stage.env, envPairs(ins.args));
        break;
      case "RUN":
        stage.settings.push(...writtenSettings(ins.args, ins));
        stage.installs.push(...installs(ins.args, at));
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
  if (stages.length === 0)
    problems.push({ loc: { file, line: 1, column: 1 }, message: "no FROM instruction: not a Dockerfile" });
  return { file, stages, problems };
}

/** `${NAME}`, `$NAME` and `${NAME:-default}` expanded from ARG defaults; what cannot be is kept as written. */
function expandArgs(value: string, args: Record<string, string>): { value: string; unresolved: boolean } {
  let unresolved = false;
  const out = value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare?: string) => {
      const name = braced ?? bare ?? "";
      const set = Object.hasOwn(args, name) && args[name] !== "";
      if (op === "-") return set ? (args[name] as string) : (word ?? "");
      if (op === "+") return set ? (word ?? "") : "";
      if (set) return args[name] as string;
      unresolved = true;
      return whole;
    },
  );
  return { value: out, unresolved };
}

/** `ARG A=1 B="2"` → `{A: "1", B: "2"}`; an ARG without a default is not set. */
function argDefaults(args: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|\S*)/g)) {
    out[m[1] as string] = m[3] ?? m[4] ?? m[2] ?? "";
  }
  return out;
}

/** `ENV A=1 B="x y"` and the legacy `ENV A 1`. */
function envPairs(args: string): Record<string, string> {
  const trimmed = args.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(trimmed)) {
    const m = trimmed.match(/^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/);
    return m?.[1] ? { [m[1]]: m[2] ?? "" } : {};
  }
  return argDefaults(trimmed);
}

/**
 * Packages that put php-fpm or nginx into an image built from a plain distribution: the package words of
 * each `apt-get install` / `apk add` / `dnf install` command (`php8.2-fpm`, `php83-fpm`, `nginx`,
 * `nginx-extras`), not a word elsewhere in the RUN (`sed … user = nginx`).
 */
function installs(args: string, loc: SourceLocation): DockerStage["installs"] {
  const found: DockerStage["installs"] = [];
  for (const part of args.split(/&&|\|\||;/)) {
    const m = part.match(
      /\b(?:apt-get|apt|dnf|yum|microdnf|zypper)\s+(?:-\S+\s+)*install\b(.*)$|\bapk\s+(?:-\S+\s+)*add\b(.*)$/,
    );
    const packages = (m?.[1] ?? m?.[2] ?? "")
      .split(/\s+/)
      .filter((w) => w && !w.startsWith("-") && !w.startsWith("$"));
    const names = packages.map((p) => p.split(/[=<>]/)[0] ?? "");
    if (names.some((n) => /^php[\d.]*-fpm$/.test(n))) found.push({ server: "fpm", loc });
    if (names.some((n) => /^(nginx|nginx-(light|full|extras|core)|openresty)$/.test(n)))
      found.push({ server: "nginx", loc });
  }
  return found;
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
