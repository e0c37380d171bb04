import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EventId, EventQueue } from "../../src/sim/queue.js";

/** Ids put the slot in their low 24 bits (src/sim/queue.ts); used to check that slots are reused. */
const SLOT_BITS = 2 ** 24;

const noop = (): void => {};

/** Pops the earliest event and returns its argument, running nothing. */
function popArg(q: EventQueue): unknown {
  const slot = q.popSlot();
  if (slot < 0) return undefined;
  const arg = q.argOf(slot);
  q.release(slot);
  return arg;
}

type Op = { op: "push"; time: number } | { op: "cancel"; pick: number } | { op: "pop" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant("push" as const), time: fc.integer({ min: 0, max: 12 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("pop" as const) }) },
);

interface ModelEvent {
  readonly time: number;
  readonly seq: number;
  readonly id: EventId;
  readonly tag: number;
}

/** The earliest (time, seq) entry of the reference model: a plain array scanned in full. */
function modelMin(model: readonly ModelEvent[]): number {
  let best = -1;
  model.forEach((e, i) => {
    const b = model[best];
    if (!b || e.time < b.time || (e.time === b.time && e.seq < b.seq)) best = i;
  });
  return best;
}

describe("EventQueue", () => {
  it("is empty at first: length 0, peekTime Infinity, popSlot -1", () => {
    const q = new EventQueue();
    expect(q.length).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(q.popSlot()).toBe(-1);
  });

  it("pops by time, and events at the same time in the order they were pushed", () => {
    const q = new EventQueue();
    const pushed: [number, string][] = [
      [5, "a"],
      [1, "b"],
      [5, "c"],
      [0, "d"],
      [1, "e"],
      [5, "f"],
    ];
    for (const [t, tag] of pushed) q.push(t, noop, tag);
    const popped: unknown[] = [];
    while (q.length > 0) popped.push(popArg(q));
    expect(popped).toEqual(["d", "b", "e", "a", "c", "f"]);
  });

  it("hands back the handler and argument stored with each event", () => {
    const q = new EventQueue();
    const seen: string[] = [];
    const h1 = (x: string): void => {
      seen.push(`h1:${x}`);
    };
    const h2 = (x: string): void => {
      seen.push(`h2:${x}`);
    };
    q.push(2, h2, "late");
    q.push(1, h1, "early");
    for (let slot = q.popSlot(); slot >= 0; slot = q.popSlot()) {
      const handler = q.handlerOf(slot);
      const arg = q.argOf(slot);
      q.release(slot);
      handler(arg);
    }
    expect(seen).toEqual(["h1:early", "h2:late"]);
  });

  it("matches a reference model under random push/cancel/pop sequences (exact (time, seq) order)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        const q = new EventQueue(capacity);
        let model: ModelEvent[] = [];
        const issued: EventId[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op.op === "push") {
            const tag = seq;
            const id = q.push(op.time, noop, tag);
            expect(issued).not.toContain(id);
            issued.push(id);
            model.push({ time: op.time, seq: seq++, id, tag });
          } else if (op.op === "cancel") {
            if (issued.length === 0) continue;
            const id = issued[op.pick % issued.length]!;
            const live = model.some((e) => e.id === id);
            expect(q.cancel(id)).toBe(live);
            model = model.filter((e) => e.id !== id);
          } else {
            const best = modelMin(model);
            const expected = best >= 0 ? model[best]!.tag : undefined;
            expect(popArg(q)).toBe(expected);
            if (best >= 0) model.splice(best, 1);
          }
          expect(q.length).toBe(model.length);
          const min = model[modelMin(model)];
          expect(q.peekTime()).toBe(min ? min.time : Number.POSITIVE_INFINITY);
        }
        for (const id of issued) expect(q.isPending(id)).toBe(model.some((e) => e.id === id));
      }),
      { numRuns: 300 },
    );
  });

  it("never uses more slots than the most events ever pending at once (cancelled events do not pile up)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const q = new EventQueue(16);
        const issued: EventId[] = [];
        let peak = 0;
        let maxSlot = -1;
        for (const op of ops) {
          if (op.op === "push") {
            const id = q.push(op.time, noop, undefined);
            issued.push(id);
            maxSlot = Math.max(maxSlot, id % SLOT_BITS);
          } else if (op.op === "cancel" && issued.length > 0) {
            q.cancel(issued[op.pick % issued.length]!);
          } else if (op.op === "pop") {
            popArg(q);
          }
          peak = Math.max(peak, q.length);
        }
        expect(maxSlot + 1).toBeLessThanOrEqual(peak);
      }),
    );
  });

  it("keeps a steady timer workload in constant space: a million restarts use one slot", () => {
    const q = new EventQueue(16);
    let id = q.push(1, noop, undefined);
    let maxSlot = 0;
    for (let i = 0; i < 1_000_000; i++) {
      q.cancel(id);
      id = q.push(i + 2, noop, undefined);
      maxSlot = Math.max(maxSlot, id % SLOT_BITS);
    }
    expect(maxSlot).toBe(0);
    expect(q.length).toBe(1);
    expect(q.peekTime()).toBe(1_000_001);
  });

  it("ignores stale ids, even when their slot now holds another event", () => {
    const q = new EventQueue();
    const first = q.push(10, noop, "first");
    expect(q.cancel(first)).toBe(true);
    const second = q.push(20, noop, "second");
    expect(second % SLOT_BITS).toBe(first % SLOT_BITS);
    expect(second).not.toBe(first);
    expect(q.isPending(first)).toBe(false);
    expect(q.cancel(first)).toBe(false);
    expect(q.length).toBe(1);
    expect(q.isPending(second)).toBe(true);

    expect(popArg(q)).toBe("second");
    expect(q.cancel(second)).toBe(false);
    expect(q.isPending(second)).toBe(false);
  });

  it("treats ids it never issued as not pending", () => {
    const q = new EventQueue();
    q.push(1, noop, undefined);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double().filter((x) => x !== 0),
          fc.integer({ min: -(2 ** 31), max: -1 }),
          fc.constant(SLOT_BITS + 0),
        ),
        (id) => {
          expect(q.isPending(id)).toBe(false);
          expect(q.cancel(id)).toBe(false);
          expect(q.length).toBe(1);
        },
      ),
    );
  });

  it("keeps ids exact integers when a slot's generation wraps (a slot reused 2^29 times)", () => {
    const q = new EventQueue();
    q.push(0, noop, undefined); // occupies slot 0, so the slot under test is 1
    const probe = q.push(1, noop, undefined);
    const slot = probe % SLOT_BITS;
    expect(slot).toBe(1);
    q.cancel(probe);
    // Reusing one slot 2^29 times takes minutes; set its generation just below the wrap instead.
    (q as unknown as { slotGen: Int32Array }).slotGen[slot] = 2 ** 29 - 1;
    const last = q.push(2, noop, "last");
    expect(Number.isSafeInteger(last)).toBe(true);
    expect(q.cancel(last)).toBe(true);
    const wrapped = q.push(3, noop, "wrapped");
    expect(Number.isSafeInteger(wrapped)).toBe(true);
    expect(wrapped % SLOT_BITS).toBe(slot);
    expect(q.isPending(last)).toBe(false);
    expect(q.isPending(wrapped)).toBe(true);
    expect(q.cancel(wrapped)).toBe(true);
    expect(q.length).toBe(1);
  });

  it("grows past its initial capacity without losing order", () => {
    const q = new EventQueue(16);
    const times = Array.from({ length: 5_000 }, (_, i) => (i * 7919) % 1_000);
    times.forEach((t, i) => {
      q.push(t, noop, i);
    });
    const out: number[] = [];
    while (q.length > 0) {
      const t = q.peekTime();
      const i = popArg(q) as number;
      expect(times[i]).toBe(t);
      out.push(i);
    }
    const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(expected.map(([, i]) => i));
  });

  it("clear() drops every pending event and invalidates their ids", () => {
    const q = new EventQueue();
    const ids = [q.push(1, noop, 1), q.push(2, noop, 2), q.push(3, noop, 3)];
    q.clear();
    expect(q.length).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    for (const id of ids) expect(q.isPending(id)).toBe(false);
    q.push(5, noop, "after");
    expect(popArg(q)).toBe("after");
  });
});
