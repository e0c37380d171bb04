/**
 * A signal over simulated time as a step function: a list of (time, value) changes in time order.
 * The value at t is that of the last change at or before t (`initial` before the first change).
 * Observers build series from the trace; expectations and summaries are queries over them.
 */
import type { Micros } from "../sim/time.js";

export type SignalValue = boolean | number | string;

export interface Series<V extends SignalValue = SignalValue> {
  readonly initial: V;
  readonly changes: readonly { readonly t: Micros; readonly v: V }[];
}

/** Builds a series incrementally, dropping changes that repeat the current value. */
export class SeriesBuilder<V extends SignalValue> {
  private readonly changes: { t: Micros; v: V }[] = [];
  private current: V;

  constructor(private readonly initial: V) {
    this.current = initial;
  }

  /** Records the value from `t` on. A later set at the same instant replaces the earlier one. */
  set(t: Micros, v: V): void {
    const last = this.changes[this.changes.length - 1];
    if (last && last.t === t) {
      last.v = v;
      const prev = this.changes[this.changes.length - 2];
      const before = prev ? prev.v : this.initial;
      if (before === v) this.changes.pop();
      this.current = v;
      return;
    }
    if (v === this.current) return;
    this.changes.push({ t, v });
    this.current = v;
  }

  get value(): V {
    return this.current;
  }

  build(): Series<V> {
    return { initial: this.initial, changes: this.changes.slice() };
  }
}

/** The value at instant t. */
export function valueAt<V extends SignalValue>(s: Series<V>, t: Micros): V {
  let v = s.initial;
  for (const c of s.changes) {
    if (c.t > t) break;
    v = c.v;
  }
  return v;
}

/** Maps a series through a function (e.g. a comparison), merging equal neighbours. */
export function mapSeries<V extends SignalValue, W extends SignalValue>(
  s: Series<V>,
  f: (v: V) => W,
): Series<W> {
  const b = new SeriesBuilder<W>(f(s.initial));
  for (const c of s.changes) b.set(c.t, f(c.v));
  return b.build();
}

/** Whether `pred` holds at every instant of [from, to]. */
export function holdsThroughout<V extends SignalValue>(
  s: Series<V>,
  pred: (v: V) => boolean,
  from: Micros,
  to: Micros,
): { holds: boolean; firstViolation?: Micros } {
  if (!pred(valueAt(s, from))) return { holds: false, firstViolation: from };
  for (const c of s.changes) {
    if (c.t <= from) continue;
    if (c.t > to) break;
    if (!pred(c.v)) return { holds: false, firstViolation: c.t };
  }
  return { holds: true };
}

/**
 * The start of the final stretch during which `pred` holds up to `end` — "since when has it been
 * true for good?" Undefined when it does not hold at `end`.
 */
export function settledSince<V extends SignalValue>(
  s: Series<V>,
  pred: (v: V) => boolean,
  end: Micros,
): Micros | undefined {
  if (!pred(valueAt(s, end))) return undefined;
  let since: Micros = 0;
  let holding = pred(s.initial);
  for (const c of s.changes) {
    if (c.t > end) break;
    const p = pred(c.v);
    if (p && !holding) since = c.t;
    holding = p;
  }
  return since;
}

/** The first instant at or after `from` when `pred` holds, if any before `end`. */
export function firstTimeAfter<V extends SignalValue>(
  s: Series<V>,
  pred: (v: V) => boolean,
  from: Micros,
  end: Micros,
): Micros | undefined {
  if (pred(valueAt(s, from))) return from;
  for (const c of s.changes) {
    if (c.t <= from) continue;
    if (c.t > end) break;
    if (pred(c.v)) return c.t;
  }
  return undefined;
}

/** Maximal windows within [0, end] during which `pred` holds. */
export function windows<V extends SignalValue>(
  s: Series<V>,
  pred: (v: V) => boolean,
  end: Micros,
): { from: Micros; to: Micros }[] {
  const out: { from: Micros; to: Micros }[] = [];
  let open: Micros | undefined = pred(s.initial) ? 0 : undefined;
  for (const c of s.changes) {
    if (c.t > end) break;
    const p = pred(c.v);
    if (p && open === undefined) open = c.t;
    else if (!p && open !== undefined) {
      if (c.t > open) out.push({ from: open, to: c.t });
      open = undefined;
    }
  }
  if (open !== undefined && end > open) out.push({ from: open, to: end });
  return out;
}

/** Total time within [0, end] during which `pred` holds. */
export function totalTime<V extends SignalValue>(s: Series<V>, pred: (v: V) => boolean, end: Micros): Micros {
  return windows(s, pred, end).reduce((sum, w) => sum + (w.to - w.from), 0);
}
