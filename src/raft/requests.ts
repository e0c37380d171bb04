/**
 * What a host passes to start a node and what the node answers to requests
 * (etcd-io/raft `StartNode`/`RestartNode`, `ErrProposalDropped`).
 */
import type { ConfState, Entry, HardState, Snapshot } from "./types.js";

/** How a node starts: a new cluster, a restart from persisted state, or a blank joining member. */
export interface RaftStartState {
  /**
   * New cluster (etcd `StartNode` with peers): the membership is written as committed conf-change
   * entries 1..n at term 1, which the host persists and applies from the first Ready.
   */
  readonly bootstrap?: ConfState;
  /** Restart: persisted term, vote and commit. */
  readonly hardState?: HardState;
  /** Restart: the last persisted snapshot (its ConfState is the starting membership). */
  readonly snapshot?: Snapshot | null;
  /** Restart: persisted entries after the snapshot, contiguous, in index order. */
  readonly entries?: readonly Entry[];
  /** Restart: index the host's state machine already reflects (default: the snapshot index). */
  readonly applied?: number;
}

/** What happened to a proposal (etcd: `ErrProposalDropped` for the dropped cases). */
export type ProposeResult =
  /** Appended to this leader's log at `lastIndex`. */
  | "appended"
  /** Sent to the leader as MsgProp; the outcome is only visible when (if) the entry is applied. */
  | "forwarded"
  /** No leader known, leadership transfer in progress, or this node was removed. */
  | "dropped"
  /** A conf change is already pending (proposed but not applied): one change at a time. */
  | "confChangePending";

/** What happened to a read request. */
export type ReadIndexResult = "accepted" | "dropped";
