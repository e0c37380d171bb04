/**
 * The kernel benchmark's two hold implementations (bench/hold.ts) must run the same events in the
 * same order: the reference is an independent (time, seq) heap, so agreement is also a check of the
 * kernel's event order under heavy ties, and it is what makes the benchmark's ratio meaningful.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_HOLD, holdOnKernel, holdOnReference } from "../../bench/hold.js";

describe("hold workload", () => {
  it("ends at the same simulated time on the kernel and on the reference heap loop", () => {
    const params = { ...DEFAULT_HOLD, events: 200_000 };
    const kernel = holdOnKernel(params);
    expect(kernel.events).toBe(200_000);
    expect(kernel).toEqual(holdOnReference(params));
    // 200 000 events at ~1 000 per ms of simulated time.
    expect(kernel.finalTimeUs).toBeGreaterThan(150_000);
    expect(kernel.finalTimeUs).toBeLessThan(250_000);
  });

  it("agrees for any shape, including tiny delays where most events tie", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 20 }),
        fc.nat(3_000),
        fc.nat(),
        (pending, meanDelayUs, events, seed) => {
          const params = { pending, meanDelayUs, events, seed };
          expect(holdOnKernel(params)).toEqual(holdOnReference(params));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("depends on the seed", () => {
    const a = holdOnKernel({ ...DEFAULT_HOLD, events: 10_000, seed: 1 });
    const b = holdOnKernel({ ...DEFAULT_HOLD, events: 10_000, seed: 2 });
    expect(a.finalTimeUs).not.toBe(b.finalTimeUs);
  });
});
