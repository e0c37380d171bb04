/**
 * The leader's view of one member's log (etcd-io/raft `tracker/progress.go` semantics,
 * ../shared/reference/etcd-raft.md §3.3):
 *
 * - `probe`: the follower's last index is unknown; at most one MsgApp per heartbeat interval.
 * - `replicate`: entries are streamed optimistically (`next` advances on send), bounded by inflights.
 * - `snapshot`: the follower needs a snapshot; nothing else is sent until it is reported done.
 *
 * Transitions: probe→replicate on an accepted MsgAppResp; replicate→probe on a rejection or
 * MsgUnreachable (`next = match + 1`); →snapshot when the needed entries are compacted;
 * snapshot→probe when the snapshot is reported (or acknowledged through MsgAppResp).
 */
import { Inflights } from "./inflights.js";
import type { NodeId } from "./types.js";

/** Replication state of one follower as seen by the leader. */
export type ProgressState = "probe" | "replicate" | "snapshot";

/** Replication progress of one member (kept on every node, meaningful on the leader). */
export class Progress {
  /** Highest index known to be replicated on the member. */
  match = 0;
  /** Next index to send. Invariant: match < next. */
  next = 1;
  state: ProgressState = "probe";
  /** In snapshot state: index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from within the current check-quorum interval. */
  recentActive = false;
  /** Sending paused: a probe is outstanding, or inflights are full. */
  msgAppFlowPaused = false;
  /** Highest commit index sent to the member (in MsgApp or MsgHeartbeat). */
  sentCommit = 0;
  readonly inflights: Inflights;

  constructor(
    readonly id: NodeId,
    public isLearner: boolean,
    maxInflightMsgs: number,
    maxInflightBytes: number,
  ) {
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
  }

  /** Back to a fresh probe at `next` (used when a leader takes over). */
  resetTo(next: number): void {
    this.match = 0;
    this.next = next;
    this.state = "probe";
    this.pendingSnapshot = 0;
    this.recentActive = false;
    this.msgAppFlowPaused = false;
    this.sentCommit = 0;
    this.inflights.reset();
  }

  private enter(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  /**
   * Probe from `match + 1`; after a snapshot that was sent successfully, from just past it.
   */
  becomeProbe(): void {
    if (this.state === "snapshot") {
      const pending = this.pendingSnapshot;
      this.enter("probe");
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.enter("probe");
      this.next = this.match + 1;
    }
  }

  /** Stream entries from `match + 1`. */
  becomeReplicate(): void {
    this.enter("replicate");
    this.next = this.match + 1;
  }

  /** Waiting for the snapshot at `snapshotIndex` to reach the member. */
  becomeSnapshot(snapshotIndex: number): void {
    this.enter("snapshot");
    this.pendingSnapshot = snapshotIndex;
    this.next = snapshotIndex + 1;
  }

  /** An ack up to `index`; returns whether `match` moved. */
  maybeUpdate(index: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    if (this.next < index + 1) this.next = index + 1;
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * A rejection of the MsgApp whose previous index was `rejected`, with the leader's estimate
   * `matchHint` of where the logs agree. Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * Whether sending commit index `commit` could advance the member's commit index: etcd-io/raft
   * v3.6 then sends an empty MsgApp at once instead of waiting for the next heartbeat.
   */
  canBumpCommit(commit: number): boolean {
    return commit > this.sentCommit && this.sentCommit < this.next - 1;
  }

  /** Records that commit index `commit` was sent to the member. */
  sentCommitIndex(commit: number): void {
    if (commit > this.sentCommit) this.sentCommit = commit;
  }

  /** Bookkeeping after sending a MsgApp with `entries` entries (last one at next-1+entries) of `bytes` payload. */
  sentEntries(entries: number, bytes: number): void {
    if (this.state === "replicate") {
      if (entries > 0) {
        this.next += entries;
        this.inflights.add(this.next - 1, bytes);
      }
      this.msgAppFlowPaused = this.inflights.full();
    } else if (this.state === "probe") {
      // One probe per heartbeat interval: the next heartbeat response unpauses.
      this.msgAppFlowPaused = true;
    }
  }

  /** Whether the leader must hold back MsgApp to this member. */
  isPaused(): boolean {
    return this.state === "snapshot" || this.msgAppFlowPaused;
  }
}
