import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  constant,
  type Distribution,
  describe as describeDistribution,
  median,
  sample,
} from "../../src/sim/distribution.js";
import { Rng } from "../../src/sim/rng.js";
import { formatDuration } from "../../src/sim/time.js";
import { quantile, relativeError, sortedSample } from "./stats.js";

const distributionArb: fc.Arbitrary<Distribution> = fc.oneof(
  fc.nat(10_000_000).map((value) => constant(value)),
  fc
    .tuple(fc.nat(1_000_000), fc.nat(1_000_000))
    .map(([a, b]): Distribution => ({ kind: "uniform", min: Math.min(a, b), max: Math.max(a, b) })),
  fc.integer({ min: 1, max: 1_000_000 }).map((mean): Distribution => ({ kind: "exponential", mean })),
  fc
    .tuple(fc.nat(1_000_000), fc.nat(500_000))
    .map(([mean, stddev]): Distribution => ({ kind: "normal", mean, stddev })),
  fc
    .tuple(fc.integer({ min: 1, max: 100_000 }), fc.nat(1_000_000))
    .map(([p50, extra]): Distribution => ({ kind: "lognormal", p50, p99: p50 + extra })),
);

describe("sample", () => {
  it("always draws a non-negative whole number of microseconds", () => {
    fc.assert(
      fc.property(distributionArb, fc.string(), (d, seed) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const x = sample(d, rng);
          expect(Number.isSafeInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("returns a constant exactly and draws nothing for it", () => {
    const rng = new Rng("c");
    const twin = new Rng("c");
    expect(sample(constant(150_000), rng)).toBe(150_000);
    expect(rng.float()).toBe(twin.float());
  });

  it("clamps a normal that would go below zero to zero instead of going back in time", () => {
    const rng = new Rng("clamp");
    const xs = sortedSample(10_000, () => sample({ kind: "normal", mean: 100, stddev: 1_000 }, rng));
    expect(xs[0]).toBe(0);
    expect(quantile(xs, 0.4)).toBe(0);
  });

  it("is reproducible: the same seed gives the same durations", () => {
    fc.assert(
      fc.property(distributionArb, fc.string(), (d, seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (let i = 0; i < 10; i++) expect(sample(d, a)).toBe(sample(d, b));
      }),
    );
  });

  it("draws a lognormal exactly as Rng.lognormal does, on every draw of the same object", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat(1_000_000),
        fc.string(),
        (p50, extra, seed) => {
          // One object sampled many times (its derived parameters are cached), and a fresh object
          // per draw, both against the uncached reference draw.
          const d: Distribution = { kind: "lognormal", p50, p99: p50 + extra };
          const cached = new Rng(seed);
          const fresh = new Rng(seed);
          const reference = new Rng(seed);
          for (let i = 0; i < 20; i++) {
            const want = Math.round(reference.lognormal(p50, p50 + extra));
            expect(sample(d, cached)).toBe(want);
            expect(sample({ kind: "lognormal", p50, p99: p50 + extra }, fresh)).toBe(want);
          }
        },
      ),
    );
  });

  it("still refuses an impossible lognormal on every draw", () => {
    const d: Distribution = { kind: "lognormal", p50: 10, p99: 5 };
    const rng = new Rng("bad");
    expect(() => sample(d, rng)).toThrow(/0 < p50 <= p99/);
    expect(() => sample(d, rng)).toThrow(/0 < p50 <= p99/);
  });
});

describe("median", () => {
  it.each<[Distribution, number]>([
    [{ kind: "uniform", min: 10_000, max: 15_000 }, 12_500],
    [{ kind: "exponential", mean: 1_000 }, 693.147],
    [{ kind: "normal", mean: 50_000, stddev: 5_000 }, 50_000],
    [{ kind: "lognormal", p50: 8_000, p99: 40_000 }, 8_000],
    [constant(42), 42],
  ])("of %j is %d and matches the sampled median", (d, expected) => {
    expect(median(d)).toBeCloseTo(expected, 2);
    const rng = new Rng("median");
    const xs = sortedSample(100_000, () => sample(d, rng));
    // sample() rounds to whole microseconds, so allow half a microsecond on top of 2 %.
    expect(Math.abs(quantile(xs, 0.5) - median(d))).toBeLessThanOrEqual(0.02 * median(d) + 0.5);
  });

  it("of a lognormal draws hit its p99 too (what model files specify)", () => {
    const d: Distribution = { kind: "lognormal", p50: 2_000, p99: 25_000 };
    const rng = new Rng("wal-fsync");
    const xs = sortedSample(200_000, () => sample(d, rng));
    expect(relativeError(quantile(xs, 0.99), 25_000)).toBeLessThan(0.04);
  });
});

describe("describe", () => {
  it.each<[Distribution, string]>([
    [constant(150_000), "150ms"],
    [{ kind: "uniform", min: 10_000, max: 15_000 }, "uniform(10ms, 15ms)"],
    [{ kind: "exponential", mean: 1_000_000 }, "exponential(mean 1s)"],
    [{ kind: "normal", mean: 50_000, stddev: 5_000 }, "normal(50ms, sd 5ms)"],
    [{ kind: "lognormal", p50: 2_000, p99: 25_000 }, "lognormal(p50 2ms, p99 25ms)"],
  ])("writes %j as %j", (d, text) => {
    expect(describeDistribution(d, formatDuration)).toBe(text);
  });
});
