/**
 * The "hold" workload, the classic discrete-event-queue benchmark (reference note
 * ../shared/reference/peers-perf-style.md §2.2): keep a fixed number of events pending; each event,
 * when it runs, schedules one follow-up a seeded exponential delay later (whole microseconds).
 *
 * Two implementations of the same workload: on the real kernel (`Simulation.after` + `runUntil`)
 * and on a minimal reference loop (a hand-written typed-array binary heap with the same exact
 * (time, seq) order and no handler dispatch). Both draw their delays from the same seeded stream
 * in the same order, and since the order of events is exact, both end at the same simulated time:
 * the benchmark checks that, so a fast but wrong kernel cannot pass.
 */
import { RngStreams } from "../src/sim/rng.js";
import { Simulation } from "../src/sim/simulation.js";
import type { Micros } from "../src/sim/time.js";

/** Shape of one hold run. */
export interface HoldParams {
  /** Events to run (each one schedules one follow-up). */
  readonly events: number;
  /** Events pending at every moment (the queue size). */
  readonly pending: number;
  /** Mean of the exponential delay between an event and its follow-up. */
  readonly meanDelayUs: Micros;
  /** Run seed; delays come from its stream `HOLD_STREAM`. */
  readonly seed: number | string;
}

/** What a hold run ended with; equal for both implementations given equal params. */
export interface HoldOutcome {
  readonly events: number;
  readonly finalTimeUs: Micros;
}

/** Name of the RNG stream the delays come from. */
export const HOLD_STREAM = "bench/hold";

/** The default shape: 1 000 pending, mean delay 1 ms. */
export const DEFAULT_HOLD: Omit<HoldParams, "events"> = { pending: 1_000, meanDelayUs: 1_000, seed: 1 };

/** Mutable state shared by every event of a kernel hold run (one object, so no allocation per event). */
interface HoldState {
  readonly sim: Simulation;
  readonly next: () => number;
  readonly limit: number;
  done: number;
}

function onHoldEvent(state: HoldState): void {
  if (++state.done === state.limit) state.sim.stop();
  state.sim.after(state.next(), onHoldEvent, state);
}

/** Runs the hold workload on the real kernel: every event is a `Simulation.after` with a handler and an argument. */
export function holdOnKernel(params: HoldParams): HoldOutcome {
  const sim = new Simulation({ seed: params.seed });
  const rng = sim.rng.stream(HOLD_STREAM);
  const mean = params.meanDelayUs;
  const state: HoldState = {
    sim,
    next: () => Math.round(rng.exponential(mean)),
    limit: params.events,
    done: 0,
  };
  for (let i = 0; i < params.pending; i++) sim.after(state.next(), onHoldEvent, state);
  if (params.events > 0) sim.runUntil(Number.POSITIVE_INFINITY);
  return { events: sim.eventsProcessed, finalTimeUs: sim.now };
}

/**
 * Runs the hold workload on the reference loop: a binary min-heap over a Float64Array of times and
 * a Float64Array of sequence numbers, ordered by (time, seq), pop then push per event. It is the
 * ceiling the kernel is compared with: the kernel adds handler and argument storage, cancellable
 * ids and a call per event.
 */
export function holdOnReference(params: HoldParams): HoldOutcome {
  const rng = new RngStreams(params.seed).stream(HOLD_STREAM);
  const mean = params.meanDelayUs;
  let capacity = Math.max(16, params.pending + 1);
  let time = new Float64Array(capacity);
  let seq = new Float64Array(capacity);
  let size = 0;
  let nextSeq = 0;

  const push = (t: number): void => {
    if (size === capacity) {
      capacity *= 2;
      const biggerTime = new Float64Array(capacity);
      const biggerSeq = new Float64Array(capacity);
      biggerTime.set(time);
      biggerSeq.set(seq);
      time = biggerTime;
      seq = biggerSeq;
    }
    const q = nextSeq++;
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = time[p]!;
      if (tp < t || (tp === t && seq[p]! < q)) break;
      time[i] = tp;
      seq[i] = seq[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = q;
  };

  const popTime = (): number => {
    const top = time[0]!;
    const n = --size;
    const t = time[n]!;
    const q = seq[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tc = time[c]!;
        const tr = time[r]!;
        if (tr < tc || (tr === tc && seq[r]! < seq[c]!)) c = r;
      }
      const tc = time[c]!;
      if (t < tc || (t === tc && q < seq[c]!)) break;
      time[i] = tc;
      seq[i] = seq[c]!;
      i = c;
    }
    time[i] = t;
    seq[i] = q;
    return top;
  };

  for (let i = 0; i < params.pending; i++) push(Math.round(rng.exponential(mean)));
  let now = 0;
  let done = 0;
  for (; done < params.events && size > 0; done++) {
    now = popTime();
    push(now + Math.round(rng.exponential(mean)));
  }
  return { events: done, finalTimeUs: now };
}
