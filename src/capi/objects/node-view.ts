/**
 * What the Cluster API controllers read of a workload-cluster Node: its name, conditions,
 * cordon flag and taints. A structural subset of the Kubernetes layer's Node (src/kube/objects/
 * node.ts), so the controllers can be driven by the real workload cluster or by a test double.
 */
import type { Micros } from "../../sim/time.js";
import type { ConditionStatus } from "./conditions.js";

/** One Node condition (Ready, MemoryPressure, …). */
export interface NodeConditionView {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly lastTransitionTimeUs: Micros;
}

/** A Node as the controllers see it through the ClusterCache. */
export interface NodeView {
  readonly metadata: { readonly name: string; readonly creationTimestampUs: Micros };
  readonly spec: {
    readonly unschedulable: boolean;
    readonly taints: readonly { readonly key: string; readonly effect: string }[];
  };
  readonly status: { readonly conditions: readonly NodeConditionView[] };
}

/** Taint the node lifecycle controller puts on a Node whose kubelet went silent. */
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

/** The Node's condition of `type`, if reported. */
export function nodeConditionOf(node: NodeView, type: string): NodeConditionView | undefined {
  for (const c of node.status.conditions) if (c.type === type) return c;
  return undefined;
}

/**
 * The Node is unreachable in CAPI's sense (`noderefutil.IsNodeUnreachable`): its Ready condition
 * is Unknown. Drain then uses a 1 s grace period and volume detach is not awaited (capi-kube.md §3.2).
 */
export function isNodeUnreachable(node: NodeView): boolean {
  return nodeConditionOf(node, "Ready")?.status === "Unknown";
}

/** Ready=True. */
export function isNodeReady(node: NodeView): boolean {
  return nodeConditionOf(node, "Ready")?.status === "True";
}
