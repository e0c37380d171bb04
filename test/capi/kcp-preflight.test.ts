import { describe, expect, it } from "vitest";
import type { ControlPlaneState } from "../../src/capi/kcp/control-plane-state.js";
import { decideEtcdMemberSync } from "../../src/capi/kcp/etcd-member-sync.js";
import { decidePreTerminate } from "../../src/capi/kcp/pre-terminate.js";
import { preflightChecks } from "../../src/capi/kcp/preflight.js";
import type { Machine } from "../../src/capi/objects/machine.js";
import { capiFeatures } from "../../src/capi/version.js";
import { SECOND } from "../../src/sim/time.js";
import { cond, healthyCpConditions, machine, unhealthyCpConditions } from "./helpers.js";

const state = (machines: Machine[], leader = "cp-1"): ControlPlaneState => ({
  machines,
  etcdMembers: machines
    .filter((m) => m.status.nodeRef)
    .map((m) => ({ id: m.metadata.name, name: m.metadata.name, isLearner: false, alarms: [] })),
  etcdLeader: leader,
  nodeListError: false,
});
const healthy = (n: string) => machine(n, { controlPlane: true, conditions: healthyCpConditions() });
const HOOK = "pre-terminate.delete.hook.machine.cluster.x-k8s.io/kcp-cleanup";

describe("KCP scale-up preflight", () => {
  it("waits 30 s while any Machine is deleting, 15 s while one is unhealthy", () => {
    const deleting = machine("cp-0", { controlPlane: true, deleting: 1, conditions: healthyCpConditions() });
    expect(
      preflightChecks(state([deleting, healthy("cp-1")]), true, false, capiFeatures("1.13")),
    ).toMatchObject({
      ok: false,
      requeueAfterUs: 30 * SECOND,
    });
    const r = preflightChecks(
      state([machine("cp-0", { controlPlane: true, conditions: unhealthyCpConditions() }), healthy("cp-1")]),
      true,
      false,
      capiFeatures("1.13"),
    );
    expect(r).toMatchObject({ ok: false, requeueAfterUs: 15 * SECOND });
    expect(r.ok ? [] : r.messages).toContain(
      "Machine cp-0 reports APIServerPodHealthy condition is unknown ()",
    );
    expect(
      preflightChecks(state([healthy("cp-0"), healthy("cp-1")]), true, false, capiFeatures("1.13")),
    ).toEqual({ ok: true });
  });

  it("from CAPI 1.13 lets a replacement in while remediating if the projection with one more Machine holds (issue #10125)", () => {
    const five = ["cp-0", "cp-1", "cp-2", "cp-3"].map((n, i) =>
      i === 0 ? machine(n, { controlPlane: true, conditions: unhealthyCpConditions() }) : healthy(n),
    );
    const s = state(five);
    expect(preflightChecks(s, true, true, capiFeatures("1.12")).ok).toBe(false);
    expect(preflightChecks(s, true, true, capiFeatures("1.13")).ok).toBe(true);
    expect(preflightChecks(s, true, false, capiFeatures("1.13")).ok).toBe(false);
  });
});

describe("KCP pre-terminate hook", () => {
  const deleting = (name: string, reason: string, at = 1) => {
    const m = machine(name, {
      controlPlane: true,
      deleting: at,
      annotations: { [HOOK]: "" },
      conditions: [...unhealthyCpConditions(), cond("Deleting", "True", at, reason)],
    });
    return m;
  };

  it("waits until the Machine reached the hook (drain done), then removes the member, moving leadership if needed", () => {
    const s1 = state([deleting("cp-0", "DrainingNode"), healthy("cp-1"), healthy("cp-2")], "cp-0");
    expect(decidePreTerminate(s1, true)).toMatchObject({ kind: "wait" });
    const s2 = state(
      [deleting("cp-0", "WaitingForPreTerminateHook"), healthy("cp-1"), healthy("cp-2")],
      "cp-0",
    );
    expect(decidePreTerminate(s2, true)).toMatchObject({
      kind: "removeMember",
      member: "cp-0",
      forwardLeadershipTo: ["cp-1", "cp-2"],
    });
  });

  it("waits instead of removing a member when quorum would be lost", () => {
    const s = state(
      [
        deleting("cp-0", "WaitingForPreTerminateHook"),
        machine("cp-1", { controlPlane: true, conditions: unhealthyCpConditions() }),
        healthy("cp-2"),
      ],
      "cp-2",
    );
    expect(decidePreTerminate(s, true)).toMatchObject({
      kind: "wait",
      message: expect.stringContaining("etcd quorum loss"),
    });
  });

  it("lets other pre-terminate hooks go first on Kubernetes ≥ 1.31", () => {
    const m = deleting("cp-0", "WaitingForPreTerminateHook");
    const other = {
      ...m,
      metadata: {
        ...m.metadata,
        annotations: {
          ...m.metadata.annotations,
          "pre-terminate.delete.hook.machine.cluster.x-k8s.io/backup": "",
        },
      },
    };
    expect(decidePreTerminate(state([other, healthy("cp-1"), healthy("cp-2")]), true)).toMatchObject({
      kind: "wait",
    });
    expect(decidePreTerminate(state([other, healthy("cp-1"), healthy("cp-2")]), false)).toMatchObject({
      kind: "removeMember",
    });
  });
});

describe("KCP etcd member sync", () => {
  it("removes a member without a Machine only when nothing is provisioning", () => {
    const s = state([healthy("cp-1"), healthy("cp-2")]);
    const withOrphan = {
      ...s,
      etcdMembers: [...s.etcdMembers, { id: "x", name: "cp-0", isLearner: false, alarms: [] }],
    };
    expect(decideEtcdMemberSync(withOrphan, false)).toMatchObject({
      kind: "remove",
      member: { name: "cp-0" },
    });
    expect(decideEtcdMemberSync(withOrphan, true)).toEqual({ kind: "nothing" });
    const provisioning = {
      ...withOrphan,
      machines: [...withOrphan.machines, machine("cp-3", { controlPlane: true, node: false })],
    };
    expect(decideEtcdMemberSync(provisioning, false)).toMatchObject({ kind: "wait" });
  });
});
