/**
 * The drain hook: a preStop `exec` script that makes php-fpm stop without a failed request on any image,
 * whatever its STOPSIGNAL and whatever its `process_control_timeout` (0 included), by doing in the pod what
 * the image cannot be trusted to do:
 *
 * 1. wait `propagationSeconds`, while the endpoint removal reaches kube-proxy, ingresses and load balancers;
 * 2. wait until php-fpm's listener has no connection in progress, at most `longestRequestSeconds`;
 * 3. `kill -QUIT 1` (php-fpm's master must be the container's PID 1, or an init that forwards SIGQUIT);
 * 4. wait until PID 1 has exited, at most `exitWaitSeconds`, so the kubelet's stop signal finds nothing.
 *
 * **What the image needs.** A POSIX `/bin/sh` (dash, busybox ash and bash, `bash --posix` included, are
 * tested); a `sleep` command on `PATH` that takes fractional seconds (GNU coreutils and busybox both do);
 * `/proc` mounted (`/proc/uptime` for the clock, `/proc/net/tcp` and `/proc/net/tcp6`, or `/proc/net/unix`,
 * for the connections). Everything else is a shell builtin (`read`, `kill`, `printf`, `case`, `$(( ))`). An
 * image without `sleep` is refused at run time (exit 3, nothing signalled), not emulated: dash has no
 * `read -t`, and a wait on `/proc/uptime` would spin a core. Every image with a shell seen so far has `sleep`.
 *
 * **What counts as a connection in progress.** TCP: ESTABLISHED (`01`) sockets in `/proc/net/tcp{,6}` whose
 * local port is the listen port (and local address the listen address, or the pod IP from `podIpEnv`): the
 * server side of every accepted connection and of every connection still waiting in the accept backlog.
 * Unix socket: the kernel copies the listener's path onto every socket it creates for an incoming connection
 * (`unix_stream_connect`), so `/proc/net/unix` lists accepted connections with the listener's path and state
 * `03` (connected), and connections still in the backlog with the path and state `02`; both are counted.
 * Measured with php-fpm 8.2 and nginx 1.22 (`ss -x` agrees). The path matched is php-fpm's `listen` value as
 * bound, whatever path nginx's container mounts it at.
 *
 * **Cost.** Each look reads the whole table, TIME_WAIT sockets included: measured about 65 ms (dash) and
 * 120 ms (busybox) of CPU per 1,000 lines, and bash is given the file whole (its `read` is quadratic on /proc
 * files: 2.4 s for 1,300 lines). The next look waits `pollSeconds` or as long as the last one took.
 *
 * **Keep-alive** (`upstream { keepalive N; }` + `fastcgi_keep_conn on`): an idle cached connection is as
 * ESTABLISHED as a busy one, and it is counted, so with keep-alive the hook waits the whole
 * `longestRequestSeconds` bound (then SIGQUIT; idle workers die at once with process_control_timeout 0; nginx
 * retries once a request whose cached connection fails, `ngx_http_upstream_next`, read not measured). The cost
 * is time, not requests. Measured and
 * not relied on: php-fpm leaves FastCGI's 8-byte end-of-stdin record unread in the socket for the whole
 * request (rx_queue ≥ 8 while busy, 0 when idle), which would tell them apart, but it is an implementation
 * detail of php-fpm's `fastcgi.c`, and a body still streaming in (`fastcgi_request_buffering off`) would
 * look idle between chunks. Work after `fastcgi_finish_request()` is not seen at all (php-fpm closes the
 * connection first) and dies at SIGQUIT when process_control_timeout is 0.
 *
 * **Exit behaviour.** In a container the hook normally never returns: when php-fpm (PID 1) exits, the kernel
 * kills the rest of the PID namespace, the hook with it, and the kubelet may record a `FailedPreStopHook`
 * event (exit 137) carrying the hook's output: one `drain:` line per phase on stderr. Exit 0: PID 1 exited
 * and the hook outlived it (only where PID 1 is not the namespace's init). Exit 1: PID 1 still ran after
 * `exitWaitSeconds` (SIGQUIT dropped: a shell wrapper that does not `exec`, or a long
 * process_control_timeout); the kubelet's stop signal follows. Exit 2: `kill -QUIT 1` failed. Exit 3: no
 * `sleep`. A request still running when the `longestRequestSeconds` bound ends is not waited for: with
 * process_control_timeout 0, SIGQUIT kills it. The hook lasts at most {@link drainHookMaxSeconds}; the grace
 * period must cover that plus the kubelet's 2 s.
 *
 * **Shared network namespaces.** `podIpEnv` is for the rehearsal, whose pods share the host's network
 * namespace with their own 127.x address: the hook then counts only connections to that address. In a real
 * pod leave it unset (the pod's namespace holds only its own sockets), or a sidecar nginx on 127.0.0.1 would
 * not be counted. IPv4 in `/proc/net/tcp` is matched in little-endian order (amd64, arm64, ppc64le).
 */

/** Marks a generated drain hook, so that a reader of pod specs can recognise one. */
export const DRAIN_HOOK_MARKER = "fpm-graceful drain hook";

export type DrainListen = { kind: "tcp"; port: number; address?: string } | { kind: "unix"; path: string };

export interface DrainHookParams {
  /** Phase 1: seconds to wait for the endpoint removal to propagate. */
  propagationSeconds: number;
  /** Phase 2 bound: the longest request php-fpm serves, in seconds. */
  longestRequestSeconds: number;
  /** php-fpm's `listen`: TCP port (and address, when not a wildcard), or a unix socket's absolute path. */
  listen: { kind: "tcp"; port: number; address?: string } | { kind: "unix"; path: string };
  /**
   * Env var holding the pod IP (downward API `status.podIP`), to filter /proc/net/tcp by local address when
   * the network namespace is shared (the rehearsal). Not with a specific `listen.address`.
   */
  podIpEnv?: string;
  /** Seconds between two looks at the connections and at PID 1 (default 0.2). */
  pollSeconds?: number;
  /** Phase 4 bound: seconds to wait for PID 1 to exit after SIGQUIT (default `longestRequestSeconds`). */
  exitWaitSeconds?: number;
}

const MAX_SECONDS = 3600;

/** The hook as a preStop `exec.command`. */
export function drainHookCommand(params: DrainHookParams): string[] {
  return ["/bin/sh", "-c", drainHookScript(params)];
}

/** The longest the hook can last (seconds), for the grace period: every phase at its bound, plus polls. */
export function drainHookMaxSeconds(params: DrainHookParams): number {
  const p = validate(params);
  return (p.propagationCs + p.longestCs + p.exitWaitCs + 2 * p.pollCs) / 100;
}

/** The POSIX sh script (see the module comment for what it needs and how it ends). */
export function drainHookScript(params: DrainHookParams): string {
  const p = validate(params);
  const poll = seconds(p.pollCs);
  const lines: string[] = [
    `# ${DRAIN_HOOK_MARKER}: wait ${seconds(p.propagationCs)}s, wait until ${p.what} is idle (at most ${seconds(p.longestCs)}s), SIGQUIT to PID 1, wait for it to exit (at most ${seconds(p.exitWaitCs)}s)`,
    "log() { printf 'drain: %s\\n' \"$*\" >&2; }",
    `command -v sleep >/dev/null 2>&1 || { log "no sleep command in the image: not draining, the stop signal follows"; exit 3; }`,
    // Centiseconds since boot, from /proc/uptime (always two decimals); 1$f-100 keeps 08 from being octal.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "now() { read -r u r </proc/uptime; f=${u#*.}; T=$(( ${u%.*} * 100 + 1$f - 100 )); }",
    "secs() { S=$(( $1 / 100 )).$(( $1 % 100 / 10 ))$(( $1 % 10 )); }",
    // `scan FILE` calls `m` with each line's fields. bash re-reads a /proc file from its start after every
    // line (it seeks back past what it read ahead), so bash reads the file whole instead; dash and busybox
    // read byte by byte, linear in the file's size.
    "nl='\n'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    'scan() { set -f; if [ -n "${BASH_VERSION:-}" ]; then c=$(<"$1"); o=$IFS; IFS=$nl; for x in $c; do IFS=" "; m $x; IFS=$nl; done; IFS=$o; else while read -r x; do m $x; done <"$1"; fi; set +f; }',
    ...p.countFunction,
    // `cnt` counts and sets W, the wait before the next look: pollSeconds, or as long as counting took, so
    // that a /proc/net/tcp swollen with TIME_WAIT sockets costs at most half a core.
    `cnt() { now; C=$T; count; now; W=$(( T - C )); [ "$W" -ge ${p.pollCs} ] || W=${p.pollCs}; secs $W; }`,
    "now; T0=$T",
  ];
  if (p.propagationCs > 0) {
    lines.push(
      `log "phase 1/4: waiting ${seconds(p.propagationCs)}s for the endpoint removal to propagate"`,
      `sleep ${seconds(p.propagationCs)}`,
    );
  } else {
    lines.push(`log "phase 1/4: no propagation wait"`);
  }
  lines.push(
    `now; D=$(( T + ${p.longestCs} )); cnt`,
    `log "phase 2/4: $n connection(s) in progress on ${p.what}; waiting up to ${seconds(p.longestCs)}s for none"`,
    `while [ "$n" -gt 0 ] && [ "$T" -lt "$D" ]; do sleep $S; cnt; done`,
    `secs $(( T - T0 )); if [ "$n" -gt 0 ]; then log "phase 2/4: still $n connection(s) at +$\{S}s: signalling anyway"; else log "phase 2/4: idle at +$\{S}s"; fi`,
    // Both lines before the kill: php-fpm may exit, and the kernel kill the hook, before a later line is out.
    `log "phase 3/4: kill -QUIT 1"`,
    `log "phase 4/4: then waiting up to ${seconds(p.exitWaitCs)}s for PID 1 to exit (the hook ends with it)"`,
    `kill -QUIT 1 || { log "kill -QUIT 1 failed: the stop signal follows"; exit 2; }`,
    `now; D=$(( T + ${p.exitWaitCs} ))`,
    `while kill -0 1 2>/dev/null; do now; if [ "$T" -ge "$D" ]; then log "PID 1 still running after ${seconds(p.exitWaitCs)}s: the stop signal follows"; exit 1; fi; sleep ${poll}; done`,
    `now; secs $(( T - T0 )); log "PID 1 exited at +$\{S}s"`,
    "exit 0",
  );
  return `${lines.join("\n")}\n`;
}

interface Validated {
  propagationCs: number;
  longestCs: number;
  exitWaitCs: number;
  pollCs: number;
  /** How the listener is named in the log lines. */
  what: string;
  /** Shell lines defining `count`, which sets `n`. */
  countFunction: string[];
}

function fail(message: string): never {
  throw new RangeError(`drain hook: ${message}`);
}

function centiseconds(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    fail(`${name} must be a number of seconds from ${min} to ${max}, got ${String(value)}`);
  }
  return Math.round(value * 100);
}

function seconds(cs: number): string {
  return cs % 100 === 0 ? String(cs / 100) : (cs / 100).toFixed(2).replace(/0$/, "");
}

function validate(params: DrainHookParams): Validated {
  if (typeof params !== "object" || params === null) fail("parameters must be an object");
  const propagationCs = centiseconds("propagationSeconds", params.propagationSeconds, 0, MAX_SECONDS);
  const longestCs = centiseconds("longestRequestSeconds", params.longestRequestSeconds, 0, MAX_SECONDS);
  const pollCs = centiseconds("pollSeconds", params.pollSeconds ?? 0.2, 0.05, 5);
  const exitWaitCs = centiseconds(
    "exitWaitSeconds",
    params.exitWaitSeconds ?? longestCs / 100,
    0,
    MAX_SECONDS,
  );
  if (params.podIpEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(params.podIpEnv)) {
    fail(`podIpEnv must be an environment variable name, got ${JSON.stringify(params.podIpEnv)}`);
  }
  const listen = params.listen as DrainListen | undefined;
  if (listen?.kind === "unix") {
    if (params.podIpEnv !== undefined) fail("podIpEnv applies to a TCP listener, not a unix socket");
    return { propagationCs, longestCs, exitWaitCs, pollCs, ...unixCount(listen.path) };
  }
  if (listen?.kind === "tcp") {
    return { propagationCs, longestCs, exitWaitCs, pollCs, ...tcpCount(listen, params.podIpEnv) };
  }
  fail(
    `listen.kind must be "tcp" or "unix", got ${JSON.stringify((listen as unknown as { kind?: unknown } | undefined)?.kind)}`,
  );
}

function unixCount(path: unknown): Pick<Validated, "what" | "countFunction"> {
  // Shell-safe and one field in /proc/net/unix: no quoting needed, no whitespace.
  if (typeof path !== "string" || !/^\/[A-Za-z0-9._@%+=:,/-]+$/.test(path) || path.length > 107) {
    fail(
      `listen.path must be php-fpm's absolute socket path (letters, digits and ._@%+=:,/- only, at most 107 bytes), got ${JSON.stringify(path)}`,
    );
  }
  return {
    what: path,
    countFunction: [
      // Num RefCount Protocol Flags Type St Inode Path: 03 accepted (connected), 02 still in the backlog.
      `m() { [ "\${8:-}" = ${path} ] || return 0; case $6 in 02|03) n=$((n+1));; esac; }`,
      "count() { n=0; scan /proc/net/unix; }",
      `[ -r /proc/net/unix ] || { log "cannot read /proc/net/unix: waiting the whole bound"; count() { n=1; }; }`,
    ],
  };
}

function tcpCount(
  listen: { port: number; address?: string },
  podIpEnv: string | undefined,
): Pick<Validated, "what" | "countFunction"> {
  const port = listen.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`listen.port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  const address = specificAddress(listen.address);
  if (address !== undefined && podIpEnv !== undefined) {
    fail(`give either listen.address (${listen.address}) or podIpEnv (${podIpEnv}), not both`);
  }
  // `count` sets n to the ESTABLISHED (01) sockets whose local address:port matches $P4 (tcp) or $P6 (tcp6).
  const count = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    'm() { [ "${4:-}" = 01 ] || return 0; case $2 in $P4|$P6) n=$((n+1));; esac; }',
    'count() { n=0; for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] && scan "$f"; done; }',
  ];
  const noProc = `[ -r /proc/net/tcp ] || [ -r /proc/net/tcp6 ] || { log "cannot read /proc/net/tcp: waiting the whole bound"; count() { n=1; }; }`;
  if (address?.family === 4) {
    return {
      what: `${listen.address}:${port}`,
      countFunction: [
        `P4=${address.hex}:${portHex}; P6=0000000000000000FFFF0000${address.hex}:${portHex}`,
        ...count,
        noProc,
      ],
    };
  }
  if (address?.family === 6) {
    return {
      what: `[${listen.address?.replace(/^\[|\]$/g, "")}]:${port}`,
      countFunction: [`P4=none; P6=${address.hex}:${portHex}`, ...count, noProc],
    };
  }
  if (podIpEnv === undefined) {
    return { what: `port ${port}`, countFunction: [`P4=*:${portHex}; P6=*:${portHex}`, ...count, noProc] };
  }
  return {
    what: `$${podIpEnv}:${port}`,
    countFunction: [
      // The pod IP in /proc/net/tcp's little-endian hex (127.0.0.5 -> 0500007F); anything else: port only.
      `P4=*:${portHex}; P6=*:${portHex}; ip=\${${podIpEnv}:-}`,
      `case $ip in *[!0-9.]*|*..*|.*|*.|0[0-9]*|*.0[0-9]*) ;; *.*.*.*) o=$IFS; IFS=.; set -- $ip; IFS=$o; if [ $# -eq 4 ] && [ "$1" -le 255 ] && [ "$2" -le 255 ] && [ "$3" -le 255 ] && [ "$4" -le 255 ]; then h=$(printf %02X%02X%02X%02X "$4" "$3" "$2" "$1"); P4=$h:${portHex}; P6=0000000000000000FFFF0000$h:${portHex}; fi;; esac`,
      `[ "$P4" != "*:${portHex}" ] || log "${podIpEnv}='$ip' is not an IPv4 address: counting every connection on port ${port}"`,
      ...count,
      noProc,
    ],
  };
}

/** A specific listen address in /proc/net/tcp{,6}'s hex, or undefined for none or a wildcard. */
function specificAddress(address: string | undefined): { family: 4 | 6; hex: string } | undefined {
  if (address === undefined) return undefined;
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  if (bare === "" || bare === "*" || bare === "0.0.0.0" || bare === "::") return undefined;
  const v4 = ipv4Bytes(bare);
  if (v4) return { family: 4, hex: hexWords(v4) };
  const v6 = ipv6Bytes(bare);
  if (v6) return { family: 6, hex: hexWords(v6) };
  fail(
    `listen.address must be an IP address or a wildcard (php-fpm's listen = ADDRESS:PORT), got ${JSON.stringify(address)}`,
  );
}

/** Each 32-bit word as the kernel prints it, `%08X` of the native (little-endian) integer. */
function hexWords(bytes: number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    for (let j = 3; j >= 0; j--) out += (bytes[i + j] ?? 0).toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.map(Number);
}

function ipv6Bytes(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (![...left, ...right].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const wanted = 8 - tail.length / 2;
  const missing = wanted - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const bytes = all.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
  return [...bytes, ...tail];
}
