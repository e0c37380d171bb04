/**
 * Property tests over random fault schedules (fast-check chooses the faults, their targets and
 * timing, and the simulation seed): every Raft invariant holds, no acknowledged write is lost, and
 * once the faults heal a leader emerges and all members converge within the bound.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Fault, runChaos, type ScheduledFault } from "./chaos.js";

function faultArb(n: number): fc.Arbitrary<Fault> {
  const member = fc.integer({ min: 0, max: n - 1 });
  // A minority of the members on one side of a partition.
  const side = fc.uniqueArray(member, { minLength: 1, maxLength: Math.floor((n - 1) / 2) });
  return fc.oneof(
    fc.record({ kind: fc.constant("crash" as const), member, downMs: fc.integer({ min: 0, max: 20_000 }) }),
    fc.record({
      kind: fc.constant("powerCycle" as const),
      member,
      downMs: fc.integer({ min: 0, max: 20_000 }),
    }),
    fc.record({
      kind: fc.constant("partition" as const),
      side,
      forMs: fc.integer({ min: 100, max: 15_000 }),
    }),
    fc.record({
      kind: fc.constant("delay" as const),
      member,
      extraMs: fc.integer({ min: 1, max: 3000 }),
      forMs: fc.integer({ min: 100, max: 10_000 }),
    }),
    fc.record({
      kind: fc.constant("loss" as const),
      member,
      percent: fc.integer({ min: 5, max: 90 }),
      forMs: fc.integer({ min: 100, max: 10_000 }),
    }),
    fc.record({ kind: fc.constant("replace" as const), member }),
    fc.record({ kind: fc.constant("outage" as const), downMs: fc.integer({ min: 0, max: 10_000 }) }),
    fc.record({
      kind: fc.constant("slowDisk" as const),
      member,
      extraMs: fc.integer({ min: 1, max: 500 }),
      forMs: fc.integer({ min: 100, max: 20_000 }),
    }),
  );
}

function scheduleArb(n: number): fc.Arbitrary<ScheduledFault[]> {
  return fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 5000 }), fault: faultArb(n) }), {
    minLength: 1,
    maxLength: 16,
  });
}

function check(n: number, runs: number): void {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), scheduleArb(n), (seed, schedule) => {
      const o = runChaos(seed, n, schedule);
      expect(o.violations, o.detail).toEqual([]);
      expect(o.destroyed, o.detail).toEqual([]);
      expect(o.lostWrites, `${o.lostWrites} of ${o.ackedWrites} acknowledged writes lost; ${o.detail}`).toBe(
        0,
      );
      expect(o.converged, `did not converge: ${o.detail}`).toBe(true);
      expect(o.ackedWrites).toBeGreaterThan(0);
    }),
    { numRuns: runs },
  );
}

/** More runs on demand: `QUORATE_CHAOS_RUNS=500 npx vitest run test/etcd/properties.test.ts`. */
const SCALE = Math.max(1, Number(process.env.QUORATE_CHAOS_RUNS ?? 0) / 20);

describe("etcd under random faults", () => {
  it("3 members: invariants hold, no acknowledged write is lost, and the cluster converges after healing", () => {
    check(3, Math.round(20 * SCALE));
  }, 600_000);

  it("5 members: the same", () => {
    check(5, Math.round(10 * SCALE));
  }, 600_000);
});
