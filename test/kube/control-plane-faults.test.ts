/**
 * Control-plane behaviour under etcd faults, on the fake etcd: seed 000's rule (an apiserver whose
 * local etcd member is down is unready even while quorum holds, and HAProxy marks it DOWN), the
 * kubeadm liveness probe restarting such an apiserver, and kube-vip dropping the VIP without quorum.
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../../src/sim/time.js";
import { kubeHarness, vipHolderPoweredOff } from "./harness.js";

describe("an etcd member down under a stacked apiserver (seed 000)", () => {
  it("makes that apiserver unready and its HAProxy backend DOWN after fall × inter, while the API stays up", () => {
    const h = kubeHarness();
    h.sim.runUntil(60 * SECOND);
    const t0 = h.sim.now;
    h.etcd.stop("cp-1");
    h.sim.runUntil(t0 + 90 * SECOND);
    const unready = h
      .since(t0, "kube.apiserver.ready")
      .find((r) => r.subject === "cp-1" && r.ready === false);
    expect(unready).toBeDefined();
    expect(unready!.t - t0).toBeLessThanOrEqual(12 * SECOND);
    const down = h
      .since(t0, "lb.backend")
      .find((r) => r.subject === "kube_api_backend/cp-1" && r.to === "DOWN");
    expect(down).toBeDefined();
    // Three failed checks 10 s apart: the third comes 20 s after the first.
    expect(down!.t - unready!.t).toBeGreaterThanOrEqual(19 * SECOND);
    expect(down!.t - unready!.t).toBeLessThanOrEqual(22 * SECOND);
    expect(String(down!.message)).toContain("Layer7 wrong status, code: 500");
    expect(h.lb?.snapshot().map((b) => [b.name, b.status])).toEqual([
      ["cp-0", "UP"],
      ["cp-1", "DOWN"],
      ["cp-2", "UP"],
    ]);
    expect(h.since(t0, "kube.api.probe")).toEqual([]);
  });

  it("gets the apiserver restarted by its liveness probe after 8 failed /livez checks 10 s apart", () => {
    const h = kubeHarness();
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    h.etcd.stop("cp-2");
    h.sim.runUntil(t0 + 5 * 60 * SECOND);
    const kills = h
      .since(t0, "kube.container")
      .filter((r) => r.subject === "cp-2/kube-apiserver" && r.event === "killed");
    expect(kills.length).toBeGreaterThanOrEqual(1);
    // capi-kube.md §5 (~80–90 s): 8 failed probes 10 s apart, counted from the first probe after
    // the stop (0–10 s later), plus the probe's own duration (at most the 2 s etcd check here).
    expect(kills[0]!.t - t0).toBeGreaterThanOrEqual(70 * SECOND);
    expect(kills[0]!.t - t0).toBeLessThanOrEqual(82 * SECOND);
    expect(String(kills[0]!.reason)).toBe("Liveness probe failed: HTTP probe failed with statuscode: 500");
    // Other control planes are not touched.
    expect(h.since(t0, "kube.container").filter((r) => r.node !== "cp-2")).toEqual([]);
    h.etcd.start("cp-2");
    h.sim.runUntil(h.sim.now + 5 * 60 * SECOND);
    expect(h.cluster.apiservers.get("cp-2")?.healthy).toBe(true);
  });
});

describe("kube-vip without etcd quorum", () => {
  it("drops the VIP within the renew deadline and nobody takes it until quorum returns", () => {
    const h = kubeHarness({ set: { "kube.endpoint": "kube-vip" } });
    h.sim.runUntil(30 * SECOND);
    expect(h.cluster.vip?.holder).toBe("cp-0");
    const t0 = h.sim.now;
    h.etcd.stop("cp-1");
    h.etcd.stop("cp-2");
    h.sim.runUntil(t0 + 60 * SECOND);
    const released = h.since(t0, "kube.vip").find((r) => r.holder === "");
    expect(released).toBeDefined();
    // The renew cycle after the last success (≤ 2 s before the stop) gives up 10 s after it began.
    expect(released!.t - t0).toBeGreaterThanOrEqual(10 * SECOND);
    expect(released!.t - t0).toBeLessThanOrEqual(12 * SECOND + 100_000);
    expect(h.cluster.vip?.holder).toBeUndefined();
    const apiDown = h.since(t0, "kube.api.probe").find((r) => r.ok === false);
    expect(String(apiDown?.message)).toMatch(/etcdserver: request timed out|i\/o timeout|deadline/);
    h.kubectl.get("nodes");
    h.sim.runUntil(h.sim.now + 40 * SECOND);
    expect(h.lastKubectl()?.output).toBe(
      "Unable to connect to the server: dial tcp 192.168.3.100:6443: i/o timeout",
    );
    // Pods keep serving: the data plane does not need the API.
    expect(h.cluster.serviceCheck()?.ok).toBe(true);
    const t1 = h.sim.now;
    h.etcd.start("cp-1");
    h.sim.runUntil(t1 + 60 * SECOND);
    expect(h.cluster.vip?.holder).toBeDefined();
    expect(h.since(t1, "kube.api.probe").at(-1)?.ok).toBe(true);
  });
});

describe("external etcd topology", () => {
  it("keeps every apiserver ready when one member is down, since each talks to all members", () => {
    const h = kubeHarness({ set: { "kube.etcdTopology": "external" } });
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    h.etcd.stop("cp-1");
    h.sim.runUntil(t0 + 90 * SECOND);
    expect(h.since(t0, "kube.apiserver.ready", "lb.backend")).toEqual([]);
    expect(h.lb?.upCount).toBe(3);
  });
});

describe("kube-vip failover", () => {
  it("moves the VIP to another control plane about one lease duration after its holder's VM dies", () => {
    const { h, t0, moved } = vipHolderPoweredOff();
    expect(moved).toBeDefined();
    // Candidates take the lease once it is unchanged for 15 s on their clock, trying every 2–4.4 s.
    expect(moved! - t0).toBeGreaterThanOrEqual(13 * SECOND);
    expect(moved! - t0).toBeLessThanOrEqual(20 * SECOND);
    h.sim.runUntil(moved! + 10 * SECOND);
    expect(h.since(moved!, "kube.api.probe").at(-1)?.ok ?? true).toBe(true);
  });
});
