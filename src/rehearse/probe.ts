/** Readiness probes as the kubelet runs them: TCP connect, HTTP GET (200-399), or exec inside the container. */
import { request } from "node:http";
import { connect } from "node:net";
import { execInNamespace, type NamespaceProcess } from "./namespace.js";
import type { ReadinessPlan } from "./plan.js";
import type { ProcessRegistry } from "./registry.js";

export interface ProbeTarget {
  ip: string;
  process: NamespaceProcess;
  registry: ProcessRegistry;
  /** How `sh` is spelled in the image: `["sh"]` (dash here) or `["busybox", "sh"]`. */
  shell: string[];
}

export function runProbe(probe: ReadinessPlan, target: ProbeTarget, timeoutMs = 1000): Promise<boolean> {
  switch (probe.kind) {
    case "tcpSocket":
      return tcpProbe(target.ip, probe.port, timeoutMs);
    case "httpGet":
      return httpProbe(target.ip, probe.port, probe.path, timeoutMs);
    case "exec":
      return execInNamespace(target.process, withShell(probe.command, target.shell), target.registry).then(
        (result) => result.code === 0,
      );
  }
}

/** How the host runs an image's `/bin/sh`: dash is Debian's `sh`; busybox's ash and bash by their binaries. */
export function shellArgv(shell: "dash" | "busybox" | "bash" | undefined): string[] {
  return shell === "busybox" ? ["busybox", "sh"] : shell === "bash" ? ["bash"] : ["sh"];
}

/** `sh` / `/bin/sh` at the head of a command becomes the image's shell (busybox for Alpine-like images). */
export function withShell(command: string[], shell: string[]): string[] {
  const [head, ...rest] = command;
  if (head === "sh" || head === "/bin/sh") return [...shell, ...rest];
  return command;
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    req.once("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.once("error", () => resolve(false));
    req.end();
  });
}
