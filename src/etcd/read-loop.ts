/**
 * Linearizable reads (etcd `server/etcdserver/v3_server.go` linearizableReadLoop,
 * `read/read.go`; ../shared/reference/etcd-raft.md §1.11): reads that arrive while a ReadIndex
 * round is in flight wait for the next round; a round asks Raft for a read index with one request
 * ID, re-sends it every 500 ms (`readIndexRetryTime`) until the leader confirms it, waits until
 * the member has applied that index, and then serves the whole batch from local state. A leader
 * change during the round fails the batch with `etcdserver: leader changed`; each read gives up
 * after ReqTimeout (7 s) with `etcdserver: request timed out` — what clients of a member without
 * quorum see.
 */
import type { GuestEvent } from "../infra/guest.js";
import { READ_INDEX_RETRY_US } from "./config.js";
import { ERR_LEADER_CHANGED, ERR_TIMEOUT } from "./errors.js";
import type { MemberHost } from "./member-host.js";

/** One waiting read: `serve` answers it from local state, `fail` with an error. */
export interface PendingRead {
  serve(): void;
  fail(error: typeof ERR_TIMEOUT): void;
  timer: GuestEvent | undefined;
  done: boolean;
}

/** What the loop needs from the member's Raft node. */
export interface ReadIndexSource {
  /** Asks the leader for a read index; the answer arrives through `confirmed`. */
  requestReadIndex(requestId: number): void;
  /** The member's applied index. */
  readonly appliedIndex: number;
}

/** The read loop of one member. */
export class ReadLoop {
  private queue: PendingRead[] = [];
  private batch: PendingRead[] = [];
  private roundId = 0;
  private inRound = false;
  /** Confirmed read index of the current round, -1 while waiting for it. */
  private confirmedIndex = -1;
  private retry: GuestEvent | undefined;
  private nextRequestId = 1;

  constructor(
    private readonly m: MemberHost,
    private readonly raft: ReadIndexSource,
    private readonly timeoutUs: number,
  ) {}

  /** Number of reads waiting (queued or in the current round). */
  get pending(): number {
    return this.queue.length + this.batch.length;
  }

  /** Queues a linearizable read. */
  add(serve: () => void, fail: (e: typeof ERR_TIMEOUT) => void): void {
    const r: PendingRead = { serve, fail, timer: undefined, done: false };
    r.timer = this.m.guest.after(this.timeoutUs, () => {
      if (!this.m.alive || r.done) return;
      r.done = true;
      r.fail(ERR_TIMEOUT);
    });
    this.queue.push(r);
    if (!this.inRound) this.startRound();
  }

  /** Raft confirmed read index `index` for `requestId`. */
  confirmed(requestId: number, index: number): void {
    if (!this.inRound || requestId !== this.roundId || this.confirmedIndex >= 0) return;
    this.confirmedIndex = index;
    this.maybeServe();
  }

  /** Call after applying entries: serves the round once applied ≥ its read index. */
  maybeServe(): void {
    if (!this.inRound || this.confirmedIndex < 0 || this.raft.appliedIndex < this.confirmedIndex) return;
    const batch = this.batch;
    this.endRound();
    for (const r of batch) {
      if (r.done) continue;
      r.done = true;
      if (r.timer) this.m.guest.cancel(r.timer);
      r.serve();
    }
    if (this.queue.length > 0) this.startRound();
  }

  /** The leader changed: the round in flight fails (etcd ErrLeaderChanged); queued reads go next. */
  leaderChanged(): void {
    if (!this.inRound) return;
    const batch = this.batch;
    this.endRound();
    for (const r of batch) {
      if (r.done) continue;
      r.done = true;
      if (r.timer) this.m.guest.cancel(r.timer);
      r.fail(ERR_LEADER_CHANGED);
    }
    if (this.queue.length > 0) this.startRound();
  }

  private startRound(): void {
    this.batch = this.queue.filter((r) => !r.done);
    this.queue = [];
    if (this.batch.length === 0) return;
    this.inRound = true;
    this.roundId = this.nextRequestId++;
    this.confirmedIndex = -1;
    this.send();
  }

  private send(): void {
    this.raft.requestReadIndex(this.roundId);
    const id = this.roundId;
    this.retry = this.m.guest.after(READ_INDEX_RETRY_US, () => {
      if (!this.m.alive || !this.inRound || this.roundId !== id || this.confirmedIndex >= 0) return;
      // Drop reads that timed out meanwhile; resend the same request ID while any wait.
      this.batch = this.batch.filter((r) => !r.done);
      if (this.batch.length === 0) {
        this.endRound();
        if (this.queue.length > 0) this.startRound();
        return;
      }
      this.send();
    });
  }

  private endRound(): void {
    this.inRound = false;
    this.batch = [];
    this.confirmedIndex = -1;
    if (this.retry) this.m.guest.cancel(this.retry);
    this.retry = undefined;
  }
}
