/**
 * Would the control plane survive a change? KCP's two projections (remediation.go,
 * capi-kube.md §2.1):
 *
 * - `targetControlPlaneComponentsHealthy`: after removing one Machine (or adding one, assumed
 *   unhealthy unless there are no Machines at all), at least one Machine must have every
 *   control-plane component healthy (API server, controller manager, scheduler and — with stacked
 *   etcd — the etcd Pod);
 * - `targetEtcdClusterHealthy`: project the member list after removing one member (or adding one,
 *   assumed unhealthy when there is more than one member): `voting − unhealthy ≥ voting/2 + 1`
 *   (integer division), and never while a learner is in the target. A member without a name is
 *   starting: it counts as an unhealthy learner. A member without a Machine is healthy unless it
 *   reports alarms. Otherwise health is the Machine's `EtcdMemberHealthy` condition.
 */
import { isTrue } from "../objects/conditions.js";
import { MachineConditions } from "../objects/machine.js";
import type { ControlPlaneState } from "./control-plane-state.js";

/** The outcome of an etcd projection, with the numbers CAPI logs. */
export interface EtcdProjection {
  readonly ok: boolean;
  readonly votingMembers: number;
  readonly learnerMembers: number;
  readonly unhealthyMembers: number;
  readonly quorum: number;
}

const COMPONENT_CONDITIONS = [
  MachineConditions.APIServerPodHealthy,
  MachineConditions.ControllerManagerPodHealthy,
  MachineConditions.SchedulerPodHealthy,
  MachineConditions.EtcdPodHealthy,
] as const;

/** At least one fully healthy set of control-plane components remains after the change. */
export function targetControlPlaneComponentsHealthy(
  state: ControlPlaneState,
  addMachine: boolean,
  machineToDelete: string,
): boolean {
  let healthy = addMachine && state.machines.length === 0 ? 1 : 0;
  for (const m of state.machines) {
    if (m.metadata.name === machineToDelete) continue;
    if (COMPONENT_CONDITIONS.every((c) => isTrue(m.status.conditions, c))) healthy++;
  }
  return healthy >= 1;
}

/** The etcd cluster keeps quorum after the change, with KCP's worst-case assumptions. */
export function targetEtcdClusterHealthy(
  state: ControlPlaneState,
  addMember: boolean,
  memberToDelete: string,
): EtcdProjection {
  let voting = 0;
  let learners = 0;
  let unhealthy = 0;
  if (addMember) {
    voting = 1;
    if (state.etcdMembers.length > 1) unhealthy++;
  }
  for (const member of state.etcdMembers) {
    if (member.name === "") {
      learners++;
      unhealthy++;
      continue;
    }
    if (member.name === memberToDelete) continue;
    if (member.isLearner) learners++;
    else voting++;
    const machine = state.machines.find((m) => m.status.nodeRef?.name === member.name);
    if (machine === undefined) {
      if (member.alarms.length > 0) unhealthy++;
      continue;
    }
    if (!isTrue(machine.status.conditions, MachineConditions.EtcdMemberHealthy)) unhealthy++;
  }
  const quorum = Math.floor(voting / 2) + 1;
  const ok = voting - unhealthy >= quorum && learners === 0;
  return { ok, votingMembers: voting, learnerMembers: learners, unhealthyMembers: unhealthy, quorum };
}
