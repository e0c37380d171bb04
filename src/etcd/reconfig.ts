/**
 * etcd's checks before a membership change (etcd `server/etcdserver/server.go` mayAddMember,
 * mayRemoveMember, mayPromoteMember; `membership/cluster.go` IsReadyToAddVotingMember,
 * IsReadyToRemoveVotingMember; ../shared/reference/etcd-raft.md §1.5), written as pure functions
 * of what the serving member knows: the membership, which members have started, and since when
 * each peer has been connected.
 *
 * - `--strict-reconfig-check` (on by default) refuses a change that could lose quorum: adding a
 *   voter needs a quorum of the enlarged cluster started, and the local member connected for the
 *   last 5 s (`HealthInterval`) to every voter (3.4/3.5 `isConnectedFullySince`) or, since 3.6, to
 *   a quorum of the enlarged cluster counting the new member as down
 *   (`isConnectedToQuorumAfterAddingNewMemberSince`); removing a voter that is connected needs the
 *   remaining connected voters to still form a quorum.
 * - `--max-learners` (1) caps learners; a learner can be promoted only when its log has ≥ 90 %
 *   of the leader's (`readyPercentThreshold`).
 */
import type { NodeId } from "../raft/types.js";
import type { EtcdError } from "./client-api.js";
import {
  ERR_LEARNER_NOT_READY,
  ERR_MEMBER_NOT_FOUND,
  ERR_NOT_ENOUGH_STARTED,
  ERR_NOT_LEARNER,
  ERR_PEER_URL_EXISTS,
  ERR_TOO_MANY_LEARNERS,
  ERR_UNHEALTHY,
} from "./errors.js";
import type { MemberInfo } from "./membership.js";

/** What the checks read. */
export interface ReconfigView {
  readonly strict: boolean;
  readonly maxLearners: number;
  readonly self: NodeId;
  readonly members: readonly MemberInfo[];
  /** True when the peer has been connected since `t` or earlier (self counts as always connected). */
  connectedSince(id: NodeId, t: number): boolean;
  /** True when the peer is connected now. */
  isActive(id: NodeId): boolean;
  /** `now − HealthInterval`. */
  readonly healthSinceUs: number;
  /** 3.4/3.5: adding a voter needs a connection to every voter; 3.6: to a quorum of the enlarged cluster. */
  readonly addNeedsAllConnected: boolean;
}

function quorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

function started(m: MemberInfo): boolean {
  return m.name !== "";
}

/** etcd `mayAddMember` plus the max-learners rule; null when allowed. */
export function checkAdd(v: ReconfigView, peerUrl: string, learner: boolean): EtcdError | null {
  if (v.members.some((m) => m.peerUrl === peerUrl)) return ERR_PEER_URL_EXISTS;
  if (learner) {
    const learners = v.members.filter((m) => m.isLearner).length;
    return learners >= v.maxLearners ? ERR_TOO_MANY_LEARNERS : null;
  }
  if (!v.strict) return null;
  const voters = v.members.filter((m) => !m.isLearner);
  const nStarted = voters.filter(started).length;
  const nAfter = voters.length + 1;
  // Restoring data into a new 2-member cluster from one started member is allowed.
  if (!(nStarted === 1 && nAfter === 2) && nStarted < quorum(nAfter)) return ERR_NOT_ENOUGH_STARTED;
  const connected = voters.filter(
    (m) => m.id.raft === v.self || v.connectedSince(m.id.raft, v.healthSinceUs),
  ).length;
  if (v.addNeedsAllConnected ? connected < voters.length : connected < quorum(nAfter)) return ERR_UNHEALTHY;
  return null;
}

/** etcd `mayRemoveMember`; null when allowed. */
export function checkRemove(v: ReconfigView, id: NodeId): EtcdError | null {
  const target = v.members.find((m) => m.id.raft === id);
  if (target === undefined) return ERR_MEMBER_NOT_FOUND;
  if (!v.strict || target.isLearner) return null;
  const voters = v.members.filter((m) => !m.isLearner);
  const startedAfter = voters.filter((m) => m.id.raft !== id && started(m)).length;
  if (startedAfter < quorum(voters.length - 1)) return ERR_NOT_ENOUGH_STARTED;
  // A member that is down is not part of the active quorum: removing it is safe.
  if (id !== v.self && !v.isActive(id)) return null;
  const active = voters.filter(
    (m) => m.id.raft === v.self || v.connectedSince(m.id.raft, v.healthSinceUs),
  ).length;
  if (active - 1 < 1 + Math.floor((voters.length - 1) / 2)) return ERR_UNHEALTHY;
  return null;
}

/** etcd `mayPromoteMember` (run on the leader); `inSync` is the 90 % rule. Null when allowed. */
export function checkPromote(v: ReconfigView, id: NodeId, inSync: boolean): EtcdError | null {
  const target = v.members.find((m) => m.id.raft === id);
  if (target === undefined) return ERR_MEMBER_NOT_FOUND;
  if (!target.isLearner) return ERR_NOT_LEARNER;
  if (!inSync) return ERR_LEARNER_NOT_READY;
  if (!v.strict) return null;
  const voters = v.members.filter((m) => !m.isLearner);
  const nAfter = voters.length + 1;
  const connected = voters.filter(
    (m) => m.id.raft === v.self || v.connectedSince(m.id.raft, v.healthSinceUs),
  ).length;
  return connected < quorum(nAfter) ? ERR_UNHEALTHY : null;
}
