import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countRanges, SeqSet } from "../../src/etcd/seq-set.js";
import { WriteLedger } from "../../src/etcd/write-ledger.js";

describe("SeqSet", () => {
  it("behaves like a set of integers, in few ranges", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 300 }), (xs) => {
        const s = new SeqSet();
        const ref = new Set<number>();
        for (const x of xs) {
          s.add(x);
          ref.add(x);
        }
        expect(s.size).toBe(ref.size);
        for (let i = 0; i <= 201; i++) expect(s.has(i)).toBe(ref.has(i));
        let prevHi = -2;
        s.forEachRange((lo, hi) => {
          expect(lo).toBeGreaterThan(prevHi + 1);
          expect(hi).toBeGreaterThanOrEqual(lo);
          prevHi = hi;
        });
      }),
    );
  });

  it("missingFrom is the set difference", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 })),
        fc.array(fc.integer({ min: 1, max: 100 })),
        fc.integer({ min: 0, max: 110 }),
        (as, bs, upTo) => {
          const a = new SeqSet();
          const b = new SeqSet();
          for (const x of as) a.add(x);
          for (const x of bs) b.add(x);
          const got: number[] = [];
          for (const [lo, hi] of a.missingFrom(b, upTo)) for (let i = lo; i <= hi; i++) got.push(i);
          const want = [...new Set(as)].filter((x) => !bs.includes(x) && x <= upTo).sort((x, y) => x - y);
          expect(got).toEqual(want);
          expect(countRanges(a.missingFrom(b, upTo))).toBe(want.length);
        },
      ),
    );
  });

  it("stays a handful of ranges for mostly-in-order sequence numbers", () => {
    const s = new SeqSet();
    for (let i = 1; i <= 1_000_000; i++) if (i % 100_000 !== 0) s.add(i);
    expect(s.ranges).toBe(10);
    expect(s.size).toBe(999_990);
  });
});

describe("WriteLedger", () => {
  it("reports acknowledged writes missing from a store with the span of their acknowledgements", () => {
    const l = new WriteLedger();
    for (let i = 1; i <= 10; i++) l.ack(i, i * 1000);
    const applied = new SeqSet();
    for (let i = 1; i <= 6; i++) applied.add(i);
    const lost = l.missingFrom(applied);
    expect(lost.count).toBe(4);
    expect(lost.ranges).toEqual([[7, 10]]);
    expect(lost.firstAckUs).toBe(7000);
    expect(lost.lastAckUs).toBe(10_000);
    expect(l.missingFrom(applied, 9000).count).toBe(2);
    expect(l.missingFrom(undefined).count).toBe(10);
  });

  it("keeps ack times for a bounded number of chunks but still counts older losses", () => {
    const l = new WriteLedger(1);
    for (let i = 1; i <= 200_000; i++) l.ack(i, i);
    expect(l.ackTimeOf(5)).toBeUndefined();
    expect(l.ackTimeOf(199_999)).toBe(199_999);
    expect(l.missingFrom(new SeqSet()).count).toBe(200_000);
  });
});
