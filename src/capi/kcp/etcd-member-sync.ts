/**
 * `reconcileEtcdMembers` (kubeadmcontrolplane_controller.go, capi-kube.md §2.3): when the etcd
 * cluster is not healthy and no Machine is still provisioning, remove one etcd member that has no
 * Machine (sorted by name; an unnamed, never-started learner included), provided the remaining
 * cluster keeps quorum. This is how a half-removed member gets cleaned up; while a Machine is
 * provisioning it is left alone, which is why a learner left by a Machine that never joined can
 * block every later join (issue #13221).
 */
import type { ControlPlaneState, EtcdMemberView } from "./control-plane-state.js";
import { targetEtcdClusterHealthy } from "./projection.js";

/** What to do about members without Machines. */
export type MemberSyncDecision =
  | { readonly kind: "nothing" }
  | { readonly kind: "wait"; readonly message: string }
  | { readonly kind: "refuse"; readonly message: string }
  | { readonly kind: "remove"; readonly member: EtcdMemberView };

/** The decision; `etcdClusterHealthy` is KCP's EtcdClusterHealthy condition being True. */
export function decideEtcdMemberSync(
  state: ControlPlaneState,
  etcdClusterHealthy: boolean,
): MemberSyncDecision {
  if (state.machines.length === 0 || state.etcdMembers.length === 0 || state.nodeListError)
    return { kind: "nothing" };
  if (etcdClusterHealthy) return { kind: "nothing" };
  const expected = new Set<string>();
  let provisioning = 0;
  for (const m of state.machines) {
    if (m.status.nodeRef === undefined) provisioning++;
    else expected.add(m.status.nodeRef.name);
  }
  const unexpected = state.etcdMembers.filter((x) => !expected.has(x.name));
  if (unexpected.length === 0) return { kind: "nothing" };
  const names = unexpected.map((x) => (x.name === "" ? "(Name not yet assigned)" : x.name)).sort();
  if (provisioning > 0) {
    return {
      kind: "wait",
      message: `Etcd members ${names.join(", ")} without corresponding Machines, potential match with provisioning machines`,
    };
  }
  const victim = [...unexpected].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0]!;
  if (victim.name !== "" && !targetEtcdClusterHealthy(state, false, victim.name).ok) {
    return {
      kind: "refuse",
      message: `etcd member ${victim.name} does not have a corresponding Machine, it must be removed from the cluster but this operation can lead to quorum loss. Please check the etcd status`,
    };
  }
  return { kind: "remove", member: victim };
}
