/**
 * What KubeadmControlPlane knows at the start of a reconcile (CAPI's `pkg.ControlPlane`): its
 * Machines (deleting ones included) with the per-Machine conditions it computed, and what it read
 * from etcd through the workload cluster — the member list, the leader and alarms — or that it
 * could not read it (capi-kube.md §2.1, §2.4).
 */
import type { Machine } from "../objects/machine.js";

/** One etcd member as `etcdctl member list` reports it. */
export interface EtcdMemberView {
  /** Member ID (hex). */
  readonly id: string;
  /** Member name = the Node name; "" for a member added but not started yet. */
  readonly name: string;
  readonly isLearner: boolean;
  /** Active alarms (NOSPACE, CORRUPT); empty when healthy. */
  readonly alarms: readonly string[];
}

/** KCP's view of its control plane. */
export interface ControlPlaneState {
  /** Machines owned by the KCP, deleting ones included. */
  readonly machines: readonly Machine[];
  /** The etcd members; empty when they could not be listed. */
  readonly etcdMembers: readonly EtcdMemberView[];
  /** The leader's member name, when known. */
  readonly etcdLeader: string | undefined;
  /** Listing the workload cluster's Nodes failed. */
  readonly nodeListError: boolean;
}

/** Machines with a deletion timestamp. */
export function deletingMachines(state: ControlPlaneState): Machine[] {
  return state.machines.filter((m) => m.metadata.deletionTimestampUs !== undefined);
}
