/**
 * The MachineSet controller's decisions (core/reconcilers/machineset/machineset_controller.go,
 * capi-kube.md §1.4 and §3.3), as a pure function of the MachineSet and its Machines:
 *
 * - remediation (`reconcileUnhealthyMachines`): Machines MHC marked (`HealthCheckSucceeded=False`,
 *   `OwnerRemediated=False`) and not yet deleting are deleted, several at once, up to the
 *   MachineDeployment's `maxInFlight` (a Machine counts as in flight while it is deleting for a
 *   remediation);
 * - replicas (`syncReplicas`): `diff = len(machines) − replicas`, **deleting Machines included**
 *   (PR #3434), so a remediated Machine is replaced only after it is fully gone — delete first,
 *   then create. Surplus Machines are removed deleting/unhealthy ones first, then the newest
 *   (the Newest delete policy; CAPI's default Random policy picks randomly among equals).
 */
import { getCondition, isFalse } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import type { MachineSet } from "../objects/machine-set.js";

/** What the MachineSet controller does in one reconcile. */
export interface MachineSetDecision {
  /** Unhealthy Machines to delete now (remediation). */
  readonly remediate: readonly string[];
  /** Unhealthy Machines left for later because of maxInFlight. */
  readonly deferred: readonly string[];
  /** New Machines to create. */
  readonly create: number;
  /** Machines to delete to scale down. */
  readonly scaleDown: readonly string[];
}

/** True when the Machine is deleting because its owner remediates it. */
export function isRemediationInFlight(m: Machine): boolean {
  if (m.metadata.deletionTimestampUs === undefined) return false;
  const c = getCondition(m.status.conditions, MachineConditions.OwnerRemediated);
  return c?.status === "False" && c.reason === "MachineDeleting";
}

/** The decision for `ms` owning `machines` (deleting ones included). */
export function decideMachineSet(ms: MachineSet, machines: readonly Machine[]): MachineSetDecision {
  const toRemediate = machines.filter(
    (m) =>
      m.metadata.deletionTimestampUs === undefined &&
      isFalse(m.status.conditions, MachineConditions.HealthCheckSucceeded) &&
      isFalse(m.status.conditions, MachineConditions.OwnerRemediated),
  );
  const limit = ms.spec.maxInFlight;
  let remediate = toRemediate;
  let deferred: Machine[] = [];
  if (limit !== undefined) {
    const inFlight = machines.filter(isRemediationInFlight).length;
    const room = Math.max(0, limit - inFlight);
    remediate = toRemediate.slice(0, room);
    deferred = toRemediate.slice(room);
  }
  const remediated = new Set(remediate.map((m) => m.metadata.name));
  const diff = machines.length - ms.spec.replicas;
  let create = 0;
  let scaleDown: string[] = [];
  if (diff < 0) create = -diff;
  else if (diff > 0) {
    const candidates = machines
      .filter((m) => m.metadata.deletionTimestampUs === undefined && !remediated.has(m.metadata.name))
      .sort(deletePriority);
    const alreadyGoing = machines.length - candidates.length;
    scaleDown = candidates.slice(0, Math.max(0, diff - alreadyGoing)).map((m) => m.metadata.name);
  }
  return {
    remediate: remediate.map((m) => m.metadata.name),
    deferred: deferred.map((m) => m.metadata.name),
    create,
    scaleDown,
  };
}

function deletePriority(a: Machine, b: Machine): number {
  const ua =
    isFalse(a.status.conditions, MachineConditions.HealthCheckSucceeded) || a.status.nodeRef === undefined;
  const ub =
    isFalse(b.status.conditions, MachineConditions.HealthCheckSucceeded) || b.status.nodeRef === undefined;
  if (ua !== ub) return ua ? -1 : 1;
  return b.metadata.creationTimestampUs - a.metadata.creationTimestampUs;
}
