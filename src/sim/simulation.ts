/**
 * The simulation loop: virtual time, the event queue, the run's random streams and its trace.
 *
 * Time only moves when the loop takes the next event, so a run is as fast as its events allow
 * and two runs with the same seed and inputs take exactly the same steps. Events at the same
 * instant run in the order they were scheduled.
 */
import { type EventHandler, type EventId, EventQueue } from "./queue.js";
import { RngStreams } from "./rng.js";
import type { Micros } from "./time.js";
import { Trace, type TraceRecord } from "./trace.js";

export interface SimulationOptions {
  /** The run's seed; every random stream derives from it. */
  readonly seed: number | string;
  /** Where records go; a fresh trace with no sinks by default. */
  readonly trace?: Trace;
}

export class Simulation {
  /** Current simulated time (µs). */
  now: Micros = 0;
  readonly rng: RngStreams;
  readonly trace: Trace;
  private readonly queue = new EventQueue();
  private processed = 0;
  private stopped = false;

  constructor(options: SimulationOptions) {
    this.rng = new RngStreams(options.seed);
    this.trace = options.trace ?? new Trace();
  }

  /** Events run so far. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events waiting to run. */
  get pendingEvents(): number {
    return this.queue.length;
  }

  /** Time of the next event, or Infinity. */
  get nextEventTime(): number {
    return this.queue.peekTime();
  }

  /** Runs `handler(arg)` at absolute time `time` (not earlier than now). */
  at<A>(time: Micros, handler: EventHandler<A>, arg?: A): EventId {
    if (!(time >= this.now)) throw new Error(`cannot schedule at ${time}µs: it is already ${this.now}µs`);
    return this.queue.push(time, handler, arg as A);
  }

  /** Runs `handler(arg)` after `delay` µs. */
  after<A>(delay: Micros, handler: EventHandler<A>, arg?: A): EventId {
    if (!(delay >= 0)) throw new Error(`negative delay ${delay}µs`);
    return this.queue.push(this.now + delay, handler, arg as A);
  }

  /** Cancels a pending event; false if it already ran or was cancelled. */
  cancel(id: EventId): boolean {
    return this.queue.cancel(id);
  }

  /** True while the event is still waiting to run. */
  isPending(id: EventId): boolean {
    return this.queue.isPending(id);
  }

  /** Emits a trace record stamped with the current time. */
  emit(kind: string, subject: string, fields?: Readonly<Record<string, unknown>>): TraceRecord {
    return this.trace.emit(this.now, kind, subject, fields);
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs exactly one event. Returns false when there was none. */
  step(): boolean {
    const q = this.queue;
    const time = q.peekTime();
    const slot = q.popSlot();
    if (slot < 0) return false;
    this.now = time;
    const handler = q.handlerOf(slot);
    const arg = q.argOf(slot);
    q.release(slot);
    this.processed++;
    handler(arg);
    return true;
  }

  /**
   * Runs every event due at or before `time`, then leaves the clock at `time`. Returns early
   * (with the clock at the last event) if `stop()` is called.
   */
  runUntil(time: Micros): void {
    this.stopped = false;
    const q = this.queue;
    while (!this.stopped && q.length > 0 && q.peekTime() <= time) this.step();
    if (!this.stopped && time > this.now) this.now = time;
  }

  /**
   * Runs until `predicate()` holds (checked before each event and after the last), or until
   * `limit`. Returns whether the predicate held.
   */
  runUntilTrue(predicate: () => boolean, limit: Micros = Number.POSITIVE_INFINITY): boolean {
    this.stopped = false;
    const q = this.queue;
    for (;;) {
      if (predicate()) return true;
      if (this.stopped || q.length === 0 || q.peekTime() > limit) break;
      this.step();
    }
    if (!this.stopped && Number.isFinite(limit) && limit > this.now) this.now = limit;
    return predicate();
  }
}

/**
 * A restartable one-shot timer, the shape most actors need (election timeouts, lease renewals,
 * health-check intervals): `start` replaces any pending firing.
 */
export class Timer {
  private id: EventId = -1;
  private due = Number.POSITIVE_INFINITY;
  private readonly fire: () => void;

  constructor(
    private readonly sim: Simulation,
    onFire: () => void,
  ) {
    this.fire = () => {
      this.id = -1;
      this.due = Number.POSITIVE_INFINITY;
      onFire();
    };
  }

  /** Fires after `delay`, cancelling any earlier start. */
  start(delay: Micros): void {
    if (this.id >= 0) this.sim.cancel(this.id);
    this.due = this.sim.now + delay;
    this.id = this.sim.after(delay, this.fire);
  }

  /** Stops the timer if it is pending. */
  cancel(): void {
    if (this.id >= 0) this.sim.cancel(this.id);
    this.id = -1;
    this.due = Number.POSITIVE_INFINITY;
  }

  /** True while a firing is pending. */
  get pending(): boolean {
    return this.id >= 0;
  }

  /** When it will fire (Infinity when not pending). */
  get dueAt(): Micros {
    return this.due;
  }
}
