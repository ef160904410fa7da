/**
 * A Deployment's rolling update (replicas, maxSurge, maxUnavailable), driven as the Deployment controller
 * does: create new pods while the total stays within replicas + maxSurge, delete an old pod only while the
 * available (ready) pods stay at least replicas − maxUnavailable. Terminating pods do not count.
 */
import { type Recorder, sleep } from "./events.js";
import { terminatePod } from "./kubelet.js";
import type { PodPlan, RolloutPlan } from "./plan.js";
import { Pod, type RuntimeContext } from "./pod.js";
import type { Service } from "./service.js";

export class RolloutError extends Error {
  constructor(
    message: string,
    readonly code: "invalid-rollout" | "rollout-timeout",
  ) {
    super(message);
  }
}

export class Deployment {
  /** Every pod this Deployment ever made, in creation order. */
  readonly allPods: Pod[] = [];
  private current: Pod[] = [];
  private generation = 0;
  private serial = 0;

  constructor(
    readonly name: string,
    readonly replicas: number,
    readonly podPlan: PodPlan,
    readonly rollout: RolloutPlan,
    readonly service: Pick<Service, "setReady" | "visibleReadyPods">,
    private readonly ctx: RuntimeContext,
  ) {
    if (rollout.maxSurge === 0 && rollout.maxUnavailable === 0) {
      throw new RolloutError("maxSurge and maxUnavailable cannot both be 0", "invalid-rollout");
    }
  }

  private get recorder(): Recorder {
    return this.ctx.recorder;
  }

  private async createPod(): Promise<Pod> {
    const pod = await Pod.start(this.ctx, `${this.name}-g${this.generation}-${++this.serial}`, this.podPlan);
    pod.onReadyChange((c) => this.service.setReady(pod.name, pod.ip, pod.servicePort, c.ready, c.serving));
    this.allPods.push(pod);
    return pod;
  }

  /** Create the first generation and wait until every pod is ready and visible in the Service. */
  async scaleUp(timeoutMs = 15000): Promise<void> {
    this.current = await Promise.all(Array.from({ length: this.replicas }, () => this.createPod()));
    const deadline = Date.now() + timeoutMs;
    while (this.service.visibleReadyPods().length < this.replicas) {
      if (Date.now() > deadline)
        throw new RolloutError(`${this.name}: pods not ready in time`, "rollout-timeout");
      await sleep(50);
    }
  }

  /** One `kubectl rollout restart`: resolves when every new pod is ready and every old pod has exited. */
  async rollingRestart(timeoutMs: number): Promise<void> {
    this.generation++;
    this.recorder.emit({ pod: this.name, kind: "created", detail: `rollout ${this.generation}` });
    const old = [...this.current];
    const fresh: Pod[] = [];
    let starting = 0;
    const terminations: Promise<void>[] = [];
    const deleted = new Set<Pod>();
    let failure: unknown;
    const deadline = Date.now() + timeoutMs;
    const { replicas } = this;
    const { maxSurge, maxUnavailable } = this.rollout;
    for (;;) {
      if (failure) throw failure;
      if (Date.now() > deadline)
        throw new RolloutError(`${this.name}: rollout did not finish`, "rollout-timeout");
      const oldAlive = old.filter((p) => !deleted.has(p));
      const newReady = fresh.filter((p) => p.ready).length;
      if (oldAlive.length === 0 && newReady === replicas) break;
      const total = oldAlive.length + fresh.length + starting;
      if (fresh.length + starting < replicas && total < replicas + maxSurge) {
        starting++;
        this.createPod().then(
          (pod) => {
            starting--;
            fresh.push(pod);
          },
          (error: unknown) => {
            failure = error;
          },
        );
        continue;
      }
      const available = oldAlive.filter((p) => p.ready).length + newReady;
      const victim = oldAlive.find((p) => p.ready) ?? oldAlive[0];
      if (victim && available - (victim.ready ? 1 : 0) >= replicas - maxUnavailable) {
        deleted.add(victim);
        terminations.push(terminatePod(victim, this.ctx));
        continue;
      }
      await sleep(50);
    }
    this.current = fresh;
    await Promise.all(terminations);
  }

  /** Terminate the current pods (end of a rehearsal), as a scale to zero would. */
  async deleteAll(): Promise<void> {
    await Promise.all(this.current.map((pod) => terminatePod(pod, this.ctx)));
    this.current = [];
  }
}
