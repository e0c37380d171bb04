import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  firstTimeAfter,
  holdsThroughout,
  mapSeries,
  SeriesBuilder,
  settledSince,
  totalTime,
  valueAt,
  windows,
} from "../../src/observe/series.js";

function build(initial: boolean, changes: [number, boolean][]) {
  const b = new SeriesBuilder<boolean>(initial);
  for (const [t, v] of changes) b.set(t, v);
  return b.build();
}

describe("series", () => {
  it("keeps only real changes and lets a later set at the same instant win", () => {
    const s = build(true, [
      [10, true],
      [20, false],
      [20, true],
      [30, false],
    ]);
    expect(s.changes).toEqual([{ t: 30, v: false }]);
  });

  it("answers value, throughout, first-time and settled queries", () => {
    const s = build(true, [
      [10, false],
      [20, true],
      [40, false],
      [50, true],
    ]);
    expect(valueAt(s, 0)).toBe(true);
    expect(valueAt(s, 10)).toBe(false);
    expect(valueAt(s, 19)).toBe(false);
    expect(holdsThroughout(s, (v) => v, 20, 39)).toEqual({ holds: true });
    expect(holdsThroughout(s, (v) => v, 20, 45)).toEqual({ holds: false, firstViolation: 40 });
    expect(firstTimeAfter(s, (v) => v, 11, 100)).toBe(20);
    expect(settledSince(s, (v) => v, 100)).toBe(50);
    expect(windows(s, (v) => !v, 100)).toEqual([
      { from: 10, to: 20 },
      { from: 40, to: 50 },
    ]);
    expect(totalTime(s, (v) => !v, 100)).toBe(20);
  });

  it("windows of a predicate and of its negation tile the run (property)", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.boolean()), { maxLength: 30 }),
        (initial, raw) => {
          const sorted = [...raw].sort((a, b) => a[0] - b[0]);
          const s = build(initial, sorted);
          const end = 1000;
          expect(totalTime(s, (v) => v, end) + totalTime(s, (v) => !v, end)).toBe(end);
          const neg = mapSeries(s, (v) => !v);
          for (const t of [0, 1, 500, 999, 1000]) expect(valueAt(neg, t)).toBe(!valueAt(s, t));
        },
      ),
    );
  });
});
