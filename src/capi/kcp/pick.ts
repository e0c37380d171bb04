/**
 * Orderings KCP uses (remediation.go, kubeadmcontrolplane_controller.go, capi-kube.md §2.1):
 *
 * - which unhealthy Machine to remediate first (`pickMachineToBeRemediated`): the remediate-machine
 *   annotation, then no nodeRef, then EtcdMemberHealthy, EtcdPodHealthy, APIServerPodHealthy,
 *   ControllerManagerPodHealthy, SchedulerPodHealthy, NodeKubeadmLabelsAndTaintsSet not True, then
 *   the oldest, then the name — "the most broken Machine first";
 * - where to move etcd leadership (`getCandidatesForEtcdLeadership`): Machines with a Node that are
 *   not deleting, etcd-healthy first, then MHC-healthy, then the newest.
 */
import { isTrue } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import { ANNOTATION_REMEDIATE_MACHINE, hasAnnotation } from "../objects/meta.js";

const CONDITION_ORDER = [
  MachineConditions.EtcdMemberHealthy,
  MachineConditions.EtcdPodHealthy,
  MachineConditions.APIServerPodHealthy,
  MachineConditions.ControllerManagerPodHealthy,
  MachineConditions.SchedulerPodHealthy,
  MachineConditions.NodeKubeadmLabelsAndTaintsSet,
] as const;

/** Negative when `a` should be remediated before `b`. */
export function compareForRemediation(a: Machine, b: Machine): number {
  const ra = hasAnnotation(a.metadata, ANNOTATION_REMEDIATE_MACHINE);
  const rb = hasAnnotation(b.metadata, ANNOTATION_REMEDIATE_MACHINE);
  if (ra !== rb) return ra ? -1 : 1;
  const na = a.status.nodeRef !== undefined;
  const nb = b.status.nodeRef !== undefined;
  if (na !== nb) return na ? 1 : -1;
  for (const c of CONDITION_ORDER) {
    const ha = isTrue(a.status.conditions, c);
    const hb = isTrue(b.status.conditions, c);
    if (ha !== hb) return ha ? 1 : -1;
  }
  const ta = a.metadata.creationTimestampUs;
  const tb = b.metadata.creationTimestampUs;
  if (ta !== tb) return ta - tb;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The Machine to remediate among `unhealthy`, or undefined when there is none. */
export function machineToBeRemediated(unhealthy: readonly Machine[]): Machine | undefined {
  if (unhealthy.length === 0) return undefined;
  return [...unhealthy].sort(compareForRemediation)[0];
}

/** Candidates to take etcd leadership from `leaving`, best first. */
export function leadershipCandidates(machines: readonly Machine[], leaving: Machine): Machine[] {
  return machines
    .filter(
      (m) =>
        m.status.nodeRef !== undefined &&
        m.metadata.deletionTimestampUs === undefined &&
        m.metadata.name !== leaving.metadata.name,
    )
    .sort((a, b) => {
      const ea = isTrue(a.status.conditions, MachineConditions.EtcdMemberHealthy);
      const eb = isTrue(b.status.conditions, MachineConditions.EtcdMemberHealthy);
      if (ea !== eb) return ea ? -1 : 1;
      const ha = isTrue(a.status.conditions, MachineConditions.HealthCheckSucceeded);
      const hb = isTrue(b.status.conditions, MachineConditions.HealthCheckSucceeded);
      if (ha !== hb) return ha ? -1 : 1;
      return b.metadata.creationTimestampUs - a.metadata.creationTimestampUs;
    });
}
