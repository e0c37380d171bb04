/**
 * Request deadlines that all have the same length (etcd's ReqTimeout for proposals and linearizable
 * reads, etcd `server/etcdserver/v3_server.go`), kept in arrival order behind one guest timer.
 *
 * A member answers almost every request within milliseconds, long before its 7 s deadline; a
 * kernel event per request that is scheduled and then cancelled costs more than the request's own
 * work. With one length for all, arrival order is deadline order, so the queue needs only its head:
 * one timer armed for the oldest unanswered request, re-armed when it fires. Each item still
 * expires at exactly `added + timeoutUs` of guest time (while the guest is suspended the timer
 * waits and expired items go out in arrival order on resume, as separate timers would).
 */
import type { GuestClock, GuestTimer } from "../infra/guest.js";
import type { Micros } from "../sim/time.js";

/** Compacts the backing arrays once this many expired or answered items sit before the head. */
const COMPACT_AT = 1024;

/** Items waiting for their deadline, oldest first. */
export class DeadlineQueue<T> {
  private items: T[] = [];
  private deadlines: Micros[] = [];
  private head = 0;
  private timer: GuestTimer | undefined;

  /**
   * @param expire called once for each item whose deadline passed while `isPending(item)` held.
   * @param isPending false once the item was answered (it is then skipped, never expired).
   */
  constructor(
    private readonly clock: GuestClock,
    private readonly timeoutUs: Micros,
    private readonly isPending: (item: T) => boolean,
    private readonly expire: (item: T) => void,
  ) {}

  /** Items not yet expired or skipped (answered ones included until they reach the head). */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item whose deadline is `timeoutUs` from now. */
  add(item: T): void {
    this.items.push(item);
    this.deadlines.push(this.clock.now + this.timeoutUs);
    if (this.timer === undefined) this.timer = this.clock.timer(() => this.fire());
    if (!this.timer.pending) this.arm();
  }

  /** Forgets every item and stops the timer (the process ended). */
  clear(): void {
    this.items = [];
    this.deadlines = [];
    this.head = 0;
    this.timer?.cancel();
  }

  private fire(): void {
    const now = this.clock.now;
    while (this.head < this.items.length && this.deadlines[this.head]! <= now) {
      const item = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.isPending(item)) this.expire(item);
    }
    if (this.timer?.pending !== true) this.arm();
  }

  /** Drops answered items at the head, compacts, and arms the timer for the new head, if any. */
  private arm(): void {
    const items = this.items;
    while (this.head < items.length && !this.isPending(items[this.head]!)) {
      items[this.head] = undefined as T;
      this.head++;
    }
    if (this.head > 0 && this.head === items.length) {
      items.length = 0;
      this.deadlines.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      this.items = items.slice(this.head);
      this.deadlines = this.deadlines.slice(this.head);
      this.head = 0;
    }
    if (this.head < this.items.length)
      this.timer!.start(Math.max(0, this.deadlines[this.head]! - this.clock.now));
  }
}
