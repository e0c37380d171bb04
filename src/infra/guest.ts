/**
 * Time as seen by the processes inside one guest OS. Processes on a VM (etcd, kubelet, the static
 * pods) schedule their timers here instead of on the simulation directly, and get two behaviours of
 * real guests for free:
 *
 * - when the guest stops (hard power-off, reset, deletion) every pending timer of that guest is
 *   void: the processes died without running any shutdown code;
 * - while the VM is suspended nothing inside runs; a timer that falls due then fires when the guest
 *   resumes, in its original order (the guest's clock catches up on resume, as VMware Tools time
 *   sync does).
 *
 * A "life" is one period between boot and stop; `life` increases on every stop, so code holding a
 * callback can also check `guest.life === lifeWhenStarted` itself.
 */
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";

/** Handle of a guest timer, for `GuestClock.cancel`. */
export interface GuestEvent {
  /** Cancelled, fired or voided by a stop. */
  readonly done: boolean;
}

class GuestEventRecord implements GuestEvent {
  finished = false;
  simId = -1;
  /** Waiting in the clock's `held` list (the guest is suspended), not in the kernel's queue. */
  held = false;

  constructor(
    readonly clock: GuestClock,
    readonly fn: () => void,
    public life: number,
  ) {}

  get done(): boolean {
    return this.finished || this.life !== this.clock.life;
  }
}

/** Scheduling for the processes of one guest. */
export class GuestClock {
  private lifeNumber = 0;
  private suspended = false;
  private held: GuestEventRecord[] = [];
  private readonly fireFn = (rec: GuestEventRecord): void => this.fire(rec);

  constructor(private readonly sim: Simulation) {}

  /** Current simulated time. */
  get now(): Micros {
    return this.sim.now;
  }

  /** A restartable timer on this clock. */
  timer(onFire: () => void): GuestTimer {
    return new GuestTimer(this, onFire);
  }

  /** Number of the current guest life (increases when the guest stops). */
  get life(): number {
    return this.lifeNumber;
  }

  /** True while the VM is suspended. */
  get isSuspended(): boolean {
    return this.suspended;
  }

  /** Runs `fn` after `delayUs` of guest time, unless the guest stops first. */
  after(delayUs: Micros, fn: () => void): GuestEvent {
    const rec = new GuestEventRecord(this, fn, this.lifeNumber);
    rec.simId = this.sim.after(delayUs, this.fireFn, rec);
    return rec;
  }

  /**
   * Internal (GuestTimer): schedules `event`'s function again after `delayUs`, replacing its
   * pending firing, and reuses the record when it can (a restartable timer restarted on every tick
   * or lease renewal then allocates nothing). Returns the event to keep.
   */
  restart(event: GuestEvent, delayUs: Micros): GuestEvent {
    const rec = event as GuestEventRecord;
    if (rec.held) {
      rec.finished = true;
      return this.after(delayUs, rec.fn);
    }
    // Also removes a firing voided by a stop, which still sits in the kernel's queue.
    this.sim.cancel(rec.simId);
    rec.finished = false;
    rec.life = this.lifeNumber;
    rec.simId = this.sim.after(delayUs, this.fireFn, rec);
    return rec;
  }

  /** Cancels a pending guest timer; false if it already fired, was cancelled or voided. */
  cancel(event: GuestEvent): boolean {
    const rec = event as GuestEventRecord;
    if (rec.done) return false;
    rec.finished = true;
    this.sim.cancel(rec.simId);
    return true;
  }

  /** Internal (VM): the guest stopped; every pending timer is void. */
  stop(): void {
    this.lifeNumber++;
    this.suspended = false;
    for (const rec of this.held) rec.held = false;
    this.held = [];
  }

  /** Internal (VM): the VM was suspended. */
  suspend(): void {
    this.suspended = true;
  }

  /** Internal (VM): the VM resumed; timers due meanwhile fire now, in order. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    const held = this.held;
    this.held = [];
    for (const rec of held) {
      rec.held = false;
      rec.simId = this.sim.after(0, this.fireFn, rec);
    }
  }

  private fire(rec: GuestEventRecord): void {
    if (rec.done) return;
    if (this.suspended) {
      rec.held = true;
      this.held.push(rec);
      return;
    }
    rec.finished = true;
    rec.fn();
  }
}

/**
 * A restartable one-shot timer on a guest clock (election timeouts, lease renewals): `start`
 * replaces any pending firing; a stop of the guest cancels it.
 */
export class GuestTimer {
  private event: GuestEvent | undefined;
  /** The last record scheduled (kept after firing, so the next start reuses it). */
  private record: GuestEvent | undefined;
  private dueUs = Number.POSITIVE_INFINITY;
  private readonly fire = (): void => {
    this.event = undefined;
    this.dueUs = Number.POSITIVE_INFINITY;
    this.onFire();
  };

  constructor(
    private readonly clock: GuestClock,
    private readonly onFire: () => void,
  ) {}

  /** Fires after `delayUs`, cancelling any earlier start. */
  start(delayUs: Micros): void {
    this.dueUs = this.clock.now + delayUs;
    const rec = this.record;
    this.event = this.record =
      rec === undefined ? this.clock.after(delayUs, this.fire) : this.clock.restart(rec, delayUs);
  }

  /** Stops the timer if it is pending. */
  cancel(): void {
    if (this.event) this.clock.cancel(this.event);
    this.event = undefined;
    this.dueUs = Number.POSITIVE_INFINITY;
  }

  /** True while a firing is pending (false after the guest stopped). */
  get pending(): boolean {
    return this.event !== undefined && !this.event.done;
  }

  /** When it will fire, as scheduled (Infinity when not pending). */
  get dueAt(): Micros {
    return this.pending ? this.dueUs : Number.POSITIVE_INFINITY;
  }
}
