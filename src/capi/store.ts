/**
 * The management cluster's API as the CAPI controllers use it: objects by kind and name, writes
 * that bump `resourceVersion`, two-phase deletion (a delete request sets the deletion timestamp;
 * the owning controller removes the object when its work is done, as a finalizer would), and
 * watches per kind. Objects are immutable values; every write replaces the object.
 *
 * The management API itself is modelled as always answering at once: either a separate management
 * cluster (TKGS's Supervisor, a kind cluster) whose own failures are out of scope, or — for a
 * self-hosted cluster — gated by the placement (placement.ts), which stops the controllers and
 * refuses user writes while the workload cluster that hosts them cannot serve writes. Listing is
 * in creation order, so runs are deterministic.
 */
import type { Simulation } from "../sim/simulation.js";
import type { Cluster } from "./objects/cluster.js";
import type { InfraMachine } from "./objects/infra-machine.js";
import type { KubeadmConfig } from "./objects/kubeadm-config.js";
import type { KubeadmControlPlane } from "./objects/kubeadm-control-plane.js";
import type { Machine } from "./objects/machine.js";
import type { MachineHealthCheck } from "./objects/machine-health-check.js";
import type { MachineDeployment, MachineSet } from "./objects/machine-set.js";
import type { CapiKind } from "./objects/meta.js";

/** Every object type, by kind. */
export interface CapiObjectsByKind {
  Cluster: Cluster;
  Machine: Machine;
  MachineSet: MachineSet;
  MachineDeployment: MachineDeployment;
  KubeadmControlPlane: KubeadmControlPlane;
  MachineHealthCheck: MachineHealthCheck;
  InfraMachine: InfraMachine;
  KubeadmConfig: KubeadmConfig;
}

/** Any management-cluster object. */
export type CapiObject = CapiObjectsByKind[CapiKind];

/** Called with the old and new object (undefined when created / removed). */
export type StoreWatcher<T> = (oldObj: T | undefined, newObj: T | undefined) => void;

/** A write the store refuses. */
export class StoreError extends Error {}

/** The management cluster's objects. */
export class ManagementStore {
  private readonly objects = new Map<CapiKind, Map<string, CapiObject>>();
  private readonly watchers = new Map<CapiKind, StoreWatcher<CapiObject>[]>();
  private revision = 0;
  private uidSeq = 0;

  constructor(private readonly sim: Simulation) {}

  private table(kind: CapiKind): Map<string, CapiObject> {
    let t = this.objects.get(kind);
    if (!t) {
      t = new Map();
      this.objects.set(kind, t);
    }
    return t;
  }

  /** The object, if it exists. */
  get<K extends CapiKind>(kind: K, name: string): CapiObjectsByKind[K] | undefined {
    return this.table(kind).get(name) as CapiObjectsByKind[K] | undefined;
  }

  /** Every object of a kind, in creation order. */
  list<K extends CapiKind>(kind: K): CapiObjectsByKind[K][] {
    return [...this.table(kind).values()] as CapiObjectsByKind[K][];
  }

  /** True when an object of that kind and name exists. */
  has(kind: CapiKind, name: string): boolean {
    return this.table(kind).has(name);
  }

  /** Creates an object (AlreadyExists if the name is taken). Fills uid and resourceVersion. */
  create<T extends CapiObject>(obj: T): T {
    const t = this.table(obj.kind);
    if (t.has(obj.metadata.name)) throw new StoreError(`${obj.kind} ${obj.metadata.name} already exists`);
    const stored = {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: `${obj.kind.toLowerCase()}-${++this.uidSeq}`,
        resourceVersion: ++this.revision,
      },
    } as T;
    t.set(obj.metadata.name, stored);
    this.notify(obj.kind, undefined, stored);
    return stored;
  }

  /** Replaces an object (NotFound if it does not exist). Returns the stored value. */
  update<T extends CapiObject>(obj: T): T {
    const t = this.table(obj.kind);
    const old = t.get(obj.metadata.name);
    if (!old) throw new StoreError(`${obj.kind} ${obj.metadata.name} not found`);
    if (old === obj) return obj;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: ++this.revision } } as T;
    t.set(obj.metadata.name, stored);
    this.notify(obj.kind, old, stored);
    return stored;
  }

  /** `kubectl delete`: sets the deletion timestamp (once); the controller removes the object. */
  requestDeletion(kind: CapiKind, name: string): CapiObject | undefined {
    const old = this.table(kind).get(name);
    if (!old) return undefined;
    if (old.metadata.deletionTimestampUs !== undefined) return old;
    return this.update({
      ...old,
      metadata: { ...old.metadata, deletionTimestampUs: this.sim.now },
    } as CapiObject);
  }

  /** Removes the object for good (the last finalizer is gone). */
  remove(kind: CapiKind, name: string): void {
    const t = this.table(kind);
    const old = t.get(name);
    if (!old) return;
    t.delete(name);
    this.notify(kind, old, undefined);
  }

  /** Watches a kind. */
  watch<K extends CapiKind>(kind: K, fn: StoreWatcher<CapiObjectsByKind[K]>): () => void {
    let list = this.watchers.get(kind);
    if (!list) {
      list = [];
      this.watchers.set(kind, list);
    }
    const w = fn as StoreWatcher<CapiObject>;
    list.push(w);
    return () => {
      const l = this.watchers.get(kind);
      if (l) l.splice(l.indexOf(w), 1);
    };
  }

  private notify(kind: CapiKind, oldObj: CapiObject | undefined, newObj: CapiObject | undefined): void {
    const list = this.watchers.get(kind);
    if (!list) return;
    for (const w of [...list]) w(oldObj, newObj);
  }
}
