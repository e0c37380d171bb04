/**
 * The Ready batch: everything the host must do after feeding the core inputs, in this order
 * (etcd-io/raft README application loop, ../shared/reference/etcd-raft.md §3.1):
 *
 * 1. persist `snapshot` (if any), then `entries` (an entry at index i replaces any persisted entry
 *    at ≥ i), then `hardState` — and fsync when `mustSync`;
 * 2. only then send `messages` (votes, acks and appends depend on the state just persisted);
 * 3. apply `snapshot`, then `committedEntries` in order, calling `applyConfChange` for each
 *    conf-change entry, and serve `readStates` once their index is applied;
 * 4. call `advance(ready)`.
 *
 * Several Ready batches may be in flight (a slow fsync) as long as they are processed and advanced
 * in the order they were handed out.
 */
import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from "./types.js";

/** One batch of work for the host. Fields with nothing to do are null or empty. */
export interface Ready {
  /** New role/leader, when they changed since the last Ready (log "became leader at term N" from this). */
  readonly softState: SoftState | null;
  /** New term/vote/commit to persist, when changed. */
  readonly hardState: HardState | null;
  /** A snapshot received from the leader: persist it, then restore the state machine from it. */
  readonly snapshot: Snapshot | null;
  /** Entries to append to stable storage. */
  readonly entries: readonly Entry[];
  /** Committed entries to apply, in order. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send once the above is durable. */
  readonly messages: readonly Message[];
  /** Linearizable reads confirmed by the leader. */
  readonly readStates: readonly ReadState[];
  /** Whether the write must be fsynced: term, vote or entries changed (commit alone need not be). */
  readonly mustSync: boolean;
}
