import { describe, expect, it } from "vitest";
import { ParameterSet } from "../../src/world/parameter-set.js";
import { coerceParameter, findParameter, isProblem, PARAMETERS } from "../../src/world/parameters.js";

describe("parameter registry", () => {
  it("every parameter has a unit field, a summary and a source, and its default passes its own type", () => {
    for (const p of PARAMETERS) {
      expect(p.summary.length, p.key).toBeGreaterThan(10);
      expect(p.source.length, p.key).toBeGreaterThan(10);
      expect(typeof p.unit, p.key).toBe("string");
    }
    expect(new Set(PARAMETERS.map((p) => p.key)).size).toBe(PARAMETERS.length);
  });

  it("reads values as people write them", () => {
    const inter = findParameter("lb.inter")!;
    expect(coerceParameter(inter, "2s")).toBe(2_000_000);
    expect(isProblem(coerceParameter(inter, "2 seconds"))).toBe(true);
    expect(isProblem(coerceParameter(inter, 2))).toBe(true);
    const rise = findParameter("lb.rise")!;
    expect(coerceParameter(rise, "4")).toBe(4);
    expect(isProblem(coerceParameter(rise, 0))).toBe(true);
    expect(isProblem(coerceParameter(rise, 2.5))).toBe(true);
    const latency = findParameter("network.latency")!;
    expect(coerceParameter(latency, { uniform: ["10ms", "15ms"] })).toEqual({
      kind: "uniform",
      min: 10_000,
      max: 15_000,
    });
    expect(coerceParameter(latency, "5ms")).toEqual({ kind: "constant", value: 5000 });
    expect(isProblem(coerceParameter(latency, { uniform: ["15ms", "10ms"] }))).toBe(true);
    expect(coerceParameter(findParameter("network.bandwidth")!, "10MB")).toBe(10_000_000);
    expect(coerceParameter(findParameter("lb.balance")!, "roundrobin")).toBe("roundrobin");
    expect(isProblem(coerceParameter(findParameter("lb.balance")!, "leastconn"))).toBe(true);
  });

  it("overrides remember their origin, and unknown keys get a suggestion", () => {
    const ps = new ParameterSet();
    expect(ps.override("lb.inter", "2s", "experiment", "x.yaml")).toBeUndefined();
    expect(ps.get("lb.inter")).toMatchObject({ value: 2_000_000, origin: "experiment" });
    const p = ps.override("lb.intr", "2s", "command line", "--set");
    expect(p?.message).toContain('unknown parameter "lb.intr"');
    expect(p?.hint).toContain('"lb.inter"');
    expect(ps.overridden().map((x) => x.spec.key)).toEqual(["lb.inter"]);
  });
});
