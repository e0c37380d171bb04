/**
 * KubeadmControlPlane's remediation decision (`reconcileUnhealthyMachines`, remediation.go,
 * capi-kube.md §2.1), as a pure function of KCP's view at one reconcile. It refuses exactly when
 * CAPI does, in CAPI's order, with CAPI's reasons and messages:
 *
 * 1. nothing to do unless some Machine has `HealthCheckSucceeded=False` and `OwnerRemediated=False`;
 *    the "most broken" one is chosen (pick.ts); a deleting choice is a no-op;
 * 2. `remediation-in-progress` on KCP (the previous replacement is not created yet) → skip;
 * 3. retry limits (retry-limits.ts);
 * 4. once initialized: ≤ 1 Machine → CannotBeRemediated; a healthy Machine still provisioning or
 *    any deleting Machine → RemediationDeferred; no etcd member list (or the Node list failed) →
 *    RemediationDeferred; the projected control plane or etcd cluster would not be healthy →
 *    CannotBeRemediated;
 * 5. otherwise remediate: move etcd leadership away if this Machine's member leads, then delete
 *    the Machine (CAPI ≥ 1.9: the etcd member goes in the pre-terminate hook; ≤ 1.8: removed
 *    right here, before the delete).
 *
 * Stale `remediation-in-progress` annotations (a Machine newer than its timestamp exists) are
 * dropped first, as CAPI does.
 */
import type { Micros } from "../../sim/time.js";
import { isFalse, isTrue } from "../objects/conditions.js";
import type { KubeadmControlPlane } from "../objects/kubeadm-control-plane.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import { ANNOTATION_REMEDIATION_FOR, ANNOTATION_REMEDIATION_IN_PROGRESS } from "../objects/meta.js";
import type { CapiFeatures } from "../version.js";
import type { ControlPlaneState } from "./control-plane-state.js";
import { leadershipCandidates, machineToBeRemediated } from "./pick.js";
import { targetControlPlaneComponentsHealthy, targetEtcdClusterHealthy } from "./projection.js";
import { parseRemediationData, type RemediationData } from "./remediation-data.js";
import { checkRetryLimits } from "./retry-limits.js";

/** `OwnerRemediated` reasons KCP writes. */
export type OwnerRemediatedReason = "RemediationDeferred" | "CannotBeRemediated" | "MachineDeleting";

/** What KCP decided. Every variant says whether to drop a stale in-progress annotation. */
export type RemediationDecision =
  | { readonly kind: "none"; readonly dropStaleInProgress: boolean; readonly why: string }
  | {
      readonly kind: "blocked";
      readonly dropStaleInProgress: boolean;
      readonly machine: string;
      readonly reason: OwnerRemediatedReason;
      readonly message: string;
    }
  | {
      readonly kind: "remediate";
      readonly dropStaleInProgress: boolean;
      readonly machine: string;
      /** The remediation-in-progress data to record on KCP. */
      readonly data: RemediationData;
      /** Move etcd leadership first: from this member to the first candidate that works. */
      readonly forwardLeadership?: { readonly from: string; readonly candidates: readonly string[] };
      /** CAPI ≤ 1.8: remove this etcd member before deleting the Machine. */
      readonly removeEtcdMemberFirst?: string;
    };

/** Machines MHC marked and KCP must remediate (`MachinesToBeRemediatedByKCP`). */
export function machinesToBeRemediatedByKcp(machines: readonly Machine[]): Machine[] {
  return machines.filter(
    (m) =>
      isFalse(m.status.conditions, MachineConditions.HealthCheckSucceeded) &&
      isFalse(m.status.conditions, MachineConditions.OwnerRemediated),
  );
}

/** The remediation decision for one reconcile at `nowUs`. */
export function decideRemediation(
  kcp: KubeadmControlPlane,
  state: ControlPlaneState,
  nowUs: Micros,
  features: Pick<CapiFeatures, "etcdRemovalInPreTerminateHook">,
): RemediationDecision {
  const inProgressText = kcp.metadata.annotations[ANNOTATION_REMEDIATION_IN_PROGRESS];
  let inProgress = inProgressText !== undefined;
  let dropStaleInProgress = false;
  if (inProgress) {
    const d = parseRemediationData(inProgressText);
    if (d && state.machines.some((m) => m.metadata.creationTimestampUs > d.timestampUs)) {
      dropStaleInProgress = true;
      inProgress = false;
    }
  }

  const chosen = machineToBeRemediated(machinesToBeRemediatedByKcp(state.machines));
  if (!chosen) return { kind: "none", dropStaleInProgress, why: "no Machine to remediate" };
  const name = chosen.metadata.name;
  if (chosen.metadata.deletionTimestampUs !== undefined) {
    return { kind: "none", dropStaleInProgress, why: `Machine ${name} is already deleting` };
  }
  if (inProgress) {
    return { kind: "none", dropStaleInProgress, why: "Another remediation is already in progress" };
  }
  const blocked = (reason: OwnerRemediatedReason, message: string): RemediationDecision => ({
    kind: "blocked",
    dropStaleInProgress,
    machine: name,
    reason,
    message,
  });

  const retry = checkRetryLimits(
    name,
    parseRemediationData(chosen.metadata.annotations[ANNOTATION_REMEDIATION_FOR]),
    kcp.spec.remediation,
    nowUs,
  );
  if (!retry.allowed) return blocked(retry.reason, retry.message);

  let forwardLeadership: { from: string; candidates: string[] } | undefined;
  let removeEtcdMemberFirst: string | undefined;
  if (kcp.status.initialized) {
    if (state.machines.length <= 1) {
      return blocked(
        "CannotBeRemediated",
        "KubeadmControlPlane can't remediate if current replicas are less or equal to 1",
      );
    }
    // "Healthy" here means not marked unhealthy by MHC (HealthCheckSucceeded is not False).
    const healthyProvisioning = state.machines.some(
      (m) =>
        m.status.nodeRef === undefined &&
        !isFalse(m.status.conditions, MachineConditions.HealthCheckSucceeded),
    );
    if (healthyProvisioning) {
      return blocked(
        "RemediationDeferred",
        "KubeadmControlPlane waiting for control plane Machine provisioning to complete before triggering remediation",
      );
    }
    if (state.machines.some((m) => m.metadata.deletionTimestampUs !== undefined)) {
      return blocked(
        "RemediationDeferred",
        "KubeadmControlPlane waiting for control plane Machine deletion to complete before triggering remediation",
      );
    }
    if (state.etcdMembers.length === 0 || state.nodeListError) {
      return blocked("RemediationDeferred", "Failed to check etcd cluster health before remediation");
    }
    if (!canSafelyRemediate(state, chosen)) {
      return blocked(
        "CannotBeRemediated",
        "KubeadmControlPlane can't remediate this Machine because this could result in loosing Kubernetes control plane components or in etcd quorum loss",
      );
    }
    const member = chosen.status.nodeRef?.name;
    if (member !== undefined && features.etcdRemovalInPreTerminateHook) {
      if (state.etcdLeader === undefined) {
        return blocked("CannotBeRemediated", "unable to move etcd leadership, failed to detect etcd leader");
      }
      if (state.etcdLeader === member) {
        const candidates = leadershipCandidates(state.machines, chosen).map((m) => m.status.nodeRef!.name);
        if (candidates.length === 0) {
          return blocked(
            "CannotBeRemediated",
            "unable to move etcd leadership, no candidate machines for etcd leadership found",
          );
        }
        forwardLeadership = { from: member, candidates };
      }
    } else if (member !== undefined) {
      // CAPI ≤ 1.8: lead moves to the newest MHC-healthy Machine, then the member is removed.
      const healthy = state.machines
        .filter(
          (m) =>
            m.metadata.name !== name &&
            m.status.nodeRef !== undefined &&
            isTrue(m.status.conditions, MachineConditions.HealthCheckSucceeded),
        )
        .sort((a, b) => b.metadata.creationTimestampUs - a.metadata.creationTimestampUs);
      if (healthy.length === 0) {
        return blocked(
          "CannotBeRemediated",
          "A control plane machine needs remediation, but there is no healthy machine to forward etcd leadership to. Skipping remediation",
        );
      }
      if (state.etcdLeader === member)
        forwardLeadership = { from: member, candidates: [healthy[0]!.status.nodeRef!.name] };
      if (state.etcdMembers.some((x) => x.name === member)) removeEtcdMemberFirst = member;
    }
  }
  return {
    kind: "remediate",
    dropStaleInProgress,
    machine: name,
    data: retry.data,
    ...(forwardLeadership ? { forwardLeadership } : {}),
    ...(removeEtcdMemberFirst !== undefined ? { removeEtcdMemberFirst } : {}),
  };
}

/**
 * `canSafelyRemediateMachine`: one set of healthy control-plane components must remain, and the
 * etcd cluster without this Machine's member must keep quorum. A Machine whose member name is not
 * known (no Node yet) passes the etcd check, as in CAPI ("considered as user intent").
 */
export function canSafelyRemediate(state: ControlPlaneState, machine: Machine): boolean {
  if (!targetControlPlaneComponentsHealthy(state, false, machine.metadata.name)) return false;
  const member = machine.status.nodeRef?.name ?? "";
  if (member === "") return true;
  if (state.etcdMembers.length === 0) return false;
  return targetEtcdClusterHealthy(state, false, member).ok;
}
