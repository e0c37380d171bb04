import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SweepInputError } from "../../src/sweep/input-error.js";
import { formatSeeds, MAX_SEED, parseSeedRange } from "../../src/sweep/seed-range.js";

describe("--seeds", () => {
  it("reads ranges, single seeds and lists, ascending", () => {
    expect(parseSeedRange("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeedRange("17")).toEqual([17]);
    expect(parseSeedRange(" 10..12, 3 ")).toEqual([3, 10, 11, 12]);
    expect(parseSeedRange(`${MAX_SEED}`)).toEqual([MAX_SEED]);
  });

  it("refuses what is not a seed range, with the reason", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["1-10", /not a seed or a range/],
      ["10..1", /runs backwards \(write 1\.\.10\)/],
      ["1..3,2", /seed 2 is named twice/],
      ["-1", /not a seed or a range/],
      [`${MAX_SEED + 1}`, /larger than/],
      ["1..100000000", /more than/],
      ["a..b", /not a seed or a range/],
    ];
    for (const [text, reason] of cases) {
      expect(() => parseSeedRange(text), text).toThrow(SweepInputError);
      expect(() => parseSeedRange(text), text).toThrow(reason);
    }
  });

  it("formatSeeds compresses runs and parses back to the same seeds", () => {
    expect(formatSeeds([1, 2, 3, 7, 9, 10])).toBe("1..3,7,9..10");
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 80 }), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        expect(parseSeedRange(formatSeeds(sorted))).toEqual(sorted);
      }),
    );
  });
});
