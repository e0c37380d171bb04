/**
 * Notable decisions of the core, reported as data so a host can write etcd-style log lines and the
 * trace can explain *why* something happened. They mirror the etcd-io/raft log messages cited in
 * ../shared/reference/etcd-raft.md §1.3, §1.11–1.12. Emitted only on rare paths (never per heartbeat).
 */
import type { ConfChange, MessageType, NodeId, Role } from "./types.js";

/** Something the core decided. `term` is the node's term when it happened. */
export type RaftEvent =
  /** The node changed role ("became leader at term N", "became follower at term N"). */
  | { readonly type: "roleChanged"; readonly term: number; readonly role: Role; readonly leader: NodeId }
  /** An election started ("is starting a new election at term N"). */
  | {
      readonly type: "campaignStarted";
      readonly term: number;
      readonly preVote: boolean;
      readonly transfer: boolean;
    }
  /** A vote or pre-vote request was answered ("cast MsgVote for 2 at term 5" / "rejected"). */
  | {
      readonly type: "voteCast";
      readonly term: number;
      readonly msgType: MessageType;
      readonly candidate: NodeId;
      readonly granted: boolean;
    }
  /** A vote request was ignored because a leader was heard within the election timeout. */
  | {
      readonly type: "voteIgnoredInLease";
      readonly term: number;
      readonly msgType: MessageType;
      readonly candidate: NodeId;
      readonly remainingTicks: number;
    }
  /** "stepped down to follower since quorum is not active". */
  | { readonly type: "quorumInactive"; readonly term: number }
  /** A campaign was refused (not promotable, already leader, unapplied conf change). */
  | { readonly type: "campaignRefused"; readonly term: number; readonly reason: string }
  /** A proposal, read or transfer request was dropped ("no leader at term N; dropping proposal"). */
  | { readonly type: "dropped"; readonly term: number; readonly what: MessageType; readonly reason: string }
  /** Leadership transfer began, finished sending MsgTimeoutNow, or was aborted. */
  | {
      readonly type: "transfer";
      readonly term: number;
      readonly transferee: NodeId;
      readonly phase: "started" | "timeoutNowSent" | "aborted";
    }
  /** The leader started sending a snapshot to a follower whose entries are compacted away. */
  | { readonly type: "snapshotSent"; readonly term: number; readonly to: NodeId; readonly index: number }
  /** A follower replaced its log by a snapshot from the leader. */
  | {
      readonly type: "snapshotRestored";
      readonly term: number;
      readonly index: number;
      readonly snapshotTerm: number;
    }
  /** A membership change was applied. */
  | {
      readonly type: "confChangeApplied";
      readonly term: number;
      readonly change: ConfChange;
      readonly changed: boolean;
    };

/** Receives events; must not call back into the node. */
export type RaftEventListener = (event: RaftEvent) => void;
