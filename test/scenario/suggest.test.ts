import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  closestMatches,
  didYouMean,
  editDistance,
  listForMessage,
  orList,
} from "../../src/scenario/suggest.js";

describe("editDistance (Damerau–Levenshtein)", () => {
  it("counts single edits, a swap of neighbours as one", () => {
    expect(editDistance("target", "target")).toBe(0);
    expect(editDistance("tagret", "target")).toBe(1); // transposition
    expect(editDistance("vm.powerof", "vm.powerOf")).toBe(1); // substitution
    expect(editDistance("cp-", "cp-0")).toBe(1); // insertion
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("ca", "abc")).toBe(2); // unrestricted form: ca → ac → abc
    expect(editDistance("µs", "us")).toBe(1); // code points, not UTF-16 units
  });

  const word = fc.string({ maxLength: 8, unit: fc.constantFrom("a", "b", "c", "-", "0") });
  it("is a metric", () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
        expect(editDistance(a, b)).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 500 },
    );
  });
});

describe("suggestions", () => {
  const actions = ["vm.powerOff", "vm.powerOn", "vm.reset", "net.partition", "net.heal"];
  it("prefers the candidate the typo dropped letters from", () => {
    expect(didYouMean("vm.powerof", actions)).toBe('did you mean "vm.powerOff"?');
    expect(didYouMean("VM.POWERON", actions)).toBe('did you mean "vm.powerOn"?');
    expect(didYouMean("partition", actions)).toBe('did you mean "net.partition"?');
  });

  it("offers every equally close name, and nothing when nothing is close", () => {
    expect(closestMatches("cp-3", ["cp-0", "cp-1", "cp-2", "worker-0"])).toEqual(["cp-0", "cp-1", "cp-2"]);
    expect(didYouMean("cp-3", ["cp-0", "cp-1"])).toBe('did you mean "cp-0" or "cp-1"?');
    expect(didYouMean("banana", actions)).toBeUndefined();
    expect(didYouMean("x", [])).toBeUndefined();
  });

  it("words lists for messages", () => {
    expect(orList(["a"])).toBe("a");
    expect(orList(["a", "b", "c"])).toBe("a, b or c");
    expect(orList(["a", "b"], "and")).toBe("a and b");
    expect(listForMessage(["a", "b", "c"], 2)).toBe("a, b, … (3 in all)");
  });
});
