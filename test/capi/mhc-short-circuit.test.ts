import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseUnhealthyRange,
  remediationAllowance,
  scaledMaxUnhealthy,
} from "../../src/capi/mhc/short-circuit.js";

describe("MHC short-circuit (maxUnhealthy / unhealthyRange)", () => {
  it("scales percentages of expected Machines rounding down (book: 40% of 6 is 2)", () => {
    expect(scaledMaxUnhealthy("40%", 6)).toBe(2);
    expect(scaledMaxUnhealthy("100%", 3)).toBe(3);
    expect(scaledMaxUnhealthy(1, 10)).toBe(1);
  });

  it("defaults to 100% (no short-circuit)", () => {
    expect(remediationAllowance({}, 3, 0, 3)).toEqual({ allowed: true, remediationsAllowed: 0 });
  });

  it("blocks with CAPI's TooManyUnhealthy message", () => {
    const r = remediationAllowance({ unhealthyLessThanOrEqualTo: "40%" }, 6, 3, 3);
    expect(r.allowed).toBe(false);
    expect(r.message).toBe(
      "Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 6, unhealthy: 3, maxUnhealthy: 40%)",
    );
  });

  it("unhealthyRange allows only inside [min-max] and takes precedence", () => {
    expect(parseUnhealthyRange("[3-5]")).toEqual({ min: 3, max: 5 });
    expect(parseUnhealthyRange("[5-3]")).toBeUndefined();
    const t = { unhealthyInRange: "[3-5]", unhealthyLessThanOrEqualTo: 100 as const };
    expect(remediationAllowance(t, 10, 8, 2).allowed).toBe(false);
    expect(remediationAllowance(t, 10, 6, 4)).toEqual({ allowed: true, remediationsAllowed: 1 });
    expect(remediationAllowance(t, 10, 4, 6).allowed).toBe(false);
  });

  it("property: remediation is never allowed past maxUnhealthy", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.oneof(
          fc.integer({ min: 0, max: 50 }),
          fc.integer({ min: 0, max: 100 }).map((p) => `${p}%` as const),
        ),
        (expected, healthyRaw, limit) => {
          const healthy = Math.min(healthyRaw, expected);
          const r = remediationAllowance(
            { unhealthyLessThanOrEqualTo: limit },
            expected,
            healthy,
            expected - healthy,
          );
          const max = scaledMaxUnhealthy(limit, expected);
          expect(r.allowed).toBe(expected - healthy <= max);
          expect(r.remediationsAllowed).toBe(r.allowed ? max - (expected - healthy) : 0);
        },
      ),
    );
  });
});
