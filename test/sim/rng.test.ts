import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lognormalParams, Rng, RngStreams } from "../../src/sim/rng.js";
import { mean, quantile, relativeError, sortedSample, stddev } from "./stats.js";

const N = 200_000;

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.float());
}

describe("RngStreams", () => {
  it("gives the same numbers for the same seed and stream name, in any RngStreams", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), fc.string(), (seed, name) => {
        const a = new RngStreams(seed).stream(name);
        const b = new RngStreams(seed).stream(name);
        expect(draws(a, 20)).toEqual(draws(b, 20));
      }),
      { numRuns: 50 },
    );
  });

  it("returns the same stream object for the same name, so draws continue where they left off", () => {
    const streams = new RngStreams(7);
    const first = streams.stream("net");
    expect(streams.stream("net")).toBe(first);
    const fresh = new RngStreams(7).stream("net");
    const all = draws(fresh, 6);
    expect(draws(first, 3)).toEqual(all.slice(0, 3));
    expect(draws(streams.stream("net"), 3)).toEqual(all.slice(3));
  });

  it("gives different numbers to different names and different seeds", () => {
    const net = draws(new RngStreams(1).stream("net"), 10);
    const disk = draws(new RngStreams(1).stream("disk"), 10);
    const net2 = draws(new RngStreams(2).stream("net"), 10);
    expect(net).not.toEqual(disk);
    expect(net).not.toEqual(net2);
    // "1" and 1 are the same seed on purpose: seeds are written in files as either.
    expect(draws(new RngStreams("1").stream("net"), 10)).toEqual(net);
  });

  it("keeps streams independent: draws from one never shift another", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 200 }), (pattern) => {
        const streams = new RngStreams(42);
        const alone = new RngStreams(42).stream("etcd/member-2");
        for (const useOther of pattern) {
          if (useOther) streams.stream("etcd/member-1").float();
          else expect(streams.stream("etcd/member-2").float()).toBe(alone.float());
        }
      }),
      { numRuns: 50 },
    );
  });

  it("pins the numbers themselves, so a library or seeding change cannot slip through unnoticed", () => {
    const rng = new RngStreams(1).stream("pin");
    const firstThree = draws(rng, 3);
    const again = draws(new Rng("quorate:1:pin"), 3);
    expect(firstThree).toEqual(again);
    expect(firstThree).toEqual([0.9350836393423378, 0.38527436973527074, 0.9738633828237653]);
  });
});

describe("Rng draws", () => {
  it("float() is in [0, 1) and uniform(min, max) in [min, max)", () => {
    const rng = new Rng("bounds");
    for (let i = 0; i < 10_000; i++) {
      const f = rng.float();
      expect(f >= 0 && f < 1).toBe(true);
      const u = rng.uniform(-5, 5);
      expect(u >= -5 && u < 5).toBe(true);
    }
  });

  it("int(min, max) includes both ends and nothing else, about equally often", () => {
    const rng = new Rng("dice");
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const x = rng.int(1, 6);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(relativeError(c, 10_000)).toBeLessThan(0.05);
  });

  it("chance(p) is true with probability p, never for p <= 0 and always for p >= 1", () => {
    const rng = new Rng("coin");
    let hits = 0;
    for (let i = 0; i < N; i++) if (rng.chance(0.3)) hits++;
    expect(relativeError(hits / N, 0.3)).toBeLessThan(0.02);
    for (let i = 0; i < 1_000; i++) {
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(-1)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    }
  });

  it("exponential(mean) has that mean, median mean·ln2 and p99 mean·ln100", () => {
    const rng = new Rng("exp");
    const xs = sortedSample(N, () => rng.exponential(1_000));
    expect(xs[0]!).toBeGreaterThanOrEqual(0);
    expect(relativeError(mean(xs), 1_000)).toBeLessThan(0.01);
    expect(relativeError(quantile(xs, 0.5), 1_000 * Math.LN2)).toBeLessThan(0.015);
    expect(relativeError(quantile(xs, 0.99), 1_000 * Math.log(100))).toBeLessThan(0.03);
  });

  it("normal(mean, sd) has that mean, standard deviation and p99 mean + 2.326·sd", () => {
    const rng = new Rng("normal");
    const xs = sortedSample(N, () => rng.normal(100, 15));
    expect(Math.abs(mean(xs) - 100)).toBeLessThan(0.2);
    expect(Math.abs(stddev(xs) - 15)).toBeLessThan(0.2);
    expect(Math.abs(quantile(xs, 0.5) - 100)).toBeLessThan(0.3);
    expect(Math.abs(quantile(xs, 0.99) - (100 + 15 * 2.3263))).toBeLessThan(0.6);
  });

  it.each([
    [5_000, 50_000],
    [800, 1_200],
    [10_000, 10_000],
  ])("lognormal(p50 %d, p99 %d) hits both quantiles", (p50, p99) => {
    const rng = new Rng(`lognormal-${p50}-${p99}`);
    const xs = sortedSample(N, () => rng.lognormal(p50, p99));
    expect(xs[0]!).toBeGreaterThan(0);
    expect(relativeError(quantile(xs, 0.5), p50)).toBeLessThan(0.02);
    expect(relativeError(quantile(xs, 0.99), p99)).toBeLessThan(0.04);
  });

  it("lognormalParams refuses p50 <= 0 and p99 < p50", () => {
    expect(() => lognormalParams(0, 10)).toThrow(/0 < p50 <= p99/);
    expect(() => lognormalParams(10, 5)).toThrow(/p50=10, p99=5/);
    expect(() => lognormalParams(Number.NaN, 5)).toThrow();
    expect(lognormalParams(10, 10).sigma).toBe(0);
  });

  it("choice picks every element sometimes and refuses an empty list", () => {
    const rng = new Rng("choice");
    const items = ["a", "b", "c"] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(rng.choice(items));
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
    expect(() => rng.choice([])).toThrow(/empty/);
  });

  it("shuffle returns a permutation and leaves its input alone", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.string(), (items, seed) => {
        const before = items.slice();
        const out = new Rng(seed).shuffle(items);
        expect(items).toEqual(before);
        expect(out.slice().sort((a, b) => a - b)).toEqual(before.slice().sort((a, b) => a - b));
      }),
    );
  });

  it("shuffle reaches every order of three items", () => {
    const rng = new Rng("shuffle");
    const orders = new Set<string>();
    for (let i = 0; i < 300; i++) orders.add(rng.shuffle([1, 2, 3]).join(""));
    expect(orders.size).toBe(6);
  });
});
