/**
 * Requests of one member waiting for their Raft entry to be applied (etcd `server/etcdserver`
 * `wait.Wait` keyed by request ID): a write or membership change is answered when its entry
 * applies on this member, or with a timeout error after ReqTimeout (etcd `v3_server.go`,
 * ../shared/reference/etcd-raft.md §1.1). The deadlines share one timer ({@link DeadlineQueue}).
 */
import type { GuestClock } from "../infra/guest.js";
import type { EtcdError, Result } from "./client-api.js";
import { DeadlineQueue } from "./deadline-queue.js";

/** A request waiting for its entry to be applied (or for ReqTimeout, see {@link DeadlineQueue}). */
interface Waiter {
  readonly reqId: number;
  readonly startedAtUs: number;
  readonly respond: (result: Result<unknown>) => void;
  answered: boolean;
}

/** The waiting requests of one member process, by request ID. */
export class RequestWaiters {
  private readonly waiters = new Map<number, Waiter>();
  private readonly deadlines: DeadlineQueue<Waiter>;
  private nextReqId = 1;

  /**
   * @param alive false once the process stopped (a deadline then answers nothing).
   * @param timeoutError the error of a request started at `startedAtUs` that timed out now.
   */
  constructor(
    private readonly clock: GuestClock,
    timeoutUs: number,
    private readonly alive: () => boolean,
    private readonly timeoutError: (startedAtUs: number) => EtcdError,
  ) {
    this.deadlines = new DeadlineQueue<Waiter>(
      clock,
      timeoutUs,
      (w) => !w.answered,
      (w) => this.expire(w),
    );
  }

  /** A fresh request ID (also used for proposals that nobody waits for). */
  newId(): number {
    return this.nextReqId++;
  }

  /** Registers a waiter answered by {@link resolve}, or with a timeout error at ReqTimeout. */
  wait(reqId: number, respond: (r: Result<unknown>) => void): void {
    const w: Waiter = { reqId, startedAtUs: this.clock.now, respond, answered: false };
    this.waiters.set(reqId, w);
    this.deadlines.add(w);
  }

  /** Answers the waiter of `reqId`, if it still waits. */
  resolve(reqId: number, result: Result<unknown>): void {
    const w = this.waiters.get(reqId);
    if (w === undefined) return;
    this.waiters.delete(reqId);
    w.answered = true;
    w.respond(result);
  }

  /** The process stopped: nobody is answered any more. */
  clear(): void {
    for (const w of this.waiters.values()) w.answered = true;
    this.waiters.clear();
    this.deadlines.clear();
  }

  /** ReqTimeout passed with no answer. */
  private expire(w: Waiter): void {
    if (!this.alive()) return;
    w.answered = true;
    this.waiters.delete(w.reqId);
    w.respond({ ok: false, error: this.timeoutError(w.startedAtUs) });
  }
}
