/**
 * The ReplicaSet controller (kubernetes `pkg/controller/replicaset`): keeps the number of active
 * pods (not terminating, not finished) owned by each ReplicaSet at `spec.replicas`.
 *
 * - Too few: creates the missing pods in slow-start batches of 1, 2, 4, … (at most `burstReplicas`
 *   500 per sync), each from the template with `generateName: <rs>-`.
 * - Too many: deletes the surplus, preferring unscheduled, then pending, then not-ready, then the
 *   newest pods (`getPodsToDelete` ranking, simplified).
 * - Expectations: after creating or deleting, it waits until its informer has seen those changes
 *   (or 5 minutes passed) before acting on the ReplicaSet again, so a slow watch never makes it
 *   create twice (ControllerExpectations).
 * - Status: replicas, readyReplicas, availableReplicas (minReadySeconds 0).
 *
 * A pod counts as gone as soon as it is terminating: a pod stuck Terminating on a dead node is
 * replaced (seed 003: the evicted pod shows "Unknown" while its replacement runs).
 */
import type { Micros } from "../../sim/time.js";
import { MINUTE } from "../../sim/time.js";
import { podFromTemplate } from "../objects/build.js";
import type { Pod, ReplicaSet } from "../objects/index.js";
import { controllerOf, objectKey } from "../objects/meta.js";
import { isPodActive, isPodReady } from "../objects/pod.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

const BURST_REPLICAS = 500;
const EXPECTATIONS_TTL_US = 5 * MINUTE;

interface Expectation {
  adds: number;
  dels: number;
  readonly setAtUs: Micros;
}

/** The ReplicaSet controller. */
export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Map<string, Expectation>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.scope, (key, done) => this.sync(key, done));
  }

  /** Hooks the informers. */
  start(): void {
    const { informers } = this.ctx;
    informers.replicaSets.addHandlers({
      added: (rs) => this.queue.add(objectKey(rs)),
      updated: (_o, rs) => this.queue.add(objectKey(rs)),
      deleted: (rs) => this.expectations.delete(objectKey(rs)),
    });
    informers.pods.addHandlers({
      added: (p) => {
        const k = this.ownerKey(p);
        if (!k) return;
        const e = this.expectations.get(k);
        if (e) e.adds--;
        this.queue.add(k);
      },
      updated: (o, p) => {
        const k = this.ownerKey(p);
        if (!k) return;
        if (o.metadata.deletionTimestampUs === undefined && p.metadata.deletionTimestampUs !== undefined) {
          const e = this.expectations.get(k);
          if (e) e.dels--;
        }
        this.queue.add(k);
      },
      deleted: (p) => {
        const k = this.ownerKey(p);
        if (!k) return;
        if (p.metadata.deletionTimestampUs === undefined) {
          const e = this.expectations.get(k);
          if (e) e.dels--;
        }
        this.queue.add(k);
      },
    });
  }

  private ownerKey(p: Pod): string | undefined {
    const ref = controllerOf(p);
    return ref?.kind === "ReplicaSet" ? `${p.metadata.namespace}/${ref.name}` : undefined;
  }

  private satisfied(key: string): boolean {
    const e = this.expectations.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels <= 0) || this.ctx.scope.now - e.setAtUs > EXPECTATIONS_TTL_US) {
      this.expectations.delete(key);
      return true;
    }
    return false;
  }

  private sync(key: string, done: (ok: boolean) => void): void {
    const { informers } = this.ctx;
    const rs = informers.replicaSets.get(key);
    if (!rs || rs.metadata.deletionTimestampUs !== undefined) {
      done(true);
      return;
    }
    const pods: Pod[] = [];
    for (const p of informers.pods.list()) {
      if (p.metadata.namespace !== rs.metadata.namespace) continue;
      if (controllerOf(p)?.uid !== rs.metadata.uid || !isPodActive(p)) continue;
      pods.push(p);
    }
    const statusDone = () => this.updateStatus(rs, pods, done);
    if (!this.satisfied(key)) {
      statusDone();
      return;
    }
    const diff = pods.length - rs.spec.replicas;
    if (diff < 0) {
      this.create(rs, Math.min(-diff, BURST_REPLICAS), key, statusDone);
      return;
    }
    if (diff > 0) {
      this.remove(pods, diff, key, statusDone);
      return;
    }
    statusDone();
  }

  private create(rs: ReplicaSet, count: number, key: string, then: () => void): void {
    const e: Expectation = { adds: count, dels: 0, setAtUs: this.ctx.scope.now };
    this.expectations.set(key, e);
    const owner = {
      kind: "ReplicaSet" as const,
      name: rs.metadata.name,
      uid: rs.metadata.uid,
      controller: true,
    };
    let remaining = count;
    let batch = 1;
    const nextBatch = (): void => {
      if (remaining <= 0) {
        then();
        return;
      }
      const n = Math.min(batch, remaining);
      remaining -= n;
      batch *= 2;
      let pending = n;
      let failed = false;
      for (let i = 0; i < n; i++) {
        const pod = podFromTemplate(
          rs.spec.template,
          `${rs.metadata.name}-`,
          rs.metadata.namespace,
          owner,
          this.ctx.scope.now,
        );
        this.ctx.client.request(
          { verb: "create", resource: "pods", namespace: rs.metadata.namespace, body: pod },
          (res) => {
            if (res.status.code !== 201) {
              e.adds--;
              failed = true;
            }
            if (--pending === 0) {
              if (failed) {
                // Skip the remaining batches, as slowStartBatch stops at the first error.
                e.adds -= remaining;
                remaining = 0;
              }
              nextBatch();
            }
          },
        );
      }
    };
    nextBatch();
  }

  private remove(pods: Pod[], count: number, key: string, then: () => void): void {
    const victims = [...pods].sort(deletionRank).slice(0, count);
    const e: Expectation = { adds: 0, dels: victims.length, setAtUs: this.ctx.scope.now };
    this.expectations.set(key, e);
    let pending = victims.length;
    for (const p of victims) {
      this.ctx.client.request(
        {
          verb: "delete",
          resource: "pods",
          namespace: p.metadata.namespace,
          name: p.metadata.name,
          preconditionUid: p.metadata.uid,
        },
        (res) => {
          if (res.status.code !== 200) e.dels--;
          if (--pending === 0) then();
        },
      );
    }
  }

  private updateStatus(rs: ReplicaSet, pods: readonly Pod[], done: (ok: boolean) => void): void {
    let ready = 0;
    for (const p of pods) if (isPodReady(p)) ready++;
    const s = rs.status;
    if (
      s.replicas === pods.length &&
      s.readyReplicas === ready &&
      s.availableReplicas === ready &&
      s.observedGeneration === rs.metadata.generation
    ) {
      done(true);
      return;
    }
    const generation = rs.metadata.generation;
    const uid = rs.metadata.uid;
    this.ctx.client.request(
      {
        verb: "patch",
        resource: "replicasets",
        namespace: rs.metadata.namespace,
        name: rs.metadata.name,
        subresource: "status",
        patch: (cur) => {
          const c = cur as ReplicaSet;
          if (c.metadata.uid !== uid) return undefined;
          return {
            ...c,
            status: {
              replicas: pods.length,
              readyReplicas: ready,
              availableReplicas: ready,
              observedGeneration: generation,
            },
          };
        },
      },
      (res) => done(res.status.code === 200 || res.status.code === 404),
    );
  }
}

/** Which pods go first when scaling down: unscheduled, pending, not ready, then newest. */
function deletionRank(a: Pod, b: Pod): number {
  const bound = (p: Pod) => (p.spec.nodeName === "" ? 0 : 1);
  const phase = (p: Pod) => (p.status.phase === "Pending" ? 0 : p.status.phase === "Unknown" ? 1 : 2);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  return (
    bound(a) - bound(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    b.metadata.creationTimestampUs - a.metadata.creationTimestampUs ||
    (a.metadata.name < b.metadata.name ? -1 : 1)
  );
}
