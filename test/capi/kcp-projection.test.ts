import { describe, expect, it } from "vitest";
import type { ControlPlaneState, EtcdMemberView } from "../../src/capi/kcp/control-plane-state.js";
import {
  targetControlPlaneComponentsHealthy,
  targetEtcdClusterHealthy,
} from "../../src/capi/kcp/projection.js";
import { healthyCpConditions, machine, unhealthyCpConditions } from "./helpers.js";

const member = (name: string, isLearner = false): EtcdMemberView => ({
  id: `id-${name}`,
  name,
  isLearner,
  alarms: [],
});

function cp(n: number, unhealthy: readonly number[]): ControlPlaneState {
  const names = Array.from({ length: n }, (_, i) => `cp-${i}`);
  return {
    machines: names.map((name, i) =>
      machine(name, {
        controlPlane: true,
        conditions: unhealthy.includes(i) ? unhealthyCpConditions() : healthyCpConditions(),
      }),
    ),
    etcdMembers: names.map((x) => member(x)),
    etcdLeader: "cp-0",
    nodeListError: false,
  };
}

describe("KCP projections", () => {
  it("matches the fault tolerance in CAPI's comments: 3 → 2 tolerates 0, 5 → 4 tolerates 1, 7 → 6 tolerates 2", () => {
    expect(targetEtcdClusterHealthy(cp(3, [0]), false, "cp-0").ok).toBe(true);
    expect(targetEtcdClusterHealthy(cp(3, [0, 1]), false, "cp-0").ok).toBe(false);
    expect(targetEtcdClusterHealthy(cp(5, [0, 1]), false, "cp-0").ok).toBe(true);
    expect(targetEtcdClusterHealthy(cp(5, [0, 1, 2]), false, "cp-0").ok).toBe(false);
    expect(targetEtcdClusterHealthy(cp(7, [0, 1, 2]), false, "cp-0").ok).toBe(true);
    expect(targetEtcdClusterHealthy(cp(7, [0, 1, 2, 3]), false, "cp-0").ok).toBe(false);
  });

  it("refuses while a learner is in the target, and counts an unnamed member as an unhealthy learner", () => {
    const s = cp(3, []);
    expect(
      targetEtcdClusterHealthy({ ...s, etcdMembers: [...s.etcdMembers, member("cp-3", true)] }, false, "cp-0")
        .ok,
    ).toBe(false);
    const r = targetEtcdClusterHealthy({ ...s, etcdMembers: [...s.etcdMembers, member("")] }, false, "");
    expect(r).toMatchObject({ ok: false, learnerMembers: 1, unhealthyMembers: 1 });
  });

  it("assumes an added member unhealthy unless the cluster has at most one member", () => {
    expect(targetEtcdClusterHealthy(cp(1, []), true, "").ok).toBe(true);
    expect(targetEtcdClusterHealthy(cp(2, []), true, "")).toMatchObject({
      ok: true,
      votingMembers: 3,
      unhealthyMembers: 1,
    });
    expect(targetEtcdClusterHealthy(cp(2, [1]), true, "").ok).toBe(false);
  });

  it("treats a member without a Machine as healthy unless it has alarms", () => {
    const s = cp(3, []);
    const orphan = { ...s, machines: s.machines.slice(1) };
    expect(targetEtcdClusterHealthy(orphan, false, "cp-1").ok).toBe(true);
    const alarmed = {
      ...orphan,
      etcdMembers: orphan.etcdMembers.map((m) => (m.name === "cp-0" ? { ...m, alarms: ["NOSPACE"] } : m)),
    };
    expect(targetEtcdClusterHealthy(alarmed, false, "cp-1").ok).toBe(false);
  });

  it("needs one Machine with every control-plane component healthy after the change", () => {
    expect(targetControlPlaneComponentsHealthy(cp(3, [0, 1]), false, "cp-0")).toBe(true);
    expect(targetControlPlaneComponentsHealthy(cp(3, [0, 1]), false, "cp-2")).toBe(false);
    expect(targetControlPlaneComponentsHealthy({ ...cp(1, []), machines: [] }, true, "")).toBe(true);
  });
});
