/**
 * Conditions checked before the run: kinds of values, units of metrics, counts, and — for what a
 * runbook waits on — values the signal can never take.
 */
import { describe, expect, it } from "vitest";
import { checkConditionText, conditionKind } from "../../src/observe/condition-check.js";
import { Simulation } from "../../src/sim/simulation.js";
import { installInfraSignals } from "../../src/world/infra-signals.js";
import { buildInfraWorld } from "../../src/world/infra-world.js";
import { ParameterSet } from "../../src/world/parameter-set.js";

const world = buildInfraWorld(new Simulation({ seed: 1 }), new ParameterSet(), "vsphere-vms");
installInfraSignals(world);
// Signals that declare what values they can take (as layers may), to check "never met".
world.addSignal({
  name: "test.members",
  type: "number",
  summary: "members, 0..3",
  initial: () => 3,
  kinds: ["test.members"],
  next: (_v, r) => r.n as number,
  range: () => ({ min: 0, max: 3 }),
});
world.addSignal({
  name: "test.phase",
  type: "string",
  summary: "a phase",
  initial: () => "Running",
  kinds: ["test.phase"],
  next: (_v, r) => r.to as string,
  values: () => ["Pending", "Running", "Failed"],
});
world.addMetric({ name: "lostWrites", unit: "count", summary: "acknowledged writes lost" });

const problem = (text: string, use: "expect" | "wait" = "wait", is?: boolean | number | string) =>
  checkConditionText(text, world, use, is)?.error ?? null;

describe("checkConditionText", () => {
  it("accepts what can hold", () => {
    for (const text of [
      "lb.backendsUp < 3",
      "vm[cp-0].running",
      "vm[cp-0].running == false",
      "vm[cp-0].power == poweredOff",
      "test.members == 3",
      "test.members <= 0",
      "test.phase != Failed",
      "events(vm.power[cp-0]) >= 2",
    ]) {
      expect(problem(text), text).toBeNull();
    }
    expect(problem("lostWrites == 0", "expect")).toBeNull();
    expect(problem("endpoint.unavailable < 20s", "expect")).toBeNull();
    expect(problem("lostWrites", "expect", 0)).toBeNull();
  });

  it("refuses comparisons with the wrong kind of value, for any use", () => {
    expect(problem("vm[cp-0].running == yes", "expect")).toBe(
      'vm[cp-0].running is true or false, so "vm[cp-0].running == yes" is never true',
    );
    expect(problem("lb.backendsUp == three", "expect")).toBe(
      'lb.backendsUp is a number, so "lb.backendsUp == three" is never true',
    );
    expect(problem("vm[cp-0].power > poweredOff", "expect")).toBe(
      'vm[cp-0].power is a word, which has no order, so "vm[cp-0].power > poweredOff" cannot be decided',
    );
    expect(problem("events(vm.power) >= 2s", "expect")).toBe(
      'events(vm.power) counts records, but "events(vm.power) >= 2s" compares it with a duration',
    );
    expect(problem("vm[cp-0].running", "expect", 3)).toBe(
      "vm[cp-0].running is true or false, so it is never 3",
    );
  });

  it("refuses waits on values the signal never takes", () => {
    expect(problem("test.members > 3")).toBe(
      'test.members is at least 0 and at most 3 in this model, so "test.members > 3" is never true; the runbook would wait for something that never happens',
    );
    expect(problem("test.members < 0")).toMatch(/is never true/);
    expect(problem("test.phase == Runing")).toMatch(
      /test.phase is never Runing \(it is one of Pending, Running, Failed\)/,
    );
    expect(checkConditionText("test.phase == Runing", world, "wait")?.hint).toBe('did you mean "Running"?');
    // An expectation may say that something never happens; only waits are refused.
    expect(problem("test.members > 3", "expect")).toBeNull();
  });

  it("checks metrics: a unit for durations, a number for counts, and not in waits", () => {
    expect(problem("endpoint.unavailable < 20", "expect")).toBe(
      'endpoint.unavailable is a duration, but 20 in "endpoint.unavailable < 20" has no unit',
    );
    expect(problem("lostWrites < 5s", "expect")).toBe(
      'lostWrites is a count, but "lostWrites < 5s" compares it with a duration',
    );
    expect(problem("lostWrites", "expect")).toBe("lostWrites is a number, not true or false");
    expect(problem("lostWrites == 0")).toBe(
      "lostWrites is a metric of the whole run, known only when the run ends",
    );
    expect(checkConditionText("endpoint.unavailable > 0s", world, "wait")?.hint).toBe(
      'wait for the signal instead, e.g. "endpoint.available == false"',
    );
  });

  it("refuses unknown names and event kinds with a suggestion", () => {
    expect(checkConditionText("lostWrite == 0", world, "expect")?.hint).toBe('did you mean "lostWrites"?');
    const unknownKind = checkConditionText("events(vm.powr) >= 1", world, "expect");
    expect(unknownKind?.error).toBe('unknown event kind "vm.powr" in events(vm.powr)');
    expect(unknownKind?.hint).toBe('did you mean "vm.power"?');
    expect(problem("events(vm.power)", "expect")).toBe('"events(vm.power)" is a count, not true or false');
  });
});

describe("conditionKind", () => {
  it("tells signals, counts and metrics apart", () => {
    expect(conditionKind("lb.backendsUp >= 2", world)).toBe("signal");
    expect(conditionKind("events(step.failed) == 0", world)).toBe("count");
    expect(conditionKind("endpoint.unavailable < 1m", world)).toBe("metric");
    expect(conditionKind("lostWrites == 0", world)).toBe("metric");
    expect(conditionKind("nothing.here", world)).toBeUndefined();
  });
});
