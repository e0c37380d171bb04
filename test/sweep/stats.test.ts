import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { severityOf } from "../../src/sweep/severity.js";
import { nearestRank, quantiles } from "../../src/sweep/stats.js";

describe("percentiles (nearest rank)", () => {
  it("matches the textbook definition on small lists", () => {
    const xs = [15, 20, 35, 40, 50];
    expect(nearestRank(xs, 0.3)).toBe(20);
    expect(nearestRank(xs, 0.4)).toBe(20);
    expect(nearestRank(xs, 0.5)).toBe(35);
    expect(nearestRank(xs, 1)).toBe(50);
    expect(nearestRank([], 0.5)).toBeUndefined();
  });

  it("is always an observed value and ordered p50 ≤ p90 ≤ p99 ≤ max; nulls are counted as missing", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null })), (xs) => {
        const q = quantiles(xs);
        const present = xs.filter((x): x is number => x !== null);
        expect(q.count).toBe(present.length);
        expect(q.missing).toBe(xs.length - present.length);
        if (present.length === 0) {
          expect(q.max).toBeNull();
          return;
        }
        for (const v of [q.p50, q.p90, q.p99, q.max]) expect(present).toContain(v);
        expect(q.p50!).toBeLessThanOrEqual(q.p90!);
        expect(q.p90!).toBeLessThanOrEqual(q.p99!);
        expect(q.p99!).toBeLessThanOrEqual(q.max!);
        expect(q.max).toBe(Math.max(...present));
      }),
    );
  });
});

describe("severity of a failed expectation", () => {
  it("ranks never > long violations > short ones, and later recovery worse", () => {
    expect(severityOf("never")).toBe(Number.POSITIVE_INFINITY);
    expect(severityOf("run ended at 5m0s")).toBe(Number.POSITIVE_INFINITY);
    expect(severityOf("broken at 2m30s (until 2m33.671s)")).toBe(3_671_000);
    expect(severityOf("broken at 2m30s")).toBe(Number.POSITIVE_INFINITY);
    expect(severityOf("at 8m10.674s")).toBeGreaterThan(severityOf("at 8m1s"));
    expect(severityOf("no")).toBe(0);
  });
});
