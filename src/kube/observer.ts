/**
 * The run's view of the cluster's API state, for the trace and for views. It is not a simulated
 * component: every apiserver's watch cache tells it what it saw in etcd, and it keeps the newest
 * version of each object (deduplicated by resourceVersion, so three apiservers reporting the same
 * change count once; a relist after an etcd restore replaces everything). From the differences it
 * writes the records a person watching `kubectl get -w` would care about:
 *
 * - `kube.node.ready {node, status, from, reason}` when a node's Ready condition changes;
 * - `kube.node.schedulable {node, unschedulable}` (cordon / uncordon);
 * - `kube.node.taint {node, taint, on}` for the NoExecute taints of the node lifecycle controller;
 * - `kube.pod.created {pod, owner}`, `kube.pod.scheduled {pod, node}`, `kube.pod.status {pod, node,
 *   phase, ready}`, `kube.pod.terminating {pod, node}`, `kube.pod.deleted {pod, node}`;
 * - `kube.pods {available, pending, terminating, total}` whenever a count changes (the workload
 *   namespace's pods when the cluster says so);
 * - `kube.deployment {deployment, replicas, ready, available}` on status changes, plus
 *   `kube.deployment.created` / `kube.deployment.deleted`.
 *
 * Leases, Secrets and ConfigMaps are not tracked (node leases change every 10 s per node).
 */
import type { WatchEventType } from "./api/request.js";
import type { CacheListener } from "./apiserver/watch-cache.js";
import { isMirrorPod } from "./node/mirror-pods.js";
import type { AnyObject, Deployment, Node, Pod } from "./objects/index.js";
import { controllerOf, objectKey } from "./objects/meta.js";
import { nodeReadyStatus, TAINT_NOT_READY, TAINT_UNREACHABLE } from "./objects/node.js";
import { isPodReady } from "./objects/pod.js";
import type { Resource, ResourceInfo } from "./storage/resources.js";

type Emit = (kind: string, subject: string, fields: Record<string, unknown>) => void;

const TRACKED: ReadonlySet<Resource> = new Set<Resource>([
  "nodes",
  "pods",
  "deployments",
  "replicasets",
  "services",
  "endpoints",
]);

/** Pod counts of the API view. */
export interface PodCounts {
  readonly available: number;
  readonly pending: number;
  readonly terminating: number;
  readonly total: number;
}

/** The newest API state seen, and the records derived from its changes. */
export class ClusterObserver implements CacheListener {
  private readonly state = new Map<Resource, Map<string, AnyObject>>();
  private counts: PodCounts = { available: 0, pending: 0, terminating: 0, total: 0 };
  /** While true, changes update the state but write no records (the cluster is being set up). */
  quiet = true;

  /**
   * `countNamespace`: the pod counts (`kube.pods`, the `pods.*` signals) cover the pods of this
   * namespace only — the workload's, as `kubectl get pods` shows them — so add-on pods in
   * kube-system and the like are listed and traced but not counted. Undefined: every namespace.
   */
  constructor(
    private readonly emit: Emit,
    private readonly countNamespace?: string,
  ) {
    for (const r of TRACKED) this.state.set(r, new Map());
  }

  /** Objects of a resource, in arrival order. */
  objects<T extends AnyObject>(resource: Resource): T[] {
    return [...(this.state.get(resource)?.values() ?? [])] as T[];
  }

  /** One object by key. */
  get<T extends AnyObject>(resource: Resource, key: string): T | undefined {
    return this.state.get(resource)?.get(key) as T | undefined;
  }

  /** Current pod counts. */
  get podCounts(): PodCounts {
    return this.counts;
  }

  wants(info: ResourceInfo): boolean {
    return TRACKED.has(info.resource);
  }

  changed(info: ResourceInfo, type: WatchEventType, object: AnyObject, _revision: number): void {
    const map = this.state.get(info.resource);
    if (!map) return;
    const key = objectKey(object);
    const old = map.get(key);
    if (type === "DELETED") {
      if (!old || old.metadata.uid !== object.metadata.uid) return;
      map.delete(key);
      this.diff(info.resource, old, undefined);
      return;
    }
    if (
      old &&
      old.metadata.resourceVersion === object.metadata.resourceVersion &&
      old.metadata.uid === object.metadata.uid
    )
      return;
    if (
      old &&
      old.metadata.uid === object.metadata.uid &&
      old.metadata.resourceVersion > object.metadata.resourceVersion
    )
      return;
    map.set(key, object);
    this.diff(info.resource, old, object);
  }

  replaced(info: ResourceInfo, items: readonly AnyObject[], _revision: number): void {
    const map = this.state.get(info.resource);
    if (!map) return;
    const seen = new Set<string>();
    for (const o of items) {
      const key = objectKey(o);
      seen.add(key);
      const old = map.get(key);
      if (
        old &&
        old.metadata.resourceVersion === o.metadata.resourceVersion &&
        old.metadata.uid === o.metadata.uid
      )
        continue;
      map.set(key, o);
      this.diff(info.resource, old, o);
    }
    for (const [key, o] of [...map]) {
      if (seen.has(key)) continue;
      map.delete(key);
      this.diff(info.resource, o, undefined);
    }
  }

  // ---- records -----------------------------------------------------------------------------------

  private diff(resource: Resource, old: AnyObject | undefined, cur: AnyObject | undefined): void {
    if (resource === "nodes") this.nodeDiff(old as Node | undefined, cur as Node | undefined);
    else if (resource === "pods") this.podDiff(old as Pod | undefined, cur as Pod | undefined);
    else if (resource === "deployments")
      this.deploymentDiff(old as Deployment | undefined, cur as Deployment | undefined);
  }

  private out(kind: string, subject: string, fields: Record<string, unknown>): void {
    if (!this.quiet) this.emit(kind, subject, fields);
  }

  private nodeDiff(old: Node | undefined, cur: Node | undefined): void {
    const name = (cur ?? old)!.metadata.name;
    if (!cur) {
      this.out("kube.node.deleted", name, { node: name });
      return;
    }
    if (!old || old.metadata.uid !== cur.metadata.uid) this.out("kube.node.registered", name, { node: name });
    const from = old ? (nodeReadyStatus(old) ?? "") : "";
    const to = nodeReadyStatus(cur) ?? "";
    if (from !== to) {
      const ready = cur.status.conditions.find((c) => c.type === "Ready");
      this.out("kube.node.ready", name, {
        node: name,
        status: to,
        from,
        reason: ready?.reason ?? "",
        message: ready?.message ?? "",
      });
    }
    if ((old?.spec.unschedulable ?? false) !== cur.spec.unschedulable) {
      this.out("kube.node.schedulable", name, { node: name, unschedulable: cur.spec.unschedulable });
    }
    for (const key of [TAINT_UNREACHABLE, TAINT_NOT_READY]) {
      const had = old?.spec.taints.some((t) => t.key === key && t.effect === "NoExecute") ?? false;
      const has = cur.spec.taints.some((t) => t.key === key && t.effect === "NoExecute");
      if (had !== has) this.out("kube.node.taint", name, { node: name, taint: `${key}:NoExecute`, on: has });
    }
  }

  private podDiff(old: Pod | undefined, cur: Pod | undefined): void {
    const p = (cur ?? old)!;
    const key = objectKey(p);
    const base = { pod: p.metadata.name, namespace: p.metadata.namespace };
    if (!cur) {
      this.out("kube.pod.deleted", key, { ...base, node: p.spec.nodeName });
    } else {
      const fresh = !old || old.metadata.uid !== cur.metadata.uid;
      if (fresh) {
        const owner = controllerOf(cur);
        this.out("kube.pod.created", key, { ...base, owner: owner ? `${owner.kind}/${owner.name}` : "" });
      }
      // Mirror pods are created bound to their node: nothing schedules them.
      if (cur.spec.nodeName !== "" && (fresh || old!.spec.nodeName === "") && !isMirrorPod(cur)) {
        this.out("kube.pod.scheduled", key, { ...base, node: cur.spec.nodeName });
      }
      const phaseChanged =
        fresh || old!.status.phase !== cur.status.phase || isPodReady(old!) !== isPodReady(cur);
      if (phaseChanged && !(fresh && cur.status.phase === "Pending")) {
        this.out("kube.pod.status", key, {
          ...base,
          node: cur.spec.nodeName,
          phase: cur.status.phase,
          ready: isPodReady(cur),
        });
      }
      if (
        cur.metadata.deletionTimestampUs !== undefined &&
        (fresh || old!.metadata.deletionTimestampUs === undefined)
      ) {
        this.out("kube.pod.terminating", key, { ...base, node: cur.spec.nodeName });
      }
    }
    this.recount();
  }

  private recount(): void {
    let available = 0;
    let pending = 0;
    let terminating = 0;
    let total = 0;
    const ns = this.countNamespace;
    for (const o of this.state.get("pods")!.values()) {
      const p = o as Pod;
      if (ns !== undefined && p.metadata.namespace !== ns) continue;
      total++;
      if (p.metadata.deletionTimestampUs !== undefined) terminating++;
      else if (p.status.phase === "Pending") pending++;
      else if (p.status.phase === "Running" && isPodReady(p)) available++;
    }
    const c = this.counts;
    if (
      c.available === available &&
      c.pending === pending &&
      c.terminating === terminating &&
      c.total === total
    )
      return;
    this.counts = { available, pending, terminating, total };
    this.out("kube.pods", "pods", { available, pending, terminating, total });
  }

  private deploymentDiff(old: Deployment | undefined, cur: Deployment | undefined): void {
    const d = (cur ?? old)!;
    const key = objectKey(d);
    if (!cur) {
      this.out("kube.deployment.deleted", key, { deployment: d.metadata.name });
      return;
    }
    if (!old || old.metadata.uid !== cur.metadata.uid) {
      this.out("kube.deployment.created", key, { deployment: d.metadata.name, replicas: cur.spec.replicas });
    }
    const a = old?.status;
    const b = cur.status;
    if (
      !a ||
      a.availableReplicas !== b.availableReplicas ||
      a.readyReplicas !== b.readyReplicas ||
      old!.spec.replicas !== cur.spec.replicas
    ) {
      this.out("kube.deployment", key, {
        deployment: d.metadata.name,
        replicas: cur.spec.replicas,
        ready: b.readyReplicas,
        available: b.availableReplicas,
        updated: b.updatedReplicas,
      });
    }
  }
}
