/**
 * Lazy ticking for a tick-driven Raft node: the same outputs as calling `tick()` every tick period,
 * with one scheduled event per tick that matters instead of one per tick.
 *
 * etcd's raft node is ticked by a `time.Ticker` every heartbeat interval (etcd server
 * `raftNode.start`, ../shared/reference/etcd-raft.md §1.1), and most ticks only count: a follower
 * that keeps hearing its leader never reaches its election timeout, a leader only acts on its
 * heartbeat and check-quorum ticks. The driver keeps the ticker's fixed phase — tick n happens at
 * `firstTickAtUs + (n − 1) × periodUs` — but:
 *
 * - before any other input to the node, the host calls {@link TickDriver.catchUp}, which applies
 *   every tick due at or before now (so a tick and an input at the same instant always run tick
 *   first, whatever order their events were scheduled in);
 * - after handling an input, the host calls {@link TickDriver.rearm}, which asks the node how many
 *   ticks remain until one does more than count (`ticksUntilActive`) and makes sure a wake-up is
 *   scheduled no later than that tick. A wake-up that turns out early (the follower heard its
 *   leader in the meantime) just catches up and re-arms: later deadlines never cancel anything.
 *
 * Because the ticks skipped between wake-ups only advance counters, and every tick is applied
 * before the next input reads them, each input sees exactly the state eager ticking produces; the
 * property test in test/raft/tick-driver.test.ts runs random schedules both ways and compares.
 * `mode: "eager"` wakes at every tick (the reference behaviour, and for debugging).
 *
 * The driver needs only a clock with `now`, `at` and `cancel`, which the simulation kernel
 * (`Simulation`) provides; the Raft core itself stays free of clocks.
 */

/** What the driver ticks: a Raft node (`RaftNode`) or anything with the same two methods. */
export interface Tickable {
  /** One tick period passed. */
  tick(): void;
  /** How many ticks from now until one may do more than count (≥ 1, or Infinity). */
  ticksUntilActive(): number;
}

/** The scheduling the driver needs (the simulation kernel's `Simulation` has it). */
export interface TickClock {
  /** Current time (µs). */
  readonly now: number;
  /** Runs `handler` at absolute time `time`; returns an id for `cancel`. */
  at(time: number, handler: () => void): number;
  /** Cancels a pending event. */
  cancel(id: number): boolean;
}

/** Wake only for ticks that matter (`lazy`, the default) or at every tick (`eager`). */
export type TickMode = "lazy" | "eager";

/** Options of a {@link TickDriver}. */
export interface TickDriverOptions {
  /** Time between ticks (etcd: the heartbeat interval). */
  readonly periodUs: number;
  /** When the first tick happens (the member's phase); must not be in the past. */
  readonly firstTickAtUs: number;
  /**
   * Called after a wake-up applied at least one tick: the host handles the node's Ready here.
   * Not called by `catchUp` itself — the host handles Ready after its own input anyway.
   */
  readonly onTicked: () => void;
  /** Default `lazy`. */
  readonly mode?: TickMode;
}

/** Drives `node.tick()` at a fixed period, waking the kernel only for ticks that matter. */
export class TickDriver {
  private readonly periodUs: number;
  private readonly onTicked: () => void;
  private readonly eager: boolean;
  private nextTickAt: number;
  private ticksDone = 0;
  private wakeAt = Number.POSITIVE_INFINITY;
  private wakeId = -1;
  private stopped = false;
  private readonly wakeFn = (): void => this.wake();

  constructor(
    private readonly clock: TickClock,
    private readonly node: Tickable,
    options: TickDriverOptions,
  ) {
    if (!(options.periodUs > 0))
      throw new Error(`tick driver: period must be > 0 µs (got ${options.periodUs})`);
    if (!(options.firstTickAtUs >= clock.now))
      throw new Error(`tick driver: first tick ${options.firstTickAtUs}µs is before now (${clock.now}µs)`);
    this.periodUs = options.periodUs;
    this.onTicked = options.onTicked;
    this.eager = options.mode === "eager";
    this.nextTickAt = options.firstTickAtUs;
    this.rearm();
  }

  /** Ticks applied so far. */
  get ticks(): number {
    return this.ticksDone;
  }

  /** When the next tick is due (µs). */
  get nextTickAtUs(): number {
    return this.nextTickAt;
  }

  /** When the driver will next wake up (Infinity when nothing is scheduled). */
  get wakeAtUs(): number {
    return this.wakeAt;
  }

  /**
   * Applies every tick due at or before now; returns how many. Call it before any other input to
   * the node (a message, a proposal, a conf change, a query of its timers).
   */
  catchUp(): number {
    if (this.stopped) return 0;
    const now = this.clock.now;
    let n = 0;
    while (this.nextTickAt <= now) {
      this.node.tick();
      this.nextTickAt += this.periodUs;
      n++;
    }
    this.ticksDone += n;
    return n;
  }

  /**
   * Makes sure a wake-up is scheduled no later than the next tick that matters. Call it after
   * handling any input (the node is caught up, so the next tick is in the future).
   */
  rearm(): void {
    if (this.stopped) return;
    const k = this.eager ? 1 : this.node.ticksUntilActive();
    if (!(k < Number.POSITIVE_INFINITY)) return;
    if (this.nextTickAt <= this.clock.now)
      throw new Error("tick driver: rearm before catchUp (a tick is overdue)");
    const at = this.nextTickAt + (k - 1) * this.periodUs;
    if (at >= this.wakeAt) return; // an earlier wake-up is pending; it re-arms when it fires
    if (this.wakeId >= 0) this.clock.cancel(this.wakeId);
    this.wakeAt = at;
    this.wakeId = this.clock.at(at, this.wakeFn);
  }

  /** No more ticks (the member stopped or crashed); cancels the pending wake-up. */
  stop(): void {
    this.stopped = true;
    if (this.wakeId >= 0) this.clock.cancel(this.wakeId);
    this.wakeId = -1;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  private wake(): void {
    this.wakeId = -1;
    this.wakeAt = Number.POSITIVE_INFINITY;
    if (this.catchUp() > 0) this.onTicked();
    this.rearm();
  }
}
