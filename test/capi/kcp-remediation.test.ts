import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ControlPlaneState, EtcdMemberView } from "../../src/capi/kcp/control-plane-state.js";
import { compareForRemediation, leadershipCandidates } from "../../src/capi/kcp/pick.js";
import { decideRemediation } from "../../src/capi/kcp/remediation.js";
import { formatRemediationData } from "../../src/capi/kcp/remediation-data.js";
import { checkRetryLimits } from "../../src/capi/kcp/retry-limits.js";
import { DEFAULT_KCP_REMEDIATION, newKubeadmControlPlane } from "../../src/capi/objects/build.js";
import type { Condition } from "../../src/capi/objects/conditions.js";
import type { KubeadmControlPlane } from "../../src/capi/objects/kubeadm-control-plane.js";
import type { Machine } from "../../src/capi/objects/machine.js";
import { capiFeatures } from "../../src/capi/version.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { cond, healthyCpConditions, machine, unhealthyCpConditions } from "./helpers.js";

const v113 = capiFeatures("1.13");
const v18 = capiFeatures("1.8");
const member = (name: string, isLearner = false): EtcdMemberView => ({
  id: `id-${name}`,
  name,
  isLearner,
  alarms: [],
});
const kcp = (init: Partial<Parameters<typeof newKubeadmControlPlane>[0]> = {}): KubeadmControlPlane =>
  newKubeadmControlPlane({ name: "kcp", clusterName: "c1", replicas: 3, nowUs: 0, ...init });

function state(machines: Machine[], leader = "cp-1", members?: EtcdMemberView[]): ControlPlaneState {
  return {
    machines,
    etcdMembers:
      members ?? machines.filter((m) => m.status.nodeRef).map((m) => member(m.status.nodeRef!.name)),
    etcdLeader: leader,
    nodeListError: false,
  };
}
const healthy = (name: string, createdAt = 0) =>
  machine(name, { controlPlane: true, createdAt, conditions: healthyCpConditions() });
const sick = (name: string, createdAt = 0) =>
  machine(name, { controlPlane: true, createdAt, conditions: unhealthyCpConditions() });

describe("KCP remediation decision", () => {
  it("remediates one unhealthy of three, moving etcd leadership first when it leads", () => {
    const s = state([sick("cp-0"), healthy("cp-1", 1), healthy("cp-2", 2)], "cp-0");
    const d = decideRemediation(kcp(), s, MINUTE, v113);
    expect(d).toMatchObject({
      kind: "remediate",
      machine: "cp-0",
      forwardLeadership: { from: "cp-0", candidates: ["cp-2", "cp-1"] },
    });
    expect(d.kind === "remediate" && d.removeEtcdMemberFirst).toBeFalsy();
  });

  it("removes the etcd member before deleting with CAPI ≤ 1.8", () => {
    const s = state([sick("cp-0"), healthy("cp-1", 1), healthy("cp-2", 2)], "cp-1");
    expect(decideRemediation(kcp(), s, MINUTE, v18)).toMatchObject({
      kind: "remediate",
      removeEtcdMemberFirst: "cp-0",
    });
  });

  it("refuses when it would lose etcd quorum (two of three down)", () => {
    const s = state([sick("cp-0"), sick("cp-1", 1), healthy("cp-2", 2)], "cp-2");
    expect(decideRemediation(kcp(), s, MINUTE, v113)).toMatchObject({
      kind: "blocked",
      reason: "CannotBeRemediated",
      message:
        "KubeadmControlPlane can't remediate this Machine because this could result in loosing Kubernetes control plane components or in etcd quorum loss",
    });
  });

  it("refuses with ≤ 1 Machine, a Machine deleting, or a healthy Machine still provisioning", () => {
    expect(decideRemediation(kcp({ replicas: 1 }), state([sick("cp-0")]), 0, v113)).toMatchObject({
      kind: "blocked",
      reason: "CannotBeRemediated",
      message: "KubeadmControlPlane can't remediate if current replicas are less or equal to 1",
    });
    const deleting = machine("cp-2", { controlPlane: true, deleting: 5, conditions: healthyCpConditions() });
    expect(decideRemediation(kcp(), state([sick("cp-0"), healthy("cp-1"), deleting]), 0, v113)).toMatchObject(
      {
        kind: "blocked",
        reason: "RemediationDeferred",
      },
    );
    const provisioning = machine("cp-3", { controlPlane: true, node: false });
    expect(
      decideRemediation(
        kcp(),
        state([sick("cp-0"), healthy("cp-1"), healthy("cp-2"), provisioning]),
        0,
        v113,
      ),
    ).toMatchObject({
      kind: "blocked",
      message:
        "KubeadmControlPlane waiting for control plane Machine provisioning to complete before triggering remediation",
    });
  });

  it("refuses without an etcd member list, and while a learner is present", () => {
    const ms = [sick("cp-0"), healthy("cp-1"), healthy("cp-2")];
    expect(decideRemediation(kcp(), { ...state(ms), etcdMembers: [] }, 0, v113)).toMatchObject({
      kind: "blocked",
      message: "Failed to check etcd cluster health before remediation",
    });
    const withLearner = state(ms, "cp-1", [...ms.map((m) => member(m.metadata.name)), member("cp-3", true)]);
    expect(decideRemediation(kcp(), withLearner, 0, v113)).toMatchObject({
      kind: "blocked",
      reason: "CannotBeRemediated",
    });
  });

  it("skips while another remediation is in progress, and drops a stale in-progress annotation", () => {
    const ms = [sick("cp-0"), healthy("cp-1", 10), healthy("cp-2", 20)];
    const busy = kcp();
    const withNote = (ts: number) => ({
      ...busy,
      metadata: {
        ...busy.metadata,
        annotations: {
          "controlplane.cluster.x-k8s.io/remediation-in-progress": formatRemediationData({
            machine: "x",
            timestampUs: ts,
            retryCount: 0,
          }),
        },
      },
    });
    expect(decideRemediation(withNote(100), state(ms), 200, v113)).toMatchObject({
      kind: "none",
      why: "Another remediation is already in progress",
    });
    expect(decideRemediation(withNote(15), state(ms), 200, v113)).toMatchObject({
      kind: "remediate",
      dropStaleInProgress: true,
    });
  });

  it("does not apply the initialized-only checks before the control plane is initialized", () => {
    expect(
      decideRemediation(kcp({ initialized: false, replicas: 1 }), state([sick("cp-0")]), 0, v113),
    ).toMatchObject({
      kind: "remediate",
      machine: "cp-0",
    });
  });

  it("property: never deletes a Machine when that would lose etcd quorum", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 3, 5, 7),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 6 }),
        (n, etcdOk, marked, learner, leaderIdx) => {
          const ms = Array.from({ length: n }, (_, i) => {
            const conds: Condition[] = [
              ...healthyCpConditions().filter(
                (c) => c.type !== "EtcdMemberHealthy" && c.type !== "HealthCheckSucceeded",
              ),
              cond("EtcdMemberHealthy", etcdOk[i] ? "True" : "Unknown"),
              ...(marked[i]
                ? [cond("HealthCheckSucceeded", "False"), cond("OwnerRemediated", "False")]
                : [cond("HealthCheckSucceeded", "True")]),
            ];
            return machine(`cp-${i}`, { controlPlane: true, createdAt: i, conditions: conds });
          });
          const members = ms.map((m) => member(m.metadata.name));
          if (learner) members.push(member("cp-new", true));
          const s = state(ms, `cp-${leaderIdx % n}`, members);
          const d = decideRemediation(kcp({ replicas: n }), s, MINUTE, v113);
          if (d.kind !== "remediate") return;
          const rest = ms.filter((m) => m.metadata.name !== d.machine);
          const voters = rest.length;
          const alive = rest.filter((m) =>
            m.status.conditions.some((c) => c.type === "EtcdMemberHealthy" && c.status === "True"),
          ).length;
          expect(learner).toBe(false);
          expect(alive).toBeGreaterThanOrEqual(Math.floor(voters / 2) + 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("KCP pick order", () => {
  it("remediates the most broken first: annotation, then no Node, then etcd, then the oldest", () => {
    const noNode = machine("b", { controlPlane: true, node: false, createdAt: 5 });
    const etcdBad = machine("c", {
      controlPlane: true,
      createdAt: 1,
      conditions: [cond("EtcdMemberHealthy", "False")],
    });
    const old = machine("d", { controlPlane: true, createdAt: 0, conditions: healthyCpConditions() });
    const annotated = machine("a", {
      controlPlane: true,
      createdAt: 9,
      annotations: { "cluster.x-k8s.io/remediate-machine": "" },
    });
    const sorted = [old, etcdBad, noNode, annotated].sort(compareForRemediation).map((m) => m.metadata.name);
    expect(sorted).toEqual(["a", "b", "c", "d"]);
  });

  it("moves leadership to etcd-healthy, MHC-healthy, newest Machines first", () => {
    const leaving = healthy("cp-0");
    const cands = leadershipCandidates(
      [
        leaving,
        healthy("cp-1", 1),
        healthy("cp-2", 2),
        machine("cp-3", { controlPlane: true, createdAt: 3 }),
      ],
      leaving,
    );
    expect(cands.map((m) => m.metadata.name)).toEqual(["cp-2", "cp-1", "cp-3"]);
  });
});

describe("KCP retry limits", () => {
  const spec = { ...DEFAULT_KCP_REMEDIATION, retryPeriodUs: 5 * MINUTE, maxRetry: 2 };
  it("starts a new sequence after minHealthyPeriod and carries the count within it", () => {
    expect(checkRetryLimits("m", undefined, spec, 0)).toMatchObject({
      allowed: true,
      data: { retryCount: 0 },
    });
    const last = { machine: "old", timestampUs: 0, retryCount: 1 };
    expect(checkRetryLimits("m", last, spec, 2 * MINUTE)).toMatchObject({
      allowed: false,
      reason: "RemediationDeferred",
    });
    expect(checkRetryLimits("m", last, spec, 6 * MINUTE)).toMatchObject({
      allowed: true,
      data: { retryCount: 2 },
    });
    expect(checkRetryLimits("m", { ...last, retryCount: 2 }, spec, 6 * MINUTE)).toMatchObject({
      allowed: false,
      reason: "CannotBeRemediated",
      message:
        "KubeadmControlPlane can't remediate this machine because the operation already failed 2 times (MaxRetry)",
    });
    expect(checkRetryLimits("m", { ...last, retryCount: 9 }, spec, 61 * MINUTE + SECOND)).toMatchObject({
      allowed: true,
      data: { retryCount: 0 },
    });
  });
});
