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
import type { GuestTimer } from "../infra/guest.js";
import { READ_INDEX_RETRY_US } from "./config.js";
import { DeadlineQueue } from "./deadline-queue.js";
import { ERR_LEADER_CHANGED, ERR_TIMEOUT } from "./errors.js";
import type { MemberHost } from "./member-host.js";

/** One waiting read: `serve` answers it from local state, `fail` with an error. */
export interface PendingRead {
  serve(): void;
  fail(error: typeof ERR_TIMEOUT): void;
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
  private nextRequestId = 1;
  /**
   * The retry of the round in flight is due at `retryDueUs`. One timer serves every round: a
   * round answered in time leaves it pending, and when it fires early for a later round it is
   * re-armed, so rounds cost no kernel event of their own.
   */
  private retryDueUs = Number.POSITIVE_INFINITY;
  private retryTimer: GuestTimer | undefined;
  /** ReqTimeout of each read (one length for all, so one timer: {@link DeadlineQueue}). */
  private readonly deadlines: DeadlineQueue<PendingRead>;

  constructor(
    private readonly m: MemberHost,
    private readonly raft: ReadIndexSource,
    timeoutUs: number,
  ) {
    this.deadlines = new DeadlineQueue<PendingRead>(
      m.guest,
      timeoutUs,
      (r) => !r.done,
      (r) => {
        if (!this.m.alive) return;
        r.done = true;
        r.fail(ERR_TIMEOUT);
      },
    );
  }

  /** Number of reads waiting (queued or in the current round). */
  get pending(): number {
    return this.queue.length + this.batch.length;
  }

  /** Queues a linearizable read. */
  add(serve: () => void, fail: (e: typeof ERR_TIMEOUT) => void): void {
    const r: PendingRead = { serve, fail, done: false };
    this.deadlines.add(r);
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
    this.retryDueUs = this.m.guest.now + READ_INDEX_RETRY_US;
    if (this.retryTimer === undefined) this.retryTimer = this.m.guest.timer(() => this.retryDue());
    if (!this.retryTimer.pending) this.retryTimer.start(READ_INDEX_RETRY_US);
  }

  private retryDue(): void {
    if (!this.m.alive || !this.inRound || this.confirmedIndex >= 0) return;
    const now = this.m.guest.now;
    if (now < this.retryDueUs) {
      this.retryTimer!.start(this.retryDueUs - now);
      return;
    }
    // Drop reads that timed out meanwhile; resend the same request ID while any wait.
    this.batch = this.batch.filter((r) => !r.done);
    if (this.batch.length === 0) {
      this.endRound();
      if (this.queue.length > 0) this.startRound();
      return;
    }
    this.send();
  }

  private endRound(): void {
    this.inRound = false;
    this.batch = [];
    this.confirmedIndex = -1;
    this.retryDueUs = Number.POSITIVE_INFINITY;
  }
}
