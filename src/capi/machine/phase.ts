/**
 * The Machine phase, computed the way the Machine controller does after every reconcile
 * (`setMachinePhaseAndLastUpdated`, core/reconcilers/machine/machine_controller_status.go,
 * capi-kube.md §3.1): the rules run in order and a later one overrides an earlier one, starting
 * from the current phase:
 *
 * - no phase yet → `Pending`;
 * - bootstrap data ready but infrastructure not provisioned → `Provisioning`;
 * - a providerID → `Provisioned`;
 * - a nodeRef and provisioned infrastructure → `Running` (so a Machine whose VM was powered off
 *   or deleted still shows `Running`, as seed 001 observes: provisioning never reverts);
 * - failureReason/failureMessage (CAPI ≤ 1.10) → `Failed`;
 * - a deletion timestamp → `Deleting`.
 *
 * `Deleted` is never stored: the Machine object disappears when its finalizer is removed; the
 * trace records that moment as the phase `Deleted`.
 */

import type { Machine, MachinePhase } from "../objects/machine.js";
import type { CapiFeatures } from "../version.js";

/** The phase the Machine controller would write for `m`. */
export function machinePhase(
  m: Machine,
  features: Pick<CapiFeatures, "mhcRemediatesFailureReason">,
): MachinePhase {
  const s = m.status;
  let phase: MachinePhase = s.phase === "Unknown" ? "Pending" : s.phase;
  if (s.bootstrapReady && !s.infrastructureReady) phase = "Provisioning";
  if (m.spec.providerID !== undefined) phase = "Provisioned";
  if (s.nodeRef !== undefined && s.infrastructureReady) phase = "Running";
  if (
    features.mhcRemediatesFailureReason &&
    (s.failureReason !== undefined || s.failureMessage !== undefined)
  ) {
    phase = "Failed";
  }
  if (m.metadata.deletionTimestampUs !== undefined) phase = "Deleting";
  return phase;
}
