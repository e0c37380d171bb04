/**
 * How a member process reports to whoever watches the cluster as a whole (the world's etcd
 * registry: invariant checks, role traces, signals). The member calls these synchronously; an
 * observer must not call back into the member.
 */
import type { RaftEvent } from "../raft/events.js";
import type { Ready } from "../raft/ready.js";
import type { ConfChange } from "../raft/types.js";
import type { EtcdMember } from "./member.js";

/** Receives a member's notable moments. */
export interface MemberObserver {
  /** The process has a Raft node (restarted from disk, bootstrapped, or joined). */
  started(member: EtcdMember): void;
  /** The process ended: SIGTERM finished, SIGKILL/guest stop, or it exited on its own. */
  stopped(member: EtcdMember, how: "terminated" | "killed" | "exited"): void;
  /** Role or leader changed (from a Ready's soft state, or a role event). */
  leadershipChanged(member: EtcdMember): void;
  /** A Raft event, as it happens. */
  raftEvent(member: EtcdMember, event: RaftEvent): void;
  /** Right after `ready()`, before anything is persisted or applied. */
  readyTaken(member: EtcdMember, rd: Ready): void;
  /** A conf-change entry at `index` was applied. */
  confChangeApplied(member: EtcdMember, change: ConfChange, index: number): void;
  /** The membership was replaced by a snapshot's. */
  membershipChanged(member: EtcdMember): void;
  /** The lineage number of a cluster ID (the same cluster ID gets the same number). */
  incarnationOf(clusterId: string): number;
  /** A fresh lineage number (`--force-new-cluster`, restore). */
  newIncarnation(clusterId: string): number;
  /**
   * The lineage of the member process running on `host`, if any: stands in for rafthttp's
   * `X-Etcd-Cluster-ID` header when a message comes from a member this one does not know yet.
   */
  lineageOfHost(host: string): number | undefined;
}

/** An observer that ignores everything (single-member tests). */
export const NO_OBSERVER: MemberObserver = {
  started() {},
  stopped() {},
  leadershipChanged() {},
  raftEvent() {},
  readyTaken() {},
  confChangeApplied() {},
  membershipChanged() {},
  incarnationOf: () => 1,
  newIncarnation: () => 1,
  lineageOfHost: () => undefined,
};
