/**
 * Metadata of the management cluster's objects (Cluster, Machine, MachineSet, KubeadmControlPlane,
 * MachineHealthCheck, infrastructure and bootstrap objects), reduced to the fields whose behaviour
 * is modelled: labels select Machines, annotations carry CAPI's hooks and flags, a deletion
 * timestamp marks an object being deleted while finalizers (here: the owning controller's work)
 * are outstanding, and the owner reference says who remediates a Machine.
 *
 * Well-known labels and annotations are CAPI's own keys (`api/core/v1beta2/common_types.go`,
 * capi-kube.md §1–§3), so views and traces read like `kubectl get machines -o yaml`.
 */
import type { Micros } from "../../sim/time.js";

/** Labels and annotations (keys are never integer-like, so key order is stable). */
export type StringMap = Readonly<Record<string, string>>;

/** The kinds the management cluster stores. */
export type CapiKind =
  | "Cluster"
  | "Machine"
  | "MachineSet"
  | "MachineDeployment"
  | "KubeadmControlPlane"
  | "MachineHealthCheck"
  | "InfraMachine"
  | "KubeadmConfig";

/** Who owns (and remediates) an object. */
export interface OwnerRef {
  readonly kind: CapiKind;
  readonly name: string;
}

/** ObjectMeta of a management-cluster object. */
export interface CapiMeta {
  readonly name: string;
  readonly uid: string;
  readonly creationTimestampUs: Micros;
  /** Set when deletion was requested; the object stays until its controller finishes. */
  readonly deletionTimestampUs?: Micros;
  readonly labels: StringMap;
  readonly annotations: StringMap;
  readonly owner?: OwnerRef;
  /** Bumped by the store on every write. */
  readonly resourceVersion: number;
}

/** `cluster.x-k8s.io/cluster-name`: every CAPI object of a cluster carries it. */
export const LABEL_CLUSTER_NAME = "cluster.x-k8s.io/cluster-name";
/** `cluster.x-k8s.io/control-plane`: set on control-plane Machines. */
export const LABEL_CONTROL_PLANE = "cluster.x-k8s.io/control-plane";
/** `cluster.x-k8s.io/set-name`: the MachineSet a Machine belongs to. */
export const LABEL_SET_NAME = "cluster.x-k8s.io/set-name";
/** `cluster.x-k8s.io/deployment-name`: the MachineDeployment of a MachineSet or Machine. */
export const LABEL_DEPLOYMENT_NAME = "cluster.x-k8s.io/deployment-name";

/** Marks a Machine for remediation by hand (MHC treats it as unhealthy at once). */
export const ANNOTATION_REMEDIATE_MACHINE = "cluster.x-k8s.io/remediate-machine";
/** Pauses reconciliation of the object (and MHC skips a paused Machine). */
export const ANNOTATION_PAUSED = "cluster.x-k8s.io/paused";
/** MHC skips a Machine with this annotation. */
export const ANNOTATION_SKIP_REMEDIATION = "cluster.x-k8s.io/skip-remediation";
/** Prefix of pre-drain hooks: deletion waits before draining while one is present. */
export const PRE_DRAIN_HOOK_PREFIX = "pre-drain.delete.hook.machine.cluster.x-k8s.io";
/** Prefix of pre-terminate hooks: deletion waits before deleting the infrastructure. */
export const PRE_TERMINATE_HOOK_PREFIX = "pre-terminate.delete.hook.machine.cluster.x-k8s.io";
/** KCP's own pre-terminate hook, under which it removes the etcd member (CAPI ≥ 1.9, capi-kube.md §2.3). */
export const KCP_CLEANUP_HOOK = `${PRE_TERMINATE_HOOK_PREFIX}/kcp-cleanup`;
/** Skip draining the Node when the Machine is deleted. */
export const ANNOTATION_EXCLUDE_DRAIN = "machine.cluster.x-k8s.io/exclude-node-draining";
/** Skip waiting for volumes to detach when the Machine is deleted. */
export const ANNOTATION_EXCLUDE_VOLUME_WAIT = "machine.cluster.x-k8s.io/exclude-wait-for-node-volume-detach";
/** On KCP: a remediation's replacement Machine is not created yet (`{machine, timestamp, retryCount}`). */
export const ANNOTATION_REMEDIATION_IN_PROGRESS = "controlplane.cluster.x-k8s.io/remediation-in-progress";
/** On a replacement CP Machine: which remediation it completes (carries the retry count). */
export const ANNOTATION_REMEDIATION_FOR = "controlplane.cluster.x-k8s.io/remediation-for";

/** True when the object has a deletion timestamp. */
export function isDeleting(meta: CapiMeta): boolean {
  return meta.deletionTimestampUs !== undefined;
}

/** True when the annotation is present (any value). */
export function hasAnnotation(meta: CapiMeta, key: string): boolean {
  return Object.hasOwn(meta.annotations, key);
}

/** Annotation keys starting with `prefix` (hooks), in key order. */
export function annotationsWithPrefix(meta: CapiMeta, prefix: string): string[] {
  return Object.keys(meta.annotations).filter((k) => k.startsWith(prefix));
}

/** True when every label of `selector` is on the object (a `matchLabels` selector). */
export function matchesLabels(meta: CapiMeta, selector: StringMap): boolean {
  for (const [k, v] of Object.entries(selector)) if (meta.labels[k] !== v) return false;
  return true;
}
