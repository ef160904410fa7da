import type { ContainerRole, Front } from "../model/types.js";

/** Why requests fail in a window: each cause is one mechanism of FACTS.md, and one or more rules. */
export type FailureCause =
  | "closed-before-propagation"
  | "fpm-closed-behind-nginx"
  | "fpm-terminated"
  | "fpm-quit-without-timeout"
  | "fpm-quit-overridden"
  | "fpm-drain-timeout"
  | "sigkill"
  | "nginx-terminated"
  | "nginx-keepalive-closed"
  /** `--front l4`: client keep-alive connections pinned to the pod's nginx after php-fpm stopped serving. */
  | "keepalive-pinned";

/** What happens to a request caught in a window, as a client behind nginx or the Service sees it. */
export type FailureKind =
  /** A new connection is refused (502 through a proxy): the listener is closed. */
  | "refused"
  /** A new connection is accepted by the kernel but nobody answers: php-fpm's open backlog after SIGQUIT. */
  | "backlog"
  /** A request in flight is cut: the worker or nginx is terminated under it (502 reset, empty reply). */
  | "in-flight-killed"
  /** A request sent on an idle keep-alive connection that nginx closes at SIGQUIT: reset, POST not retried. */
  | "keepalive-reset";

export interface FailureWindow {
  container: string;
  kind: FailureKind;
  cause: FailureCause;
  /** Seconds since deletion. For in-flight kills `from === to`: the requests running at that moment fail. */
  from: number;
  to: number;
  /** For drain timeouts: only requests that have run longer than this many seconds when `to` comes fail. */
  runningLongerThan?: number;
  explanation: string;
}

export interface SignalDelivery {
  at: number;
  signal: string;
  from: "preStop" | "stop-signal" | "grace-period";
  /** False when it never reaches the server: a `kill` spelling the shell rejects, or a wrapper shell as PID 1. */
  delivered: boolean;
  note: string;
  /** A SIGQUIT sent once php-fpm has no request in flight (the drain hook), at the latest `idleBoundSeconds` later. */
  whenIdle?: { idleBoundSeconds: number };
}

export interface ContainerTimeline {
  container: string;
  role: ContainerRole;
  sidecar: boolean;
  preStop: {
    kind: "none" | "sleep" | "exec" | "httpGet";
    endsAt: number;
    overran: boolean;
    failure: string | undefined;
  };
  signals: SignalDelivery[];
  stopSignalAt: number;
  sigkillAt: number;
  /** When new connections stop being served (`Infinity` while the container lives to SIGKILL serving). */
  closesAt: number;
  /** What a new connection gets after `closesAt`. */
  afterClose: "refused" | "backlog";
  /** A graceful finish: php-fpm's `process_control_timeout` or nginx's SIGQUIT. */
  drain: { from: number; until: number } | undefined;
  exitAt: number;
  /** Moments at which requests in flight in this container are cut (worker or nginx terminated). */
  kills: InFlightKill[];
  processControlTimeoutSeconds?: number;
}

export interface InFlightKill {
  at: number;
  kind: "in-flight-killed" | "keepalive-reset";
  cause: FailureCause;
  runningLongerThan?: number;
  explanation: string;
}

export interface TimelineEvent {
  at: number;
  container: string | undefined;
  text: string;
}

/**
 * A workload's predicted termination, in seconds since the pod was marked for deletion. Rules read it,
 * `timeline` draws it, and `rehearse` measures the same sequence on real processes.
 */
export interface Timeline {
  workload: string;
  propagationSeconds: number;
  /** The front assumed (`--front`): `l7` an ingress, `l4` a kube-proxy Service (always set by computeTimeline). */
  front?: Front;
  gracePeriodSeconds: number;
  longestRequestSeconds: number;
  containers: ContainerTimeline[];
  events: TimelineEvent[];
  failureWindows: FailureWindow[];
  podExitSeconds: number;
  /** Facts the prediction rests on that the files did not state (image stop signals, links). */
  assumptions: string[];
}
