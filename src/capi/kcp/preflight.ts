/**
 * KCP's preflight checks before scaling (`preflightChecks`, preflight.go, capi-kube.md §2.2): "one
 * operation at a time".
 *
 * - any Machine deleting → wait, requeue after 30 s (`deleteRequeueAfter`), so a remediated
 *   Machine's replacement is created only once the old Machine is fully gone;
 * - every other Machine must have a Node and APIServerPodHealthy, ControllerManagerPodHealthy,
 *   SchedulerPodHealthy, EtcdPodHealthy and EtcdMemberHealthy all True, else requeue after 15 s
 *   (`preflightFailedRequeueAfter`);
 * - CAPI ≥ 1.13: while a remediation is in progress, a scale-up may go ahead anyway when the
 *   projection with one more (worst-case unhealthy) Machine and etcd member stays healthy
 *   (`checkHealthinessWhileRemediationInProgress`, PR #13352). Before 1.13 two failures at once
 *   could leave KCP stuck (issue #10125).
 */
import { type Micros, SECOND } from "../../sim/time.js";
import { getCondition } from "../objects/conditions.js";
import { MachineConditions } from "../objects/machine.js";
import type { CapiFeatures } from "../version.js";
import type { ControlPlaneState } from "./control-plane-state.js";
import { targetControlPlaneComponentsHealthy, targetEtcdClusterHealthy } from "./projection.js";

/** `deleteRequeueAfter`. */
export const DELETE_REQUEUE_AFTER_US: Micros = 30 * SECOND;
/** `preflightFailedRequeueAfter`. */
export const PREFLIGHT_FAILED_REQUEUE_AFTER_US: Micros = 15 * SECOND;

/** Preflight outcome. */
export type PreflightResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly requeueAfterUs: Micros; readonly messages: readonly string[] };

const PREFLIGHT_CONDITIONS = [
  MachineConditions.APIServerPodHealthy,
  MachineConditions.ControllerManagerPodHealthy,
  MachineConditions.SchedulerPodHealthy,
  MachineConditions.EtcdPodHealthy,
  MachineConditions.EtcdMemberHealthy,
] as const;

/** The preflight checks for a scale-up (`isScaleUp`) or scale-down. */
export function preflightChecks(
  state: ControlPlaneState,
  isScaleUp: boolean,
  remediationInProgress: boolean,
  features: Pick<CapiFeatures, "kcpRelaxedScaleUpWhileRemediating">,
): PreflightResult {
  if (state.machines.length === 0) return { ok: true };
  const deleting = state.machines.filter((m) => m.metadata.deletionTimestampUs !== undefined);
  if (deleting.length > 0) {
    return {
      ok: false,
      requeueAfterUs: DELETE_REQUEUE_AFTER_US,
      messages: [`Waiting for machines to be deleted: ${deleting.map((m) => m.metadata.name).join(", ")}`],
    };
  }
  let messages = checkHealthiness(state);
  if (
    messages.length > 0 &&
    remediationInProgress &&
    isScaleUp &&
    features.kcpRelaxedScaleUpWhileRemediating
  ) {
    messages = checkHealthinessWhileRemediationInProgress(state);
  }
  if (messages.length > 0) return { ok: false, requeueAfterUs: PREFLIGHT_FAILED_REQUEUE_AFTER_US, messages };
  return { ok: true };
}

/** Every Machine has a Node and every component condition True (`checkHealthiness`). */
export function checkHealthiness(state: ControlPlaneState): string[] {
  const out: string[] = [];
  for (const m of state.machines) {
    const name = m.metadata.name;
    if (m.status.nodeRef === undefined) {
      out.push(`Machine ${name} does not have a corresponding Node yet (Machine.status.nodeRef not set)`);
      continue;
    }
    for (const type of PREFLIGHT_CONDITIONS) {
      const c = getCondition(m.status.conditions, type);
      if (!c) out.push(`Machine ${name} does not have ${type} condition`);
      else if (c.status === "False")
        out.push(`Machine ${name} reports ${type} condition is false (${c.message})`);
      else if (c.status === "Unknown")
        out.push(`Machine ${name} reports ${type} condition is unknown (${c.message})`);
    }
  }
  return out;
}

/** The CAPI ≥ 1.13 relaxed check: the control plane plus one new Machine stays healthy. */
export function checkHealthinessWhileRemediationInProgress(state: ControlPlaneState): string[] {
  const out: string[] = [];
  if (!targetControlPlaneComponentsHealthy(state, true, "")) {
    out.push(
      "cannot add a new control plane Machine when there are no control plane Machines with all Kubernetes control plane components in healthy state. Please check Kubernetes control plane component status",
    );
  }
  if (state.etcdMembers.length === 0) {
    out.push("cannot check etcd cluster health before scale up, etcd member list is empty");
  } else if (!targetEtcdClusterHealthy(state, true, "").ok) {
    out.push("adding a new control plane Machine can lead to etcd quorum loss. Please check the etcd status");
  }
  return out;
}
