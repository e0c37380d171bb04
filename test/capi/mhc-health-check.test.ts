import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { healthCheckTargets, needsRemediation } from "../../src/capi/mhc/health-check.js";
import { defaultMhcSpec } from "../../src/capi/objects/build.js";
import type { Cluster } from "../../src/capi/objects/cluster.js";
import { capiFeatures } from "../../src/capi/version.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { cluster, cond, machine, node } from "./helpers.js";

const spec = defaultMhcSpec("c1", {}, 5 * MINUTE);
const v113 = capiFeatures("1.13");
const v18 = capiFeatures("1.8");

describe("MachineHealthCheck needsRemediation", () => {
  it("counts the Ready=Unknown timeout from the condition's lastTransitionTime, strictly", () => {
    const t = { machine: machine("w1"), node: node("w1", "Unknown", 100 * SECOND), nodeMissing: false };
    const at = (now: number) => needsRemediation(t, cluster(), spec, now, v113);
    expect(at(100 * SECOND + 5 * MINUTE)).toEqual({ unhealthy: false, nextCheckUs: SECOND });
    const v = at(100 * SECOND + 5 * MINUTE + 1);
    expect(v).toMatchObject({ unhealthy: true, reason: "UnhealthyNode" });
  });

  it("words the verdict as seed 001 quotes it (v1beta1) or as CAPI ≥ 1.11 does", () => {
    const t = { machine: machine("w1"), node: node("w1", "Unknown", 0), nodeMissing: false };
    const old = needsRemediation(t, cluster(), spec, 6 * MINUTE, v18);
    expect(old).toMatchObject({
      message: "Condition Ready on node is reporting status Unknown for more than 5m0s",
    });
    const now = needsRemediation(t, cluster(), spec, 6 * MINUTE, v113);
    expect(now).toMatchObject({
      message:
        "Condition Ready on Node is reporting status Unknown with reason NodeStatusUnknown for more than 5m0s",
    });
  });

  it("requeues one second after the timeout would expire", () => {
    const t = { machine: machine("w1"), node: node("w1", "Unknown", 0), nodeMissing: false };
    expect(needsRemediation(t, cluster(), spec, 2 * MINUTE, v113)).toEqual({
      unhealthy: false,
      nextCheckUs: 3 * MINUTE + SECOND,
    });
  });

  it("treats a deleted Node as unhealthy at once", () => {
    const t = { machine: machine("w1"), node: undefined, nodeMissing: true };
    expect(needsRemediation(t, cluster(), spec, 0, v113)).toMatchObject({
      unhealthy: true,
      reason: "NodeDeleted",
      message: "Node w1 has been deleted",
    });
  });

  it("counts nodeStartupTimeout (10 min) from the latest of the documented timestamps", () => {
    const m = machine("w1", {
      node: false,
      createdAt: MINUTE,
      infraReady: true,
      conditions: [cond("InfrastructureReady", "True", 4 * MINUTE)],
    });
    const t = { machine: m, node: undefined, nodeMissing: false };
    const c = cluster(2 * MINUTE);
    expect(needsRemediation(t, c, spec, 14 * MINUTE, v113)).toEqual({
      unhealthy: false,
      nextCheckUs: SECOND,
    });
    expect(needsRemediation(t, c, spec, 14 * MINUTE + 1, v113)).toMatchObject({
      unhealthy: true,
      reason: "NodeStartupTimeout",
      message: "Node failed to report startup in 10m0s",
    });
    // A cluster initialized after the Machine's infrastructure moves the start later still.
    expect(needsRemediation(t, cluster(5 * MINUTE), spec, 14 * MINUTE + 1, v113)).toMatchObject({
      unhealthy: false,
    });
  });

  it("does not evaluate workers before the control plane is initialized, or anything before infrastructure is ready", () => {
    const notInit: Cluster = { ...cluster(), status: { conditions: [cond("InfrastructureReady", "True")] } };
    const bad = { machine: machine("w1"), node: node("w1", "Unknown", 0), nodeMissing: false };
    expect(needsRemediation(bad, notInit, spec, 10 * MINUTE, v113)).toEqual({
      unhealthy: false,
      nextCheckUs: 0,
    });
    const cp = { ...bad, machine: machine("cp1", { controlPlane: true }) };
    expect(needsRemediation(cp, notInit, spec, 10 * MINUTE, v113)).toMatchObject({ unhealthy: true });
    const noInfra: Cluster = { ...cluster(), status: { conditions: [] } };
    expect(needsRemediation(cp, noInfra, spec, 10 * MINUTE, v113)).toMatchObject({ unhealthy: false });
  });

  it("honours the remediate-machine annotation, and failureReason only up to CAPI 1.10", () => {
    const annotated = machine("w1", { annotations: { "cluster.x-k8s.io/remediate-machine": "" } });
    expect(
      needsRemediation(
        { machine: annotated, node: node("w1"), nodeMissing: false },
        cluster(),
        spec,
        0,
        v113,
      ),
    ).toMatchObject({
      reason: "HasRemediateMachineAnnotation",
    });
    const m = machine("w1");
    const failed = { ...m, status: { ...m.status, failureReason: "UpdateError" } };
    const t = { machine: failed, node: node("w1"), nodeMissing: false };
    expect(needsRemediation(t, cluster(), spec, 0, v18)).toMatchObject({
      unhealthy: true,
      reason: "MachineHasFailureReason",
    });
    expect(needsRemediation(t, cluster(), spec, 0, v113)).toMatchObject({ unhealthy: false });
  });

  it("property: once unhealthy stays unhealthy as time passes; healthy until nextCheck and unhealthy right after it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<"True" | "False" | "Unknown">("True", "False", "Unknown"),
        fc.integer({ min: 0, max: 20 * 60 }),
        fc.integer({ min: 0, max: 20 * 60 }),
        (status, sinceS, afterS) => {
          const since = sinceS * SECOND;
          const now = since + afterS * SECOND;
          const t = { machine: machine("w1"), node: node("w1", status, since), nodeMissing: false };
          const v = needsRemediation(t, cluster(), spec, now, v113);
          if (v.unhealthy) {
            expect(needsRemediation(t, cluster(), spec, now + 7 * SECOND, v113).unhealthy).toBe(true);
          } else if (v.nextCheckUs > 0) {
            expect(needsRemediation(t, cluster(), spec, now + v.nextCheckUs - SECOND, v113).unhealthy).toBe(
              false,
            );
            expect(needsRemediation(t, cluster(), spec, now + v.nextCheckUs, v113).unhealthy).toBe(true);
          } else {
            expect(status).toBe("True");
          }
        },
      ),
    );
  });
});

describe("healthCheckTargets", () => {
  it("counts as healthy only Machines that passed, have a Node, are not deleting and have no timer running", () => {
    const targets = [
      { machine: machine("ok"), node: node("ok"), nodeMissing: false },
      { machine: machine("starting", { node: false }), node: undefined, nodeMissing: false },
      { machine: machine("timer"), node: node("timer", "Unknown", 4 * MINUTE), nodeMissing: false },
      { machine: machine("deleting", { deleting: 1 }), node: node("deleting"), nodeMissing: false },
      { machine: machine("dead"), node: node("dead", "Unknown", 0), nodeMissing: false },
    ];
    const r = healthCheckTargets(targets, cluster(), spec, 6 * MINUTE, v113);
    expect(r.healthy.map((t) => t.machine.metadata.name)).toEqual(["ok"]);
    expect(r.unhealthy.map((u) => u.target.machine.metadata.name)).toEqual(["dead"]);
    expect(r.nextCheckUs).toBe(3 * MINUTE + SECOND);
  });
});
