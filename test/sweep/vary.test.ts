import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combinations, parseSetting, parseVary, settingValue, splitTopLevel } from "../../src/sweep/vary.js";

describe("--vary", () => {
  it("splits values at top-level commas only", () => {
    expect(splitTopLevel("5s, 10s,20s")).toEqual(["5s", "10s", "20s"]);
    expect(splitTopLevel("{uniform: [1ms, 3ms]},2ms")).toEqual(["{uniform: [1ms, 3ms]}", "2ms"]);
    expect(splitTopLevel("'a,b',c")).toEqual(["'a,b'", "c"]);
  });

  it("builds every combination, first axis slowest, with readable labels", () => {
    const combos = combinations(parseVary(["lb.inter=5s,10s", "lb.rise=1,2,3"]));
    expect(combos.map((c) => c.label)).toEqual([
      "lb.inter=5s, lb.rise=1",
      "lb.inter=5s, lb.rise=2",
      "lb.inter=5s, lb.rise=3",
      "lb.inter=10s, lb.rise=1",
      "lb.inter=10s, lb.rise=2",
      "lb.inter=10s, lb.rise=3",
    ]);
    expect(combos.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(combinations([])).toEqual([{ index: 0, label: "defaults", settings: [] }]);
  });

  it("the number of combinations is the product of the axis sizes, each one distinct", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (sizes) => {
        const flags = sizes.map((n, i) => `k${i}=${Array.from({ length: n }, (_, j) => `v${j}`).join(",")}`);
        const combos = combinations(parseVary(flags));
        expect(combos).toHaveLength(sizes.reduce((p, n) => p * n, 1));
        expect(new Set(combos.map((c) => c.label)).size).toBe(combos.length);
      }),
    );
  });

  it("refuses malformed flags", () => {
    expect(() => parseVary(["lb.inter"])).toThrow(/expected key=value1,value2/);
    expect(() => parseVary(["lb.inter=5s,"])).toThrow(/empty value/);
    expect(() => parseVary(["lb.inter=5s", "lb.inter=6s"])).toThrow(/given twice/);
    expect(() => parseVary(["lb.inter=5s,5s"])).toThrow(/listed twice/);
    expect(() => parseSetting("nokey")).toThrow(/expected key=value/);
  });

  it("reads flow values as --set does", () => {
    expect(settingValue({ key: "network.latency", text: "{uniform: [1ms, 3ms]}" })).toEqual({
      uniform: ["1ms", "3ms"],
    });
    expect(settingValue({ key: "lb.inter", text: "5s" })).toBe("5s");
  });
});
