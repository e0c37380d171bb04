/**
 * Object metadata shared by every Kubernetes object the simulator stores (ObjectMeta in
 * k8s.io/apimachinery `pkg/apis/meta/v1/types.go`), reduced to the fields whose behaviour is
 * modelled. Objects are immutable values: every change makes a new object (immer `produce`), so a
 * view or a watch event can hold an object without copying it.
 *
 * `resourceVersion` is the etcd `mod_revision` of the key the object was read from, exactly as
 * kube-apiserver's etcd3 store sets it (k8s.io/apiserver `pkg/storage/etcd3/store.go` uses the
 * revision as the version; clients must treat it as opaque). 0 means "not read from storage".
 * Timestamps are simulated instants in microseconds (negative for objects created before the run).
 */
import type { Micros } from "../../sim/time.js";

/** The kinds the simulator knows. */
export type Kind =
  | "Node"
  | "Lease"
  | "Pod"
  | "ReplicaSet"
  | "Deployment"
  | "Service"
  | "Endpoints"
  | "ConfigMap"
  | "Secret";

/** Points from a dependent to its owner (a Pod to its ReplicaSet); the garbage collector follows it. */
export interface OwnerReference {
  readonly kind: Kind;
  readonly name: string;
  readonly uid: string;
  /** True for the managing controller (at most one per object). */
  readonly controller: boolean;
}

/** Labels and annotations: string maps (keys are never integer-like, so key order is stable). */
export type StringMap = Readonly<Record<string, string>>;

/** ObjectMeta, the fields the model uses. */
export interface ObjectMeta {
  readonly name: string;
  /** Create only: the apiserver appends five random characters to this prefix to make `name`. */
  readonly generateName?: string;
  /** "" for cluster-scoped objects (Nodes). */
  readonly namespace: string;
  readonly uid: string;
  /** etcd mod_revision of the stored object; 0 when not read from storage. */
  readonly resourceVersion: number;
  /** Bumped by the apiserver when the spec changes (Deployments, ReplicaSets). */
  readonly generation: number;
  readonly creationTimestampUs: Micros;
  /** Set by a graceful delete; the object is "Terminating" until the kubelet confirms. */
  readonly deletionTimestampUs?: Micros;
  readonly deletionGracePeriodSeconds?: number;
  readonly labels: StringMap;
  readonly annotations: StringMap;
  readonly ownerReferences: readonly OwnerReference[];
}

/** Any stored object. */
export interface KubeObject {
  readonly kind: Kind;
  readonly metadata: ObjectMeta;
}

/** What callers give to create metadata; the rest gets defaults. */
export interface MetaInit {
  readonly name: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid: string;
  readonly creationTimestampUs: Micros;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly ownerReferences?: readonly OwnerReference[];
}

const EMPTY: StringMap = Object.freeze({});
const NO_OWNERS: readonly OwnerReference[] = Object.freeze([]);

/** Metadata for a new object (resourceVersion 0, generation 1). */
export function newMeta(init: MetaInit): ObjectMeta {
  return {
    name: init.name,
    ...(init.generateName !== undefined ? { generateName: init.generateName } : {}),
    namespace: init.namespace ?? "",
    uid: init.uid,
    resourceVersion: 0,
    generation: 1,
    creationTimestampUs: init.creationTimestampUs,
    labels: init.labels ?? EMPTY,
    annotations: init.annotations ?? EMPTY,
    ownerReferences: init.ownerReferences ?? NO_OWNERS,
  };
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata;
  return m.namespace === "" ? m.name : `${m.namespace}/${m.name}`;
}

/** The controller owner reference, if any (metav1.GetControllerOf). */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  for (const r of obj.metadata.ownerReferences) if (r.controller) return r;
  return undefined;
}

/** True when every `selector` label is on `labels` (a matchLabels selector). */
export function matchesLabels(selector: StringMap, labels: StringMap): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** True once a graceful delete has started. */
export function isTerminating(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestampUs !== undefined;
}
