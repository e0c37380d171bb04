/**
 * A list of callbacks with unsubscribe, for the hooks the infrastructure offers to the layers above
 * (guest booted, guest stopped, backend state changed). Callbacks run in subscription order, so a
 * run is deterministic; one that unsubscribes during a notification does not disturb the others.
 */

/** Call to stop receiving notifications. */
export type Unsubscribe = () => void;

/** Ordered subscribers of one kind of notification. */
export class Listeners<A extends unknown[]> {
  private list: ((...args: A) => void)[] = [];

  /** Adds `fn`; returns a function that removes it again. */
  add(fn: (...args: A) => void): Unsubscribe {
    this.list = [...this.list, fn];
    return () => {
      this.list = this.list.filter((f) => f !== fn);
    };
  }

  /** Calls every subscriber present when the notification started. */
  notify(...args: A): void {
    const current = this.list;
    for (const fn of current) fn(...args);
  }

  /** Number of subscribers. */
  get size(): number {
    return this.list.length;
  }
}
