/**
 * Property tests of the Raft core under randomized faults (fast-check chooses the seed and the
 * fault mix; runs are deterministic, so a failure shrinks and replays exactly):
 * election safety, log matching, leader completeness, state-machine safety (all checked online
 * by the invariant checker), no applied entry ever lost, and liveness after healing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quorumSize } from "../../src/raft/quorum.js";
import { type ChaosOptions, runChaos } from "./chaos.js";
import { Cluster } from "./harness.js";

const chaosOptions: fc.Arbitrary<ChaosOptions> = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    voters: fc.integer({ min: 1, max: 7 }),
    preVote: fc.boolean(),
    checkQuorum: fc.boolean(),
    electionTicks: fc.integer({ min: 2, max: 10 }),
    dropRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    dupRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
    crashWeight: fc.double({ min: 0, max: 1.5, noNaN: true }),
    partitionWeight: fc.double({ min: 0, max: 1.5, noNaN: true }),
    compactWeight: fc.double({ min: 0, max: 2, noNaN: true }),
    transferWeight: fc.double({ min: 0, max: 0.5, noNaN: true }),
    replaceWeight: fc.double({ min: 0, max: 0.5, noNaN: true }),
    maxEntriesPerMsg: fc.integer({ min: 1, max: 8 }),
    maxInflightMsgs: fc.integer({ min: 1, max: 16 }),
  })
  // Liveness bound: 40 election timeouts (the worst seen over 2,000 seeds was 24).
  .map((o) => ({ ...o, safetySteps: 1500, livenessTicks: 40 * o.electionTicks + 50 }));

describe("raft under faults", () => {
  it("is safe during faults and converges after they heal", () => {
    fc.assert(
      fc.property(chaosOptions, (o) => {
        const r = runChaos(o);
        expect(r.problem).toBeNull();
        expect(r.findings).toEqual([]);
        expect(r.lost).toEqual([]);
        expect(r.converged).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("finds nothing to converge on when faults never heal (the checks can fail)", () => {
    // Sanity check of the liveness check itself: a permanent minority can never converge.
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [] });
    c.stabilize();
    c.crash(2);
    c.crash(3);
    for (let i = 0; i < 200; i++) {
      c.tickAll();
      c.stabilize();
    }
    expect(c.leader()).toBe(0);
  });
});

describe("quorum table", () => {
  it("a proposal commits iff at least floor(n/2)+1 voters are up and connected (n = 1..9)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            // For each follower: 0 = up, 1 = crashed, 2 = partitioned away.
            fate: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n - 1, maxLength: n - 1 }),
          }),
        ),
        ({ n, fate }) => {
          const c = new Cluster();
          const voters = Array.from({ length: n }, (_, i) => i + 1);
          c.bootstrap({ voters, learners: [] });
          c.stabilize();
          c.node(1).campaign();
          c.stabilize();
          expect(c.leader()).toBe(1);
          const cut: number[] = [];
          fate.forEach((f, i) => {
            if (f === 1) c.crash(i + 2);
            if (f === 2) cut.push(i + 2);
          });
          if (cut.length > 0) c.partition([cut, voters.filter((v) => !cut.includes(v))]);
          const up = 1 + fate.filter((f) => f === 0).length;
          expect(c.propose(1, "w")).toBe("appended");
          const index = c.node(1).lastIndex;
          // Less than an election timeout of heartbeats: enough for every retry, no elections.
          for (let t = 0; t < 5; t++) {
            c.tickAll();
            c.stabilize();
          }
          expect(c.node(1).commit >= index).toBe(up >= quorumSize(n));
        },
      ),
      { numRuns: 200 },
    );
  });
});
