import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateName, RANDOM_NAME_ALPHABET, randomSuffix } from "../../src/capi/names.js";
import { RngStreams } from "../../src/sim/rng.js";

describe("CAPI object names", () => {
  it("appends five characters from apimachinery's alphabet: no vowels, no 0, 1 or 3", () => {
    const rng = new RngStreams(1).stream("capi/names");
    for (let i = 0; i < 200; i++) {
      const name = generateName("workers-7d9f", rng);
      expect(name).toMatch(/^workers-7d9f-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    expect(RANDOM_NAME_ALPHABET).not.toMatch(/[aeiou013]/);
  });

  it("is the same for the same seed and differs between seeds", () => {
    const a = randomSuffix(new RngStreams(7).stream("capi/names"));
    const b = randomSuffix(new RngStreams(7).stream("capi/names"));
    const c = randomSuffix(new RngStreams(8).stream("capi/names"));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("never exceeds 63 characters and keeps the base's start", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,80}$/), fc.integer(), (base, seed) => {
        const name = generateName(base, new RngStreams(seed).stream("n"));
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name.startsWith(base.slice(0, Math.min(base.length, 58)))).toBe(true);
      }),
    );
  });

  it("draws again when the name is taken, so a replacement never reuses a name", () => {
    const rng = new RngStreams(3).stream("capi/names");
    const first = generateName("cp", new RngStreams(3).stream("capi/names"));
    const second = generateName("cp", rng, (n) => n === first);
    expect(second).not.toBe(first);
  });
});
