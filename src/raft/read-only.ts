/**
 * Linearizable reads in etcd's mode, ReadOnlySafe (../shared/reference/etcd-raft.md §1.11): the
 * leader records its commit index for each read, then confirms it is still leader by a quorum of
 * heartbeat responses carrying the read's sequence number. A quorum ack for a read also confirms
 * every read queued before it.
 *
 * Written from the semantics of etcd-io/raft `read_only.go`; requests are keyed by a leader-local
 * sequence number instead of the request bytes.
 */
import type { NodeId, ReadRequestId } from "./types.js";

/** A read waiting for leadership confirmation. */
export interface PendingRead {
  /** Leader-local sequence number, sent as heartbeat context. */
  readonly seq: number;
  /** Commit index when the read arrived: the read may be served once this is applied. */
  readonly index: number;
  /** Node that asked (the leader itself for local reads). */
  readonly from: NodeId;
  readonly requestId: ReadRequestId;
  /** Nodes that acknowledged a heartbeat carrying this or a later sequence number. */
  readonly acks: NodeId[];
}

/** The leader's queue of reads waiting for a heartbeat quorum. */
export class ReadOnlyQueue {
  private queue: PendingRead[] = [];
  private nextSeq = 1;

  /** Reads waiting. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues a read at commit index `index`; returns its sequence number. */
  add(index: number, from: NodeId, requestId: ReadRequestId): number {
    const seq = this.nextSeq++;
    this.queue.push({ seq, index, from, requestId, acks: [] });
    return seq;
  }

  /** Sequence number of the newest waiting read, or 0 when none: heartbeats carry it. */
  lastSeq(): number {
    const n = this.queue.length;
    return n === 0 ? 0 : this.queue[n - 1]!.seq;
  }

  /** Records that `from` acknowledged the heartbeat for `seq`; returns the read's ackers, or null if unknown. */
  recvAck(from: NodeId, seq: number): readonly NodeId[] | null {
    for (const r of this.queue) {
      if (r.seq === seq) {
        if (!r.acks.includes(from)) r.acks.push(from);
        return r.acks;
      }
    }
    return null;
  }

  /** Removes and returns every read up to and including `seq` (all confirmed by the same quorum). */
  advance(seq: number): PendingRead[] {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.seq <= seq) n++;
    return this.queue.splice(0, n);
  }

  /** Drops every waiting read (leadership lost: the host's requests time out, like etcd's). */
  reset(): void {
    if (this.queue.length > 0) this.queue = [];
  }
}
