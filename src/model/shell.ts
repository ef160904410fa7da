import { memoized } from "./memo.js";
import type { ExecHookAnalysis, ExecKill, ImageShell, Signal } from "./types.js";

// Null prototype: looked up with what a user wrote (`kill -constructor 1` is no signal).
const SIGNAL_NUMBERS: Record<string, Signal> = Object.assign(Object.create(null), {
  "1": "SIGHUP",
  "2": "SIGINT",
  "3": "SIGQUIT",
  "9": "SIGKILL",
  "15": "SIGTERM",
});

/** The script a preStop `exec` runs and the shell it names, if any (`["sh","-c","…"]` → dash on Debian). */
export function execScript(command: string[]): { script: string; shell: ImageShell | "image" | "none" } {
  const [head, flag, script] = command;
  const base = head?.split("/").at(-1);
  if (
    (base === "sh" || base === "bash" || base === "ash" || base === "dash") &&
    flag === "-c" &&
    script !== undefined
  ) {
    return {
      script,
      shell: base === "bash" ? "bash" : base === "dash" ? "dash" : base === "ash" ? "busybox" : "image",
    };
  }
  return { script: command.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" "), shell: "none" };
}

/**
 * Reads a preStop script the way the kubelet will run it: how long it sleeps before doing anything else
 * (the part that covers endpoint propagation), which signals it sends and when, and which shells reject
 * the `kill` spelling it uses. dash (Debian's /bin/sh, so the official `php:*-fpm` images) answers
 * `kill -SIGQUIT 1` with `kill: Illegal option -S` and exit 2 (measured, see FACTS.md). Remembered by
 * script (`memo.ts`): the model, the rules and the fixes read the same hook.
 *
 * @example
 *   analyseExecHook("sleep 10 && kill -SIGQUIT 1")
 *   // { delaySeconds: 10, durationSeconds: 10, kills: [{ atSeconds: 10, signal: "SIGQUIT", rejectedBy: ["dash"], … }] }
 */
export const analyseExecHook: (script: string) => ExecHookAnalysis = memoized(analyse, 256, 4096);

function analyse(script: string): ExecHookAnalysis {
  const drain = drainHookAnalysis(script);
  if (drain) return drain;
  let t = 0;
  let delaySeconds: number | undefined;
  let opaque = false;
  const kills: ExecKill[] = [];
  if (/\b(while|until|for)\b|\$\(\(|`/.test(script)) opaque = true;
  for (const { text, offset } of commands(script)) {
    const words = text.split(/\s+/).filter(Boolean);
    const [cmd, ...rest] = words;
    const name = cmd?.split("/").at(-1);
    if (name === "exec") continue;
    if (name === "sleep") {
      const seconds = parseSleep(rest[0]);
      if (seconds === undefined) opaque = true;
      else t += seconds;
      continue;
    }
    if (name === "kill" || name === "pkill" || name === "killall") {
      if (delaySeconds === undefined) delaySeconds = t;
      kills.push(parseKill(name, rest, t, offset + text.indexOf(cmd ?? "")));
      continue;
    }
    if (name === "nginx" && rest[0] === "-s") {
      if (delaySeconds === undefined) delaySeconds = t;
      const signal: Signal | undefined =
        rest[1] === "quit" ? "SIGQUIT" : rest[1] === "stop" ? "SIGTERM" : undefined;
      kills.push({
        atSeconds: t,
        signal,
        spelling: `-s ${rest[1] ?? ""}`,
        target: "nginx",
        rejectedBy: [],
        offset,
      });
      continue;
    }
    if (name === "true" || name === ":" || name === "echo" || name === "printf") continue;
    // Any other command (a drain script, curl to a hook endpoint) runs for an unknown time.
    if (delaySeconds === undefined) delaySeconds = t;
    opaque = true;
  }
  // `kill -QUIT 1; while kill -0 1; do sleep 0.2; done`: the hook lasts until PID 1 has exited.
  const waitsForExit = kills.length > 0 && /\bwhile\s+kill\s+-0\s+1\b/.test(script);
  return {
    delaySeconds: delaySeconds ?? t,
    durationSeconds: opaque ? undefined : t,
    kills,
    opaque: opaque && !waitsForExit,
    ...(waitsForExit ? { waitsForExit } : {}),
  };
}

/**
 * The drain hook `fix` writes (src/drain/hook.ts), read from its first line: it waits the propagation
 * budget, then until php-fpm has no request in flight (at most the longest request), sends SIGQUIT to
 * PID 1 and waits for it to exit.
 */
function drainHookAnalysis(script: string): ExecHookAnalysis | undefined {
  const m = script.match(
    /^# fpm-graceful drain hook: wait (\d+(?:\.\d+)?)s, wait until .* is idle \(at most (\d+(?:\.\d+)?)s\), SIGQUIT to PID 1, wait for it to exit \(at most (\d+(?:\.\d+)?)s\)/,
  );
  if (!m) return undefined;
  const delay = Number(m[1]);
  const idle = Number(m[2]);
  const exit = Number(m[3]);
  const at = script.indexOf("kill -QUIT 1");
  return {
    delaySeconds: delay,
    durationSeconds: delay + idle + exit,
    kills: [
      {
        atSeconds: delay,
        signal: "SIGQUIT",
        spelling: "-QUIT",
        target: "1",
        rejectedBy: [],
        offset: Math.max(0, at),
        whenIdle: { idleBoundSeconds: idle },
      },
    ],
    opaque: false,
    waitsForExit: true,
  };
}

/**
 * The commands of a preStop script that are the user's own: everything but waiting (`sleep`), signalling
 * the server (`kill … 1`, `pkill php-fpm`, `nginx -s quit`) and no-ops. A fix may replace a hook that has
 * none; one that has some (`php artisan horizon:terminate`, a deregistration call) must keep them.
 *
 * @example
 *   userCommands("sleep 5 && php artisan horizon:terminate"); // ["php artisan horizon:terminate"]
 */
export const userCommands: (script: string) => readonly string[] = memoized(ownCommands, 256, 4096);

function ownCommands(script: string): string[] {
  const out: string[] = [];
  for (const { text } of commands(script)) {
    const words = text.replace(/^exec\s+/, "").split(/\s+/);
    const name = words[0]?.split("/").at(-1) ?? "";
    if (name === "sleep" || name === "true" || name === ":" || name === "") continue;
    if (name === "kill" || name === "pkill" || name === "killall") {
      const kill = parseKill(name, words.slice(1), 0, 0);
      if (targetsServer(kill)) continue;
    }
    if ((name === "nginx" || name === "openresty") && words[1] === "-s") continue;
    out.push(text);
  }
  return out;
}

function* commands(script: string): Generator<{ text: string; offset: number }> {
  const re = /[^;&|\n]+/g;
  for (let m = re.exec(script); m; m = re.exec(script)) {
    const text = m[0].trim();
    if (text) yield { text, offset: m.index + (m[0].length - m[0].trimStart().length) };
  }
}

function parseSleep(arg: string | undefined): number | undefined {
  const m = arg?.match(/^(\d+(?:\.\d+)?)([smh]?)$/);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

function parseKill(name: string, args: string[], atSeconds: number, offset: number): ExecKill {
  let signal: Signal | undefined =
    name === "kill" || name === "pkill" || name === "killall" ? "SIGTERM" : undefined;
  let spelling = "";
  const rejectedBy: ImageShell[] = [];
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-s" || arg === "--signal" || arg === "-n") {
      const value = args[++i] ?? "";
      spelling = `${arg} ${value}`;
      signal = toSignal(value);
    } else if (/^-[A-Za-z0-9]+$/.test(arg) && targets.length === 0) {
      spelling = arg;
      const value = arg.slice(1);
      signal = toSignal(value);
      // dash's builtin kill takes `-QUIT` or `-3` but not `-SIGQUIT`; busybox and bash take all three.
      if (name === "kill" && /^SIG/i.test(value)) rejectedBy.push("dash");
    } else if (!arg.startsWith("-")) {
      targets.push(arg);
    }
  }
  return {
    atSeconds,
    signal,
    spelling: spelling || "(default)",
    target: targets.join(" ") || "?",
    rejectedBy,
    offset,
  };
}

function toSignal(value: string): Signal | undefined {
  if (SIGNAL_NUMBERS[value]) return SIGNAL_NUMBERS[value];
  const upper = value.toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  const known: Signal[] = [
    "SIGTERM",
    "SIGQUIT",
    "SIGINT",
    "SIGKILL",
    "SIGWINCH",
    "SIGUSR1",
    "SIGUSR2",
    "SIGHUP",
  ];
  return known.find((s) => s === name);
}

/** Whether a kill's target is the container's PID 1 or the server itself (by PID file or name). */
export function targetsServer(kill: ExecKill): boolean {
  return /(^|\s)1(\s|$)|php-fpm|nginx|\.pid|pidof|pgrep/.test(kill.target);
}

/** What a `-c` script's last command is, read with its quotes: the command PID 1's shell runs last. */
export interface LastCommand {
  /** The last command's text, trimmed. */
  text: string;
  /** Where that text starts in the script (0-based), for an edit that puts `exec` before it. */
  offset: number;
  /**
   * A plain command at the top level (no pipeline, background `&`, subshell, group, loop or conditional,
   * and no `trap` anywhere in the script): the one a shell that execs its last command replaces itself with.
   */
  plain: boolean;
}

const COMPOUND_WORDS = /^(?:while|until|for|if|then|else|elif|fi|do|done|case|esac|select|function|trap)$/;

/**
 * Splits a `sh -c` script at its top-level `;`, `&&`, `||`, `&`, `|` and newlines (quotes and escapes kept
 * together) and answers its last command and whether it is plain.
 *
 * @example
 *   lastCommandOf("envsubst < t > c; nginx -g 'daemon off;'") // { text: "nginx -g 'daemon off;'", offset: 18, plain: true }
 *   lastCommandOf("php-fpm -F | tee log")                      // { text: "tee log", offset: 13, plain: false }
 */
export function lastCommandOf(script: string): LastCommand {
  const commands: { text: string; after: string; start: number }[] = [];
  let current = "";
  let start = 0;
  let quote: "'" | '"' | undefined;
  let plain = true;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      current += ch;
      if (ch === "\\" && quote === '"') current += script[++i] ?? "";
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === "\\") {
      current += ch + (script[++i] ?? "");
    } else if (ch === "#" && /(?:^|\s)$/.test(current)) {
      // A comment runs to the end of its line; keep its width so that offsets stay the script's.
      while (i + 1 < script.length && script[i + 1] !== "\n") {
        i++;
        current += " ";
      }
      current += " ";
    } else if (ch === ";" || ch === "\n" || ch === "&" || ch === "|") {
      const double = script[i + 1] === ch && (ch === "&" || ch === "|");
      if (double) i++;
      commands.push({ text: current.trim(), after: double ? ch + ch : ch, start });
      current = "";
      start = i + 1;
    } else {
      if (ch === "(" || ch === ")" || ch === "{" || ch === "}" || ch === "`") plain = false;
      current += ch;
    }
  }
  commands.push({ text: current.trim(), after: "", start });
  const filled = commands.filter((c) => c.text !== "");
  if (filled.some((c) => COMPOUND_WORDS.test(c.text.split(/\s+/)[0] ?? ""))) plain = false;
  const last = filled.at(-1);
  if (!last) return { text: "", offset: script.length, plain: false };
  // `a | b` runs b in a pipeline child; `b &` in the background: neither replaces the shell.
  const index = commands.lastIndexOf(last);
  const before = commands[index - 1]?.after;
  if (last.after === "&" || last.after === "|" || before === "|") plain = false;
  const raw = script.slice(last.start);
  return { text: last.text, offset: last.start + (raw.length - raw.trimStart().length), plain };
}
