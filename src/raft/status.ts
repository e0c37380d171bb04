/**
 * Point-in-time views of a node for observers: what `etcdctl endpoint status` shows, and the
 * leader's per-member progress used for learner-promotion checks (etcd-io/raft `Status`).
 */
import type { ProgressState } from "./progress.js";
import type { NodeId, Role } from "./types.js";

/** The leader's view of one member, for `etcdctl endpoint status` and learner-promotion checks. */
export interface ProgressStatus {
  readonly id: NodeId;
  readonly isLearner: boolean;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly pendingSnapshot: number;
  readonly inflight: number;
}

/** A point-in-time view of a node for observers. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly role: Role;
  readonly leader: NodeId;
  readonly isLearner: boolean;
  readonly commit: number;
  readonly applied: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly leadTransferee: NodeId;
  /** Every member's progress (meaningful on the leader only; empty elsewhere). */
  readonly progress: readonly ProgressStatus[];
}
