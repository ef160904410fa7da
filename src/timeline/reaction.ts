import type { ContainerRole } from "../model/types.js";
import type { ContainerTimeline, InFlightKill, SignalDelivery } from "./types.js";

type Reaction = Pick<ContainerTimeline, "closesAt" | "afterClose" | "drain" | "exitAt" | "kills">;

const fmt = (s: number) => `${Number(s.toFixed(1))}s`;
const HARD = new Set(["SIGTERM", "SIGINT", "SIGKILL"]);

/**
 * How php-fpm or nginx reacts to the signals that reach it, in order (FACTS.md, measured on php-fpm 8.2 and
 * nginx 1.22):
 * - php-fpm, SIGTERM/SIGINT: workers terminated at once, listener closed: in-flight 502, new refused.
 * - php-fpm, SIGQUIT with `process_control_timeout` 0: the master terminates the workers within ms.
 * - php-fpm, SIGQUIT with a timeout: in-flight requests finish until the timeout; the listening socket
 *   stays open until the master exits, so new connections wait unanswered and are then reset; a later
 *   SIGTERM overrides the finish ('terminating' beats 'finishing', `fpm_pctl`); a second SIGQUIT is ignored.
 * - nginx, SIGTERM: in-flight proxied requests cut. SIGQUIT: in-flight finish, the listener closes at once
 *   and idle keep-alive connections are dropped.
 * - SIGKILL: everything still running dies.
 */
export function reactionOf(
  role: ContainerRole,
  signals: SignalDelivery[],
  pct: number,
  R: number,
  upstreamExitAt = Number.POSITIVE_INFINITY,
  /**
   * php-fpm behind nginx with FastCGI keep-alive (`fastcgi_keep_conn on` + an upstream `keepalive` pool):
   * an idle cached connection holds its worker after SIGQUIT, so the graceful finish lasts the whole
   * process_control_timeout while nginx holds the connections (until it exits, `heldUntil`); measured
   * 10.0 s instead of 2.2 s with a 10 s timeout, and requests still answered on cached connections.
   */
  heldUntil?: number,
): Reaction {
  const delivered = signals.filter((s) => s.delivered).sort((a, b) => a.at - b.at);
  const reaction: Reaction = {
    closesAt: Number.POSITIVE_INFINITY,
    afterClose: "refused",
    drain: undefined,
    exitAt: Number.POSITIVE_INFINITY,
    kills: [],
  };
  if (role === "other" || role === "worker") {
    const first = delivered.find((s) => s.signal !== "SIGWINCH");
    reaction.exitAt = first?.at ?? Number.POSITIVE_INFINITY;
    reaction.closesAt = reaction.exitAt;
    return reaction;
  }
  let finishing = false;
  for (const s of delivered) {
    if (s.at >= reaction.exitAt) break;
    const kill = (cause: InFlightKill["cause"], explanation: string) => {
      // A later drain deadline no longer applies: the processes are gone.
      reaction.kills = reaction.kills.filter((k) => k.at <= s.at);
      reaction.kills.push({ at: s.at, kind: "in-flight-killed", cause, explanation });
      reaction.closesAt = Math.min(reaction.closesAt, s.at);
      reaction.exitAt = s.at;
    };
    if (HARD.has(s.signal)) {
      if (s.signal === "SIGKILL") {
        kill(
          "sigkill",
          `SIGKILL at ${fmt(s.at)} (grace period over): requests still in ${role === "fpm" ? "php-fpm" : "nginx"} are cut`,
        );
      } else if (finishing && role === "fpm") {
        kill(
          "fpm-quit-overridden",
          `${s.signal} at ${fmt(s.at)} overrides php-fpm's graceful finish: workers are terminated, in-flight requests get 502`,
        );
      } else if (role === "fpm") {
        kill(
          "fpm-terminated",
          `${s.signal} at ${fmt(s.at)}: php-fpm terminates every worker at once, in-flight requests get 502`,
        );
      } else {
        // After SIGQUIT too: nginx's master lets a later SIGTERM turn the graceful shutdown into a fast one.
        kill(
          "nginx-terminated",
          `${s.signal} at ${fmt(s.at)}: nginx's fast shutdown cuts in-flight requests (empty reply)`,
        );
      }
      if (reaction.drain) reaction.drain.until = Math.min(reaction.drain.until, s.at);
      break;
    }
    if (s.signal !== "SIGQUIT" || finishing) continue;
    if (role === "nginx") {
      finishing = true;
      reaction.closesAt = s.at;
      // Its requests in flight are proxied to php-fpm: once php-fpm has exited they are over, answered or not.
      const until = Math.max(s.at, Math.min(s.at + R, upstreamExitAt));
      reaction.drain = { from: s.at, until };
      reaction.exitAt = until;
      reaction.kills.push({
        at: s.at,
        kind: "keepalive-reset",
        cause: "nginx-keepalive-closed",
        explanation: `SIGQUIT at ${fmt(s.at)}: nginx closes its listener and idle keep-alive connections; a request sent on one is reset`,
      });
      continue;
    }
    if (s.whenIdle && role === "fpm") {
      // Sent once nothing is in flight: nothing to kill, and nothing new arrives (the hook waited out the
      // propagation first). php-fpm exits at once; at the latest when the idle wait's bound ran out.
      finishing = true;
      reaction.closesAt = s.at;
      reaction.afterClose = "backlog";
      reaction.drain = { from: s.at, until: s.at + Math.min(R, s.whenIdle.idleBoundSeconds) };
      reaction.exitAt = reaction.drain.until;
      if (R > s.whenIdle.idleBoundSeconds && pct < R) {
        reaction.kills.push({
          at: s.at + s.whenIdle.idleBoundSeconds,
          kind: "in-flight-killed",
          cause: "fpm-drain-timeout",
          runningLongerThan: s.whenIdle.idleBoundSeconds,
          explanation: `the drain hook stops waiting at ${fmt(s.at + s.whenIdle.idleBoundSeconds)}: requests longer than ${fmt(s.whenIdle.idleBoundSeconds)} are still running when it sends SIGQUIT (502)`,
        });
      }
      continue;
    }
    if (pct <= 0) {
      reaction.kills.push({
        at: s.at,
        kind: "in-flight-killed",
        cause: "fpm-quit-without-timeout",
        explanation: `SIGQUIT at ${fmt(s.at)} with process_control_timeout 0: php-fpm's master terminates the workers at once, in-flight requests get 502`,
      });
      reaction.closesAt = s.at;
      reaction.exitAt = s.at;
      break;
    }
    finishing = true;
    reaction.closesAt = s.at;
    reaction.afterClose = "backlog";
    const drained = s.at + Math.min(pct, R);
    const until = heldUntil === undefined ? drained : Math.min(s.at + pct, Math.max(drained, heldUntil));
    reaction.drain = { from: s.at, until };
    reaction.exitAt = until;
    if (R > pct) {
      reaction.kills.push({
        at: s.at + pct,
        kind: "in-flight-killed",
        cause: "fpm-drain-timeout",
        runningLongerThan: pct,
        explanation: `process_control_timeout ${fmt(pct)} ends at ${fmt(s.at + pct)}: requests still running (up to ${fmt(R)} long) are killed, 502`,
      });
    }
  }
  return reaction;
}
