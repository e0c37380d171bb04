import { describe, expect, it } from "vitest";
import { decideMachineSet } from "../../src/capi/machineset/sync.js";
import { newMachineSet } from "../../src/capi/objects/build.js";
import { cond, machine } from "./helpers.js";

const ms = (replicas: number, maxInFlight?: number) =>
  newMachineSet({
    name: "ms",
    clusterName: "c1",
    replicas,
    nowUs: 0,
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
  });
const marked = (n: string) =>
  machine(n, {
    conditions: [
      cond("HealthCheckSucceeded", "False"),
      cond("OwnerRemediated", "False", 0, "WaitingForRemediation"),
    ],
  });

describe("MachineSet decisions", () => {
  it("deletes the unhealthy Machine first and creates its replacement only when it is gone", () => {
    const step1 = decideMachineSet(ms(3), [machine("a"), machine("b"), marked("c")]);
    expect(step1).toEqual({ remediate: ["c"], deferred: [], create: 0, scaleDown: [] });
    const deleting = machine("c", {
      deleting: 1,
      conditions: [cond("OwnerRemediated", "False", 0, "MachineDeleting")],
    });
    expect(decideMachineSet(ms(3), [machine("a"), machine("b"), deleting]).create).toBe(0);
    expect(decideMachineSet(ms(3), [machine("a"), machine("b")]).create).toBe(1);
  });

  it("remediates several workers at once, up to maxInFlight", () => {
    expect(decideMachineSet(ms(4), [marked("a"), marked("b"), marked("c"), machine("d")]).remediate).toEqual([
      "a",
      "b",
      "c",
    ]);
    const inFlight = machine("x", {
      deleting: 1,
      conditions: [cond("OwnerRemediated", "False", 0, "MachineDeleting")],
    });
    const d = decideMachineSet(ms(4, 2), [inFlight, marked("a"), marked("b"), machine("d")]);
    expect(d.remediate).toEqual(["a"]);
    expect(d.deferred).toEqual(["b"]);
  });

  it("scales down the newest healthy Machine, not counting those already going", () => {
    const d = decideMachineSet(ms(2), [
      machine("a", { createdAt: 1 }),
      machine("b", { createdAt: 3 }),
      machine("c", { createdAt: 2 }),
    ]);
    expect(d.scaleDown).toEqual(["b"]);
  });
});
