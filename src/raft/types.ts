/**
 * Data types of the Raft core: entries, messages, hard and soft state, snapshots, membership.
 *
 * The shapes follow etcd-io/raft's `raftpb` (see ../shared/reference/etcd-raft.md §3.1–3.2) but as
 * plain TypeScript objects: node ids are small positive integers, `0` means "none", entry payloads
 * are opaque to Raft and carry their encoded size so hosts can charge disk and network time for them.
 */

/** A member's id: a small positive integer. `NONE` (0) means "no node". */
export type NodeId = number;

/** "No node": no leader known, no vote cast. */
export const NONE: NodeId = 0;

/** What an entry carries: an application command or a membership change (data is a {@link ConfChange}). */
export type EntryType = "normal" | "confChange";

/** One replicated log entry. Entries are immutable once created; Raft shares them between logs and messages. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque to Raft. For `confChange` entries it is the {@link ConfChange}. */
  readonly data: unknown;
  /** Encoded size, used for message size limits, in-flight byte limits and the host's I/O cost. */
  readonly bytes: number;
}

/**
 * A one-at-a-time membership change (etcd's ConfChange v1 semantics): `addVoter` on an existing
 * learner promotes it, exactly like `promoteLearner`.
 */
export interface ConfChange {
  readonly type: "addVoter" | "addLearner" | "promoteLearner" | "remove";
  readonly nodeId: NodeId;
  /** Opaque to Raft (etcd puts the member's peer URLs here). */
  readonly context?: unknown;
}

/** Membership: who votes and who only receives the log. Both lists sorted ascending. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** State that must be durable before any message depending on it leaves the node (etcd `raftpb.HardState`). */
export interface HardState {
  readonly term: number;
  /** Who this node voted for in `term` (NONE if nobody). */
  readonly vote: NodeId;
  readonly commit: number;
}

/** A point-in-time image of the applied state machine, replacing the log up to `index`. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  /** Membership as of `index`. */
  readonly confState: ConfState;
  /** Opaque to Raft (the host's MVCC image). */
  readonly data: unknown;
  /** Encoded size: decides the transfer time of MsgSnap. */
  readonly bytes: number;
}

/** Roles of a member. Learners are followers that never campaign (see `isLearner`). */
export type Role = "follower" | "preCandidate" | "candidate" | "leader";

/** Volatile state observers care about (etcd `SoftState`): changes are signalled through Ready. */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A request id chosen by the host for a linearizable read; echoed back in the {@link ReadState}. */
export type ReadRequestId = number | string;

/** A confirmed read: once the host has applied up to `index`, it may serve the read `requestId`. */
export interface ReadState {
  readonly requestId: ReadRequestId;
  readonly index: number;
}

/**
 * Message types (etcd `raftpb.MessageType`). Local-only types never travel on the network:
 * MsgHup, MsgBeat, MsgCheckQuorum, MsgUnreachable, MsgSnapStatus. The host only ever sends what
 * Ready hands it and steps what arrives.
 */
export type MessageType =
  | "MsgHup"
  | "MsgBeat"
  | "MsgProp"
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgUnreachable"
  | "MsgSnapStatus"
  | "MsgCheckQuorum"
  | "MsgTransferLeader"
  | "MsgTimeoutNow"
  | "MsgReadIndex"
  | "MsgReadIndexResp"
  | "MsgPreVote"
  | "MsgPreVoteResp";

/**
 * Extra payload of a message: the read request id (MsgReadIndex/Resp), the leader's read
 * sequence number (MsgHeartbeat/Resp), or {@link CAMPAIGN_TRANSFER} on votes of a leadership
 * transfer. `null` when unused.
 */
export type MessageContext = ReadRequestId | null;

/** Context of vote requests sent because of MsgTimeoutNow: voters skip the leader-lease check. */
export const CAMPAIGN_TRANSFER = "campaignTransfer";

/**
 * One Raft message. Every message has every field (one object shape keeps property access fast);
 * unused fields are 0, false, null or an empty entry list. Treat messages as immutable once sent.
 */
export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /**
   * MsgApp: term of the entry at `index`. MsgVote/MsgPreVote: term of the candidate's last entry.
   * Rejecting MsgAppResp: term of the follower's entry at `rejectHint`.
   */
  logTerm: number;
  /**
   * MsgApp: index of the entry preceding `entries`. MsgAppResp: the last index now matching (or the
   * rejected index). MsgVote/MsgPreVote: the candidate's last index. MsgReadIndexResp: the read index.
   */
  index: number;
  entries: readonly Entry[];
  commit: number;
  reject: boolean;
  /** Rejecting MsgAppResp: the follower's guess of the last index where the logs may agree. */
  rejectHint: number;
  snapshot: Snapshot | null;
  context: MessageContext;
}

/** Shared empty entry list (never mutated). */
export const NO_ENTRIES: readonly Entry[] = Object.freeze([]) as readonly Entry[];
