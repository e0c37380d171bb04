import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY,
  DurationError,
  formatClock,
  formatDuration,
  HOUR,
  MILLISECOND,
  MINUTE,
  parseDuration,
  SECOND,
} from "../../src/sim/time.js";

/** The DurationError `parseDuration(text)` throws (fails the test if it does not throw one). */
function durationError(text: string): DurationError {
  try {
    parseDuration(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DurationError);
    return err as DurationError;
  }
  throw new Error(`parseDuration(${JSON.stringify(text)}) did not throw`);
}

describe("parseDuration", () => {
  it.each([
    ["0", 0],
    ["0s", 0],
    ["1us", 1],
    ["7µs", 7],
    ["7μs", 7],
    ["150ms", 150 * MILLISECOND],
    ["2.5s", 2_500_000],
    ["0.1s", 100_000],
    ["1.000001s", 1_000_001],
    ["5m", 5 * MINUTE],
    ["1h30m", HOUR + 30 * MINUTE],
    ["1h30m15.25s", HOUR + 30 * MINUTE + 15_250_000],
    ["2d", 2 * DAY],
    ["  10s  ", 10 * SECOND],
    ["9007199254.740991s", Number.MAX_SAFE_INTEGER],
  ])("reads %j as %d µs", (text, us) => {
    expect(parseDuration(text)).toBe(us);
  });

  it.each([
    ["5 minutes", /"minutes" is not a unit/, "write 5m"],
    ["10secs", /"secs" is not a unit/, "write 10s"],
    ["5 m", /spaces are not allowed/, "write 5m"],
    ["5m 30s", /spaces are not allowed/, "150ms"],
    ["-3s", /negative duration "-3s"/, "zero or positive"],
    ["5", /a number needs a unit/, "e.g. 5s"],
    ["1h30", /a number needs a unit/, "e.g. 30s"],
    ["1.5us", /finer than one microsecond/, "whole microseconds"],
    ["0.0000001s", /finer than one microsecond/, "whole microseconds"],
    ["5M", /unknown unit "M"/, "lower case: 5m"],
    ["3w", /unknown unit "w"/, "units: us, ms, s, m, h, d"],
    ["", /empty duration/, "150ms"],
    ["abc", /unexpected "abc"/, "150ms"],
    ["1s1s", /unit "s" appears twice/, "1h30m"],
    ["1us1µs", /unit "µs" appears twice/, "1h30m"],
    ["9007199254.740992s", /too large/, "below 100 years"],
    ["200000d", /too large/, "below 100 years"],
  ])("refuses %j with a reason and a hint", (text, reason, hint) => {
    const err = durationError(text);
    expect(err.message).toMatch(reason);
    if (text !== "") expect(err.message).toContain(`"${text}"`);
    expect(err.hint).toContain(hint);
  });

  it("reads any whole number of units exactly", () => {
    const units: [string, number][] = [
      ["us", 1],
      ["ms", MILLISECOND],
      ["s", SECOND],
      ["m", MINUTE],
      ["h", HOUR],
      ["d", DAY],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.nat(100_000), ([unit, size], n) => {
        expect(parseDuration(`${n}${unit}`)).toBe(n * size);
      }),
    );
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [1, "1µs"],
    [999, "999µs"],
    [1_000, "1ms"],
    [1_500, "1.5ms"],
    [1_234, "1.234ms"],
    [150 * MILLISECOND, "150ms"],
    [2_500_000, "2.5s"],
    [1_234_567, "1.234567s"],
    [5 * MINUTE, "5m0s"],
    [5 * MINUTE + 500_000, "5m0.5s"],
    [22 * MINUTE + 13 * SECOND, "22m13s"],
    [HOUR + 30 * MINUTE, "1h30m0s"],
    [26 * HOUR, "26h0m0s"],
    [-2 * SECOND, "-2s"],
    [1499.6, "1.5ms"],
    [0.4, "0s"],
    [-0.4, "0s"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("writes %d µs as %j, like Go's Duration.String", (us, text) => {
    expect(formatDuration(us)).toBe(text);
  });

  it("round-trips: parseDuration(formatDuration(x)) === x for whole non-negative x", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (x) => {
        expect(parseDuration(formatDuration(x))).toBe(x);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.nat(3 * HOUR), (x) => {
        expect(parseDuration(formatDuration(x))).toBe(x);
      }),
      { numRuns: 2_000 },
    );
  });

  it("round-trips the other way for canonical text: formatDuration(parseDuration(s)) === s", () => {
    for (const s of ["0s", "150ms", "2.5s", "5m0s", "1h30m0s", "22m13.25s", "999µs"]) {
      expect(formatDuration(parseDuration(s))).toBe(s);
    }
  });
});

describe("formatClock", () => {
  it.each([
    [0, "00:00.000"],
    [999, "00:00.000"],
    [61_234_567, "01:01.234"],
    [59 * MINUTE + 59_999_999, "59:59.999"],
    [HOUR, "1:00:00.000"],
    [10 * HOUR + 5 * MINUTE + 7 * SECOND + 8 * MILLISECOND, "10:05:07.008"],
  ])("shows %d µs as %j", (us, text) => {
    expect(formatClock(us)).toBe(text);
  });

  it("is ordered like the times it shows (fixed width below an hour)", () => {
    fc.assert(
      fc.property(fc.nat(HOUR - 1), fc.nat(HOUR - 1), (a, b) => {
        const [x, y] = [formatClock(a), formatClock(b)];
        expect(x.length).toBe(9);
        if (Math.floor(a / 1000) < Math.floor(b / 1000)) expect(x < y).toBe(true);
      }),
    );
  });
});
