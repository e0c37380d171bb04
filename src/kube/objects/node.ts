/**
 * Node (core/v1): what the kubelet registers and reports, what the node lifecycle controller
 * judges, and what `kubectl get nodes` prints.
 *
 * Conditions follow kubernetes.io `docs/reference/node/node-status`: the kubelet posts `Ready`
 * True (reason KubeletReady) or False (KubeletNotReady, e.g. the container runtime is down); the
 * node lifecycle controller sets Ready, MemoryPressure, DiskPressure and PIDPressure to Unknown
 * (reason NodeStatusUnknown, "Kubelet stopped posting node status.") when it has not heard from the
 * kubelet for the grace period (capi-kube.md §5).
 */
import type { Micros } from "../../sim/time.js";
import type { KubeObject, ObjectMeta } from "./meta.js";

/** A condition's status. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** The node condition types the kubelet reports. */
export type NodeConditionType = "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure";

export interface NodeCondition {
  readonly type: NodeConditionType;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  /** When the kubelet last posted this condition. */
  readonly lastHeartbeatTimeUs: Micros;
  /** When the status last changed. */
  readonly lastTransitionTimeUs: Micros;
}

/** A taint's effect (core/v1 TaintEffect). */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
  /** When a NoExecute taint was added (the taint eviction controller counts tolerations from it). */
  readonly timeAddedUs?: Micros;
}

/** Taint keys the node lifecycle controller manages (k8s.io/api core/v1 well_known_taints.go). */
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
/** kubeadm taints control-plane nodes so workloads stay off them (kubeadm `init` mark-control-plane phase). */
export const TAINT_CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
/** Role label kubeadm puts on control-plane nodes; `kubectl get nodes` shows it in ROLES. */
export const LABEL_ROLE_CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
/** Zone label; the node lifecycle controller groups nodes by it for disruption handling. */
export const LABEL_ZONE = "topology.kubernetes.io/zone";

export interface NodeSpec {
  /** Cordoned (`kubectl cordon`): no new pods are scheduled here. */
  readonly unschedulable: boolean;
  readonly taints: readonly Taint[];
  /** Pod network of the node, for pod IPs (`10.244.<n>.0/24`). */
  readonly podCIDR: string;
}

export interface NodeStatus {
  readonly conditions: readonly NodeCondition[];
  readonly addresses: readonly { readonly type: "InternalIP" | "Hostname"; readonly address: string }[];
  readonly kubeletVersion: string;
}

export interface Node extends KubeObject {
  readonly kind: "Node";
  readonly metadata: ObjectMeta;
  readonly spec: NodeSpec;
  readonly status: NodeStatus;
}

/** The node's condition of `type`, if reported. */
export function nodeCondition(node: Node, type: NodeConditionType): NodeCondition | undefined {
  for (const c of node.status.conditions) if (c.type === type) return c;
  return undefined;
}

/** The Ready condition's status, or undefined when the kubelet never reported one. */
export function nodeReadyStatus(node: Node): ConditionStatus | undefined {
  return nodeCondition(node, "Ready")?.status;
}

/** True when Ready=True. */
export function isNodeReady(node: Node): boolean {
  return nodeReadyStatus(node) === "True";
}

/** The taint with `key` and `effect`, if present. */
export function findTaint(node: Node, key: string, effect: TaintEffect): Taint | undefined {
  for (const t of node.spec.taints) if (t.key === key && t.effect === effect) return t;
  return undefined;
}

/** True when the node carries the control-plane role label. */
export function isControlPlaneNode(node: Node): boolean {
  return node.metadata.labels[LABEL_ROLE_CONTROL_PLANE] !== undefined;
}
