/**
 * The lifetime of one Kubernetes component process. Every timer a component starts goes through its
 * scope: the timers run on the VM's guest clock (so they die with the guest, infra `GuestClock`) and
 * are silenced when the process itself ends (SIGKILL, crash, `systemctl stop`, a container killed by
 * its liveness probe) while the guest runs on. In-memory state goes with the scope: a restarted
 * component starts from scratch, as a real one does.
 */
import type { GuestClock, GuestEvent } from "../infra/guest.js";
import type { Micros } from "../sim/time.js";

/** A restartable one-shot timer owned by a scope. */
export interface ScopeTimer {
  /** Fires after `delayUs`, replacing a pending firing. */
  start(delayUs: Micros): void;
  cancel(): void;
  readonly pending: boolean;
}

/** One process's timers and liveness. */
export class ProcessScope {
  private aliveFlag = true;
  private readonly endListeners: (() => void)[] = [];

  constructor(readonly clock: GuestClock) {}

  /** Current simulated time. */
  get now(): Micros {
    return this.clock.now;
  }

  /** False once the process ended. */
  get alive(): boolean {
    return this.aliveFlag;
  }

  /** Runs `fn` after `delayUs` unless the process or the guest ends first. */
  after(delayUs: Micros, fn: () => void): GuestEvent {
    return this.clock.after(delayUs, () => {
      if (this.aliveFlag) fn();
    });
  }

  /** Cancels a pending `after`. */
  cancel(event: GuestEvent): void {
    this.clock.cancel(event);
  }

  /** A restartable timer. */
  timer(fn: () => void): ScopeTimer {
    let event: GuestEvent | undefined;
    return {
      start: (delayUs) => {
        if (event) this.clock.cancel(event);
        event = this.after(delayUs, () => {
          event = undefined;
          fn();
        });
      },
      cancel: () => {
        if (event) this.clock.cancel(event);
        event = undefined;
      },
      get pending() {
        return event !== undefined && !event.done;
      },
    };
  }

  /** Calls `fn` every `periodUs`, first after `firstUs` (default one period). */
  every(periodUs: Micros, fn: () => void, firstUs: Micros = periodUs): void {
    const tick = (): void => {
      fn();
      if (this.aliveFlag) this.after(periodUs, tick);
    };
    this.after(firstUs, tick);
  }

  /** Registers cleanup to run when the process ends (close sockets, stop watches); returns its removal. */
  onEnd(fn: () => void): () => void {
    this.endListeners.push(fn);
    return () => {
      const i = this.endListeners.indexOf(fn);
      if (i >= 0) this.endListeners.splice(i, 1);
    };
  }

  /** Ends the process: silences timers and runs the cleanups once. */
  end(): void {
    if (!this.aliveFlag) return;
    this.aliveFlag = false;
    // A cleanup may remove itself or another (an ApiClient's close() unsubscribes), so run a copy:
    // iterating the live array would skip the listener after each removal.
    const listeners = this.endListeners.splice(0);
    for (const fn of listeners) fn();
  }
}
