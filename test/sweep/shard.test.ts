import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShard, seedsOfShard, shardFileBase, shardFromEnvironment } from "../../src/sweep/shard.js";

describe("shards", () => {
  it("together cover every seed exactly once, in contiguous, balanced blocks", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }), (n, count) => {
        const seeds = Array.from({ length: n }, (_, i) => i + 1);
        const parts = Array.from({ length: count }, (_, index) => seedsOfShard(seeds, { index, count }));
        expect(parts.flat()).toEqual(seeds);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("reads --shard i/n and JOB_COMPLETION_INDEX", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment(4, { JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 3, count: 4 });
    expect(() => parseShard("4/4")).toThrow(/from 0 to 3/);
    expect(() => parseShard("1of4")).toThrow(/expected i\/n/);
    expect(() => parseShard("0/0")).toThrow(/number of shards/);
    expect(() => shardFromEnvironment(4, {})).toThrow(/JOB_COMPLETION_INDEX/);
    expect(() => shardFromEnvironment(4, { JOB_COMPLETION_INDEX: "x" })).toThrow(/whole number/);
    expect(() => shardFromEnvironment(4, { JOB_COMPLETION_INDEX: "4" })).toThrow(/from 0 to 3/);
  });

  it("names the output file after the shard", () => {
    expect(shardFileBase({ index: 1, count: 8 })).toBe("shard-1-of-8");
    expect(shardFileBase(undefined)).toBe("runs");
  });
});
