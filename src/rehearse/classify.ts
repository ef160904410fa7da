/**
 * Why a request failed, from what the client saw, nginx's `X-Upstream` header, the ids php-fpm workers
 * started (logged by the app), and the ingress Service's connection log. The classes of FACTS.md:
 * - `502-reset`: a worker had started it and died (SIGTERM, or SIGQUIT with process_control_timeout 0);
 * - `502-refused`: nginx could not connect to php-fpm (listener closed, or the fpm Service reset at once);
 * - `502-backlog`: connected but never started: it waited in php-fpm's open backlog until the master exited;
 * - `504`: nginx gave up waiting; `http-error`: any other status ≥ 400;
 * - `refused`, `reset`, `timeout`: the client's own connection (nginx gone, keep-alive races).
 */
import type { RequestRecord } from "./load.js";

export type FailureKind =
  | "502-reset"
  | "502-refused"
  | "502-backlog"
  | "504"
  | "http-error"
  | "refused"
  | "reset"
  | "timeout";

export const FAILURE_KINDS: readonly FailureKind[] = [
  "502-reset",
  "502-refused",
  "502-backlog",
  "504",
  "http-error",
  "refused",
  "reset",
  "timeout",
];

export interface ClassifyContext {
  /** Request ids a php-fpm worker started. */
  startedIds: ReadonlySet<string>;
  /** Client ports whose connection the ingress Service refused (upstream refused, or no endpoint). */
  refusedClientPorts: ReadonlySet<number>;
}

/**
 * Below this, a 502 after a successful connect is the fpm Service resetting a refused connection; a wait in
 * php-fpm's open backlog lasts until its master exits, seconds later. Generous, so that a loaded machine
 * (a slow reset) does not turn a refusal into a backlog wait.
 */
const IMMEDIATE_SECONDS = 1;

export function classify(record: RequestRecord, ctx: ClassifyContext): "ok" | FailureKind {
  const { status } = record;
  if (status !== undefined) {
    if (status < 400) return "ok";
    if (status === 504) return "504";
    if (status !== 502) return "http-error";
    if (ctx.startedIds.has(record.id)) return "502-reset";
    const [, , connect, , response] = (record.upstream ?? "").split("|").map((s) => s.trim());
    if (connect === undefined || connect === "" || connect === "-") return "502-refused";
    const waited = Number.parseFloat(response ?? "");
    return Number.isFinite(waited) && waited < IMMEDIATE_SECONDS ? "502-refused" : "502-backlog";
  }
  const code = record.error ?? "";
  if (/TIMEOUT/i.test(code)) return "timeout";
  if (code === "ECONNREFUSED") return "refused";
  if (record.clientPort !== undefined && ctx.refusedClientPorts.has(record.clientPort)) return "refused";
  return "reset";
}
