/**
 * The Cluster API controllers end to end over a test double of the workload cluster
 * (fake-workload.ts): remediation of workers and control planes, KCP's etcd handling, blind
 * controllers, self-hosted placement, and the infrastructure providers.
 */
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import { harness } from "./harness.js";

const at = (r: TraceRecord | undefined) => r?.t ?? Number.POSITIVE_INFINITY;
const find = (rs: readonly TraceRecord[], pred: (r: TraceRecord) => boolean) => rs.find(pred);

describe("worker Machine remediation (MachineSet)", () => {
  it("replaces a worker whose VM was deleted: marked after the 5 min Ready=Unknown timeout, deleted, then recreated under a new name", () => {
    const h = harness();
    h.sim.at(MINUTE, () => h.hypervisor.delete("worker-0", "experiment"));
    h.sim.runUntil(20 * MINUTE);
    const rs = h.memory.records;
    const marked = find(
      rs,
      (r) => r.kind === "capi.mhc" && r.event === "MachineMarkedUnhealthy" && r.machine === "worker-0",
    );
    // Unknown after the 50 s grace period, then 5 min, then ≤ 1 s requeue.
    expect(at(marked)).toBeGreaterThan(MINUTE + 50 * SECOND + 5 * MINUTE);
    expect(at(marked)).toBeLessThan(MINUTE + 50 * SECOND + 5 * MINUTE + 20 * SECOND);
    expect(marked?.message).toBe(
      "Condition Ready on Node is reporting status Unknown with reason NodeStatusUnknown for more than 5m0s",
    );
    const deleted = find(
      rs,
      (r) => r.kind === "capi.machine.phase" && r.subject === "worker-0" && r.to === "Deleted",
    );
    const nodeDeleted = find(
      rs,
      (r) => r.kind === "capi.node" && r.action === "delete" && r.subject === "worker-0",
    );
    const created = find(rs, (r) => r.kind === "capi.machine.created");
    expect(at(nodeDeleted)).toBeLessThanOrEqual(at(deleted));
    expect(at(created)).toBeGreaterThanOrEqual(at(deleted));
    expect(created?.subject).toMatch(
      /^c1-md-0-[bcdfghjklmnpqrstvwxz2456789]{5}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    expect(h.converged()).toBe(true);
  });

  it("the short-circuit (maxUnhealthy 40%) blocks remediation when two of three workers die", () => {
    const h = harness();
    const mhc = h.capi.store.list("MachineHealthCheck").find((m) => m.metadata.name.includes("md-0"))!;
    h.capi.store.update({
      ...mhc,
      spec: { ...mhc.spec, remediation: { triggerIf: { unhealthyLessThanOrEqualTo: "40%" } } },
    });
    h.sim.at(MINUTE, () => {
      h.hypervisor.delete("worker-0", "experiment");
      h.hypervisor.delete("worker-1", "experiment");
    });
    h.sim.runUntil(15 * MINUTE);
    expect(h.records("capi.machineset").filter((r) => r.action === "remediate")).toEqual([]);
    const restricted = h.records("capi.mhc").find((r) => r.event === "RemediationRestricted");
    expect(restricted?.message).toBe(
      "Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 3, unhealthy: 2, maxUnhealthy: 40%)",
    );
  });
});

describe("control-plane remediation (KubeadmControlPlane)", () => {
  it("CAPI ≥ 1.9: removes the etcd member in the pre-terminate hook, after drain and before the VM is destroyed", () => {
    const h = harness({ settings: { version: "1.13" } });
    h.sim.at(MINUTE, () => h.hypervisor.delete("cp-0", "experiment"));
    h.sim.runUntil(25 * MINUTE);
    const rs = h.memory.records;
    const drained = find(rs, (r) => r.kind === "capi.node" && r.action === "drain" && r.subject === "cp-0");
    const removed = find(rs, (r) => r.kind === "capi.kcp" && r.action === "removeMember");
    const destroyed = find(
      rs,
      (r) => r.kind === "capi.infra" && r.action === "destroy" && r.subject === "cp-0",
    );
    expect(at(drained)).toBeLessThan(at(removed));
    expect(at(removed)).toBeLessThan(at(destroyed));
    const learner = find(rs, (r) => r.kind === "kubeadm.join" && String(r.message).includes("as a learner"));
    const promoted = find(
      rs,
      (r) => r.kind === "kubeadm.join" && String(r.message).includes("Promoted learner"),
    );
    expect(at(learner)).toBeLessThan(at(promoted));
    expect(h.converged()).toBe(true);
    expect(h.workload.members.map((m) => m.name)).not.toContain("cp-0");
  });

  it("CAPI 1.8: removes the etcd member before deleting the Machine", () => {
    const h = harness({ settings: { version: "1.8" } });
    h.sim.at(MINUTE, () => h.hypervisor.delete("cp-1", "experiment"));
    h.sim.runUntil(25 * MINUTE);
    const rs = h.memory.records;
    const removed = find(rs, (r) => r.kind === "capi.kcp" && r.action === "removeMember");
    const deleting = find(
      rs,
      (r) => r.kind === "capi.machine.phase" && r.subject === "cp-1" && r.to === "Deleting",
    );
    expect(at(removed)).toBeLessThanOrEqual(at(deleting));
    expect(removed?.message).toContain("before deleting the Machine");
    expect(h.converged()).toBe(true);
  });

  it("refuses to remediate when two of three control planes are gone (etcd quorum would be lost)", () => {
    const h = harness();
    h.sim.at(MINUTE, () => {
      h.hypervisor.delete("cp-0", "experiment");
      h.hypervisor.delete("cp-1", "experiment");
    });
    h.sim.runUntil(20 * MINUTE);
    expect(h.records("capi.kcp").filter((r) => r.action === "remediate")).toEqual([]);
    const blocked = h.records("capi.kcp").find((r) => r.action === "blocked");
    expect(blocked?.message).toContain("CannotBeRemediated");
    expect(h.capi.store.list("Machine").filter((m) => m.metadata.deletionTimestampUs !== undefined)).toEqual(
      [],
    );
  });
});

describe("blind controllers and placement", () => {
  it("does not remediate while the workload API is unreachable, and does once it is back", () => {
    const h = harness();
    h.sim.at(30 * SECOND, () => {
      h.workload.apiUp = false;
    });
    h.sim.at(MINUTE, () => h.hypervisor.delete("worker-1", "experiment"));
    h.sim.at(15 * MINUTE, () => {
      h.workload.apiUp = true;
    });
    h.sim.runUntil(30 * MINUTE);
    const lost = h.records("capi.clusterCache").find((r) => r.connected === false);
    // 5 failed probes, 10 s apart.
    expect(at(lost)).toBeGreaterThanOrEqual(30 * SECOND + 40 * SECOND);
    expect(at(lost)).toBeLessThanOrEqual(30 * SECOND + 65 * SECOND);
    const marked = h.records("capi.mhc").find((r) => r.event === "MachineMarkedUnhealthy");
    expect(at(marked)).toBeGreaterThan(15 * MINUTE);
    expect(at(marked)).toBeLessThan(17 * MINUTE);
    expect(h.converged()).toBe(true);
  });

  it("self-hosted: the controllers stop when the workload cluster loses quorum and come back with it", () => {
    const h = harness({ settings: { placement: "self-hosted" } });
    h.sim.at(MINUTE, () => {
      h.hypervisor.powerOff("cp-0", "experiment");
      h.hypervisor.powerOff("cp-1", "experiment");
    });
    h.sim.at(10 * MINUTE, () => h.hypervisor.powerOn("cp-0", "experiment"));
    h.sim.runUntil(14 * MINUTE);
    const changes = h.records("capi.controllers");
    expect(changes.slice(0, 2).map((r) => r.running)).toEqual([false, true]);
    expect(at(changes[0])).toBeGreaterThanOrEqual(MINUTE + 10 * SECOND);
    expect(at(changes[0])).toBeLessThan(MINUTE + 30 * SECOND);
    expect(at(changes[1])).toBeGreaterThan(10 * MINUTE);
  });
});

describe("infrastructure providers", () => {
  it("CAPV powers a VM powered off out of band back on at its next resync (no vCenter watch)", () => {
    const h = harness({ settings: { mhcEnabled: false } });
    h.sim.at(MINUTE, () => h.hypervisor.powerOff("worker-2", "experiment"));
    h.sim.runUntil(25 * MINUTE);
    const on = h.records("vm.power").find((r) => r.subject === "worker-2" && r.to === "poweredOn" && r.t > 0);
    expect(on?.reason).toBe("capv");
    expect(at(on)).toBeGreaterThan(MINUTE);
    expect(at(on)).toBeLessThan(MINUTE + 11 * MINUTE + 5 * SECOND);
    expect(h.records("capi.machine.created")).toEqual([]);
  });

  it("CAPV does not re-clone a VM deleted out of band", () => {
    const h = harness({ settings: { mhcEnabled: false } });
    h.sim.at(MINUTE, () => h.hypervisor.delete("worker-2", "experiment"));
    h.sim.runUntil(25 * MINUTE);
    expect(h.hypervisor.vm("worker-2")).toBeUndefined();
    expect(h.records("capi.infra").find((r) => r.action === "notFound")?.message).toContain(
      "Unable to find VM by BIOS UUID",
    );
  });

  it("VM Operator powers a VM back on within seconds", () => {
    const h = harness({ infra: { provider: "vmop" } });
    h.sim.at(MINUTE, () => h.hypervisor.powerOff("cp-2", "experiment"));
    h.sim.runUntil(10 * MINUTE);
    const on = h.records("vm.power").find((r) => r.subject === "cp-2" && r.to === "poweredOn" && r.t > 0);
    expect(on?.reason).toBe("vm-operator");
    expect(at(on)).toBeLessThan(MINUTE + 10 * SECOND);
    expect(h.records("capi.mhc")).toEqual([]);
  });

  it("VM Operator re-creates a deleted VM under the same name; its join fails (token long expired) and MHC still replaces the Machine", () => {
    const h = harness({ infra: { provider: "vmop" }, join: { rerunAfterUs: 15 * SECOND } });
    h.sim.at(MINUTE, () => h.hypervisor.delete("worker-0", "experiment"));
    h.sim.runUntil(25 * MINUTE);
    const again = h.records("vm.created").find((r) => r.subject === "worker-0" && r.t > MINUTE);
    expect(at(again) - MINUTE).toBeLessThan(MINUTE);
    const wait = h.records("kubeadm.join").find((r) => r.subject === "worker-0" && r.ok === false);
    expect(wait?.message).toMatch(
      /^\[discovery\] The cluster-info ConfigMap does not yet contain a JWS signature for token ID "[a-z0-9]{6}", will try again$/,
    );
    expect(h.records("capi.mhc").find((r) => r.machine === "worker-0")).toBeDefined();
    expect(h.converged()).toBe(true);
  });
});

describe("bootstrap", () => {
  it("a Machine whose join is refused never gets a Node and is remediated after nodeStartupTimeout, retry after retry", () => {
    const h = harness();
    h.workload.refuseMemberAdd = true;
    h.sim.at(MINUTE, () => h.hypervisor.delete("cp-2", "experiment"));
    h.sim.runUntil(40 * MINUTE);
    const refused = h.records("kubeadm.join").find((r) => r.ok === false);
    expect(refused?.message).toBe(
      "error execution phase control-plane-join/etcd: error creating local etcd static pod manifest file: etcdserver: unhealthy cluster",
    );
    const startup = h.records("capi.mhc").filter((r) => r.reason === "NodeStartupTimeout");
    expect(startup[0]?.message).toBe("Node failed to report startup in 10m0s");
    // The replacement's replacement inherits the remediation's retry count.
    const kcp = h.capi.store.list("KubeadmControlPlane")[0]!;
    expect(kcp.status.lastRemediation?.retryCount).toBeGreaterThanOrEqual(1);
  });

  it("a token that expired while the API was unreachable: no JWS signature, the Node never registers, nodeStartupTimeout remediates", () => {
    const h = harness({ join: { cloudInit: { kind: "constant", value: 15 * MINUTE } } });
    // TKG's templates use nodeStartupTimeout 20m (capi-kube.md §1.1).
    for (const mhc of h.capi.store.list("MachineHealthCheck")) {
      h.capi.store.update({
        ...mhc,
        spec: { ...mhc.spec, checks: { ...mhc.spec.checks, nodeStartupTimeoutUs: 20 * MINUTE } },
      });
    }
    const ms = h.capi.store.list("MachineSet")[0]!;
    h.sim.at(MINUTE, () => h.capi.store.update({ ...ms, spec: { ...ms.spec, replicas: 4 } }));
    h.sim.at(2 * MINUTE, () => {
      h.workload.apiUp = false;
    });
    h.sim.at(18 * MINUTE, () => {
      h.workload.apiUp = true;
    });
    h.sim.runUntil(40 * MINUTE);
    // CABPK cannot refresh the token while the workload API is unreachable, so it lapses.
    const refreshFailed = h.records("capi.reconcileError").find((r) => r.controller === "kubeadmconfig");
    expect(refreshFailed?.error).toBe(
      "failed to refresh bootstrap token: ErrClusterNotConnected: connection to the workload cluster is down",
    );
    const joinFailed = h
      .records("kubeadm.join")
      .find((r) => String(r.message).startsWith("error execution phase preflight"));
    expect(joinFailed?.message).toContain("could not find a JWS signature in the cluster-info ConfigMap");
    const startup = h.records("capi.mhc").find((r) => r.reason === "NodeStartupTimeout");
    expect(startup?.message).toBe("Node failed to report startup in 20m0s");
    expect(at(startup)).toBeGreaterThan(at(joinFailed));
  });

  it("refreshes a Machine's token while it has no Node, so a slow bootstrap still joins", () => {
    const h = harness({
      settings: { mhcEnabled: false },
      join: { cloudInit: { kind: "constant", value: 20 * MINUTE } },
    });
    const ms = h.capi.store.list("MachineSet")[0]!;
    h.sim.at(MINUTE, () => h.capi.store.update({ ...ms, spec: { ...ms.spec, replicas: 4 } }));
    h.sim.runUntil(30 * MINUTE);
    const refresh = h.records("capi.bootstrap").filter((r) => r.action === "refresh");
    // Checked every TTL/3 and refreshed once less than 5/6 of the TTL is left: never more than
    // 7.5 min apart, so the 15 min token never lapses.
    expect(refresh.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < refresh.length; i++)
      expect(at(refresh[i]) - at(refresh[i - 1])).toBeLessThanOrEqual(7.5 * MINUTE);
    expect(h.records("kubeadm.join").some((r) => r.phase === "done")).toBe(true);
    expect(h.converged()).toBe(true);
  });
});
