import { describe, expect, it } from "vitest";
import { ConditionSyntaxError, test as check, parseCondition } from "../../src/observe/condition.js";

describe("conditions", () => {
  it("reads plain signals, subjects and comparisons", () => {
    expect(parseCondition("writes.available")).toMatchObject({
      signal: "writes.available",
      valueIsDuration: false,
    });
    expect(parseCondition("vm[cp-0].power == poweredOff")).toMatchObject({
      signal: "vm[].power",
      subject: "cp-0",
      op: "==",
      value: "poweredOff",
    });
    expect(parseCondition("lb.backendsUp >= 2")).toMatchObject({ op: ">=", value: 2 });
    expect(parseCondition("writes.unavailable < 20s")).toMatchObject({
      op: "<",
      value: 20_000_000,
      valueIsDuration: true,
    });
  });

  it("reads counts of trace records, which need a comparison", () => {
    expect(parseCondition("events(vm.power) >= 2")).toMatchObject({
      signal: "events(vm.power)",
      events: "vm.power",
      op: ">=",
      value: 2,
    });
    expect(parseCondition("events(lb.backend[kube_api_backend/cp-0]) == 1")).toMatchObject({
      signal: "events(lb.backend)",
      subject: "kube_api_backend/cp-0",
      events: "lb.backend",
    });
    expect(() => parseCondition("events(vm.power)")).toThrow("is a count, not true or false");
    expect(() => parseCondition("events(vm power) > 1")).toThrow(ConditionSyntaxError);
  });

  it("compares like a person expects", () => {
    expect(check({ op: ">=", value: 2 }, 3)).toBe(true);
    expect(check({ op: ">=", value: 2 }, 1)).toBe(false);
    expect(check({ op: "!=", value: "deleted" }, "poweredOn")).toBe(true);
    expect(check({}, true)).toBe(true);
    expect(check({}, 1)).toBe(false);
  });

  it("refuses what it cannot read, with a hint", () => {
    for (const bad of ["", "writes available", "a[b].c[d]", "x >= 5 minutes", "lb.up === 3"]) {
      expect(() => parseCondition(bad), bad).toThrow(ConditionSyntaxError);
    }
  });
});
