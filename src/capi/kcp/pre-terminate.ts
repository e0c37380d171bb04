/**
 * KCP's `kcp-cleanup` pre-terminate hook (CAPI ≥ 1.9, `reconcilePreTerminateHook`,
 * kubeadmcontrolplane_controller.go, capi-kube.md §2.3). The Machine controller stops before
 * deleting the infrastructure while the hook annotation is present; KCP, one Machine at a time
 * (oldest deletion first), waits until drain and volume detach are done (the Machine's `Deleting`
 * condition says WaitingForPreTerminateHook) and, for Kubernetes ≥ 1.31, until other pre-terminate
 * hooks are gone; re-checks that the control plane survives; moves etcd leadership away; removes
 * the etcd member; and then removes the hook. Every wait requeues after 30 s.
 */
import { getCondition } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import {
  annotationsWithPrefix,
  hasAnnotation,
  KCP_CLEANUP_HOOK,
  PRE_TERMINATE_HOOK_PREFIX,
} from "../objects/meta.js";
import { type ControlPlaneState, deletingMachines } from "./control-plane-state.js";
import { leadershipCandidates } from "./pick.js";
import { targetControlPlaneComponentsHealthy, targetEtcdClusterHealthy } from "./projection.js";

/** What to do about the hook now. */
export type PreTerminateDecision =
  | { readonly kind: "nothing" }
  | { readonly kind: "wait"; readonly machine?: string; readonly message: string }
  | { readonly kind: "error"; readonly machine: string; readonly message: string }
  | { readonly kind: "removeHook"; readonly machine: string }
  | {
      readonly kind: "removeMember";
      readonly machine: string;
      /** The etcd member (Node name) to remove, then drop the hook. */
      readonly member: string;
      /** Move leadership first when the member leads: candidates' Node names, best first. */
      readonly forwardLeadershipTo?: readonly string[];
    };

/** The hook decision at one reconcile. `k8sAtLeast131`: KCP's Kubernetes version is ≥ 1.31. */
export function decidePreTerminate(state: ControlPlaneState, k8sAtLeast131: boolean): PreTerminateDecision {
  const deleting = deletingMachines(state);
  if (deleting.length === 0) return { kind: "nothing" };
  for (const m of deleting) {
    if (!hasAnnotation(m.metadata, KCP_CLEANUP_HOOK)) {
      return {
        kind: "wait",
        machine: m.metadata.name,
        message: "Waiting for Machines without the kcp-cleanup hook to be deleted",
      };
    }
  }
  const machine = oldestDeletion(deleting);
  const name = machine.metadata.name;
  if (k8sAtLeast131) {
    const others = annotationsWithPrefix(machine.metadata, PRE_TERMINATE_HOOK_PREFIX).filter(
      (k) => k !== KCP_CLEANUP_HOOK,
    );
    if (others.length > 0)
      return { kind: "wait", machine: name, message: "Waiting for other pre-terminate hooks to be removed" };
  }
  const c = getCondition(machine.status.conditions, MachineConditions.Deleting);
  if (c?.status !== "True" || c.reason !== "WaitingForPreTerminateHook") {
    return {
      kind: "wait",
      machine: name,
      message: "Waiting for the Machine to reach the pre-terminate hook (drain and volume detach)",
    };
  }
  if (state.machines.length <= 1) return { kind: "removeHook", machine: name };
  if (!targetControlPlaneComponentsHealthy(state, false, name)) {
    return {
      kind: "wait",
      machine: name,
      message: `Cannot delete control plane Machine ${name} when there are no control plane Machines with all Kubernetes control plane components in healthy state. Please check Kubernetes control plane component status`,
    };
  }
  if (state.nodeListError)
    return {
      kind: "error",
      machine: name,
      message: "unable to remove pre-terminate hook: failed to list Nodes",
    };
  if (state.etcdMembers.length === 0) {
    return {
      kind: "error",
      machine: name,
      message: "unable to remove pre-terminate hook, etcd member list is empty",
    };
  }
  const member = machine.status.nodeRef?.name ?? "";
  if (member === "") return { kind: "removeHook", machine: name };
  if (!targetEtcdClusterHealthy(state, false, member).ok) {
    return {
      kind: "wait",
      machine: name,
      message: `Cannot delete control plane Machine ${name}, the operation can lead to etcd quorum loss. Please check the etcd status`,
    };
  }
  if (state.etcdLeader === undefined) {
    return {
      kind: "error",
      machine: name,
      message: "unable to move etcd leadership, failed to detect etcd leader",
    };
  }
  if (state.etcdLeader === member) {
    const candidates = leadershipCandidates(state.machines, machine).map((m) => m.status.nodeRef!.name);
    if (candidates.length === 0) {
      return {
        kind: "error",
        machine: name,
        message: "unable to move etcd leadership, no candidate machines for etcd leadership found",
      };
    }
    return { kind: "removeMember", machine: name, member, forwardLeadershipTo: candidates };
  }
  return { kind: "removeMember", machine: name, member };
}

function oldestDeletion(ms: readonly Machine[]): Machine {
  let best = ms[0]!;
  for (const m of ms) {
    const a = m.metadata.deletionTimestampUs!;
    const b = best.metadata.deletionTimestampUs!;
    if (a < b || (a === b && m.metadata.name < best.metadata.name)) best = m;
  }
  return best;
}
