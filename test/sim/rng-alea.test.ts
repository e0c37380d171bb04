/**
 * `Rng` runs Alea's recurrence itself (seeded by seedrandom) for speed; the sequence must stay
 * exactly seedrandom's, or every seed of every existing run would change.
 */
import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/rng.js";

describe("Rng", () => {
  it("draws exactly seedrandom's Alea sequence for any seed (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 3000 }), (seed, n) => {
        const reference = seedrandom.alea(seed);
        const rng = new Rng(seed);
        for (let i = 0; i < n; i++) expect(rng.float()).toBe(reference());
      }),
      { numRuns: 200 },
    );
  });

  it("keeps the streams the simulator has always used (a long run of one named stream)", () => {
    const reference = seedrandom.alea("quorate:1:net/n1->n2");
    const rng = new Rng("quorate:1:net/n1->n2");
    let same = 0;
    for (let i = 0; i < 1_000_000; i++) if (rng.float() === reference()) same++;
    expect(same).toBe(1_000_000);
  });
});
