/**
 * kube-scheduler: leader election on `kube-system/kube-scheduler`, then it binds every pending pod
 * (no nodeName, not terminating) to a node (kubernetes `pkg/scheduler`):
 *
 * - filter (objects/placement.ts): the node is schedulable (not cordoned), every NoSchedule/
 *   NoExecute taint is tolerated — NotReady nodes are excluded through the taints the node
 *   lifecycle controller puts on them (TaintNodesByCondition), so a dead node that nobody tainted
 *   still gets pods — the node carries the pod's nodeSelector labels, and no pod matching a
 *   required anti-affinity term is assigned in the node's topology domain;
 * - score: fewest pods of the same owner on the node (default spreading), then fewest pods; ties
 *   are broken at random, as the scheduler picks among equal top scores;
 * - bind through `pods/<name>/binding`.
 *
 * A pod that fits nowhere gets `PodScheduled=False, Unschedulable` with the scheduler's reasons
 * ("0/6 nodes are available: …") and waits until a node changes or an assigned pod is deleted
 * (or 5 min, podMaxInUnschedulablePodsDuration); failed binds back off 1 s doubling to 10 s
 * (podInitialBackoffSeconds, podMaxBackoffSeconds).
 */

import type { Process } from "../../infra/services.js";
import { MINUTE, SECOND } from "../../sim/time.js";
import type { ApiClient } from "../client/client.js";
import { Informer } from "../client/informer.js";
import type { LeaderElector } from "../client/leader-election.js";
import type { Node, Pod } from "../objects/index.js";
import { controllerOf, objectKey } from "../objects/meta.js";
import { antiAffinityDomains, fitErrorMessage, unfitReason } from "../objects/placement.js";
import { type LeaderElectedContext, startLeaderElected } from "./leader-elected.js";

/** What a kube-scheduler is built from. */
export type SchedulerContext = LeaderElectedContext;

const INITIAL_BACKOFF_US = SECOND;
const MAX_BACKOFF_US = 10 * SECOND;
const UNSCHEDULABLE_FLUSH_US = 5 * MINUTE;

/** One kube-scheduler process. */
export class Scheduler implements Process {
  readonly client: ApiClient;
  readonly elector: LeaderElector;
  private pods: Informer<Pod> | undefined;
  private nodes: Informer<Node> | undefined;
  private readonly active: string[] = [];
  private readonly queued = new Set<string>();
  private readonly unschedulable = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly binding = new Set<string>();
  /**
   * Pods whose bind is in flight, as they will be once bound (the scheduler cache's AssumePod):
   * later decisions count them on their node, so two replicas with required anti-affinity cannot
   * both be sent to one node before the first bind's answer arrives.
   */
  private readonly assumed = new Map<string, Pod>();
  private scheduled = false;

  constructor(private readonly ctx: SchedulerContext) {
    const { client, elector } = startLeaderElected(ctx, "kube-scheduler", () => this.run());
    this.client = client;
    this.elector = elector;
  }

  terminate(exited: () => void): void {
    this.ctx.scope.end();
    exited();
  }

  kill(): void {
    this.ctx.scope.end();
  }

  private run(): void {
    const { scope, rng } = this.ctx;
    const pods = new Informer<Pod>(this.client, scope, rng, { resource: "pods" });
    const nodes = new Informer<Node>(this.client, scope, rng, { resource: "nodes" });
    this.pods = pods;
    this.nodes = nodes;
    // An assigned pod's deletion can free a node for a pod that did not fit (anti-affinity), so
    // it moves the unschedulable pods back to the queue (the scheduler's AssignedPodDelete event).
    pods.addHandlers({
      added: (p) => this.podChanged(p),
      updated: (_o, p) => this.podChanged(p),
      deleted: (p) => {
        if (p.spec.nodeName !== "") this.flushUnschedulable();
      },
    });
    nodes.addHandlers({ added: () => this.flushUnschedulable(), updated: () => this.flushUnschedulable() });
    pods.start();
    nodes.start();
    scope.every(UNSCHEDULABLE_FLUSH_US, () => this.flushUnschedulable());
  }

  private podChanged(p: Pod): void {
    if (p.spec.nodeName !== "" || p.metadata.deletionTimestampUs !== undefined) return;
    this.enqueue(objectKey(p));
  }

  private flushUnschedulable(): void {
    if (this.unschedulable.size === 0) return;
    const keys = [...this.unschedulable];
    this.unschedulable.clear();
    for (const k of keys) this.enqueue(k);
  }

  private enqueue(key: string): void {
    if (this.queued.has(key) || this.binding.has(key)) return;
    this.unschedulable.delete(key);
    this.queued.add(key);
    this.active.push(key);
    if (!this.scheduled) {
      this.scheduled = true;
      this.ctx.scope.after(0, () => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const nodes = this.nodes;
    if (!nodes?.hasSynced || !this.pods?.hasSynced) {
      this.scheduled = true;
      this.ctx.scope.after(100_000, () => this.drain());
      return;
    }
    while (this.active.length > 0) {
      const key = this.active.shift()!;
      this.queued.delete(key);
      const pod = this.pods.get(key);
      if (pod?.spec.nodeName !== "" || pod.metadata.deletionTimestampUs !== undefined) continue;
      this.scheduleOne(pod);
    }
  }

  private scheduleOne(pod: Pod): void {
    const key = objectKey(pod);
    const candidates: { node: Node; same: number; total: number }[] = [];
    const counts = this.podCounts(pod);
    const nodes = this.nodes!;
    const excluded = antiAffinityDomains(
      pod.metadata.namespace,
      pod.spec,
      () => this.cachedPods(),
      (n) => nodes.get(n)?.metadata.labels,
    );
    const reasons = new Map<string, number>();
    let total = 0;
    for (const node of nodes.list()) {
      total++;
      const why = unfitReason(pod.spec, node, excluded);
      if (why !== undefined) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        continue;
      }
      const c = counts.get(node.metadata.name);
      candidates.push({ node, same: c?.same ?? 0, total: c?.total ?? 0 });
    }
    if (candidates.length === 0) {
      this.markUnschedulable(pod, fitErrorMessage(total, reasons));
      return;
    }
    let best = candidates[0]!;
    let ties = 1;
    for (let i = 1; i < candidates.length; i++) {
      const c = candidates[i]!;
      const cmp = c.same - best.same || c.total - best.total;
      if (cmp < 0) {
        best = c;
        ties = 1;
      } else if (cmp === 0 && this.ctx.rng.int(0, ties++) === 0) {
        best = c;
      }
    }
    const nodeName = best.node.metadata.name;
    this.binding.add(key);
    this.assumed.set(key, { ...pod, spec: { ...pod.spec, nodeName } });
    this.client.request(
      {
        verb: "create",
        resource: "pods",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        subresource: "binding",
        targetNode: nodeName,
      },
      (res) => {
        this.binding.delete(key);
        this.assumed.delete(key);
        if (res.status.code === 200 || res.status.code === 201) {
          this.attempts.delete(key);
          if (res.object) this.pods?.assume(res.object as Pod);
          return;
        }
        if (res.status.code === 404) return;
        if (res.status.code !== 409) this.pods?.assume(pod);
        const n = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, n);
        this.ctx.scope.after(Math.min(INITIAL_BACKOFF_US * 2 ** (n - 1), MAX_BACKOFF_US), () =>
          this.enqueue(key),
        );
      },
    );
  }

  /** The informer's pods, with the ones being bound already on their chosen node. */
  private *cachedPods(): IterableIterator<Pod> {
    for (const p of this.pods!.list()) {
      yield p.spec.nodeName === "" && this.assumed.size > 0 ? (this.assumed.get(objectKey(p)) ?? p) : p;
    }
  }

  private podCounts(pod: Pod): Map<string, { same: number; total: number }> {
    const owner = controllerOf(pod)?.uid;
    const out = new Map<string, { same: number; total: number }>();
    for (const p of this.cachedPods()) {
      const n = p.spec.nodeName;
      if (n === "" || p.metadata.deletionTimestampUs !== undefined) continue;
      let c = out.get(n);
      if (!c) {
        c = { same: 0, total: 0 };
        out.set(n, c);
      }
      c.total++;
      if (owner !== undefined && controllerOf(p)?.uid === owner) c.same++;
    }
    return out;
  }

  private markUnschedulable(pod: Pod, message: string): void {
    const key = objectKey(pod);
    this.unschedulable.add(key);
    const cur = pod.status.conditions.find((c) => c.type === "PodScheduled");
    if (cur?.status === "False" && pod.status.reason === "Unschedulable") return;
    const uid = pod.metadata.uid;
    const now = this.ctx.scope.now;
    this.ctx.emit("kube.pod.unschedulable", key, { pod: pod.metadata.name, message });
    this.client.request(
      {
        verb: "patch",
        resource: "pods",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        subresource: "status",
        patch: (c) => {
          const p = c as Pod;
          if (p.metadata.uid !== uid || p.spec.nodeName !== "") return undefined;
          return {
            ...p,
            status: {
              ...p.status,
              reason: "Unschedulable",
              conditions: [
                ...p.status.conditions.filter((x) => x.type !== "PodScheduled"),
                { type: "PodScheduled", status: "False", reason: "Unschedulable", lastTransitionTimeUs: now },
              ],
            },
          };
        },
      },
      () => {},
    );
  }
}
