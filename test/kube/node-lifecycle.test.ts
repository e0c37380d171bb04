/**
 * The node lifecycle controller's decisions (capi-kube.md §5): Ready=False from a kubelet whose
 * runtime is down versus Ready=Unknown from a silent kubelet, the matching NoExecute taints, and no
 * mass eviction when every node is NotReady.
 */
import { describe, expect, it } from "vitest";
import type { Node } from "../../src/kube/objects/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

describe("node lifecycle controller", () => {
  it("a kubelet that reports not ready (containerd down) gives Ready=False and the not-ready taint; pods survive", () => {
    const h = kubeHarness();
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    h.services.get("worker-1")!.stop("containerd");
    h.sim.runUntil(t0 + 30 * SECOND);
    const change = h.since(t0, "kube.node.ready").find((r) => r.node === "worker-1");
    expect(change?.status).toBe("False");
    expect(change?.reason).toBe("KubeletNotReady");
    // Posted at the kubelet's next status update (every 10 s), not after a grace period.
    expect(change!.t - t0).toBeLessThanOrEqual(10 * SECOND + 100_000);
    const taint = h.since(t0, "kube.node.taint").find((r) => r.node === "worker-1");
    expect(taint?.taint).toBe("node.kubernetes.io/not-ready:NoExecute");
    // containerd's shims keep the containers running.
    expect(h.cluster.runtime("worker-1")?.size).toBe(1);
    h.services.get("worker-1")!.start("containerd");
    h.sim.runUntil(h.sim.now + 30 * SECOND);
    expect(
      h.cluster.observer.get<Node>("nodes", "worker-1")?.spec.taints.filter((t) => t.effect === "NoExecute"),
    ).toEqual([]);
  });

  it("uses the 40 s grace period before Kubernetes 1.32", () => {
    const h = kubeHarness({ set: { "kube.version": "1.31" } });
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    h.services.get("worker-2")!.stop("kubelet");
    const at = h.until(() => h.since(t0, "kube.node.ready").some((r) => r.node === "worker-2"), 2 * MINUTE);
    expect(at! - t0).toBeGreaterThanOrEqual(30 * SECOND);
    expect(at! - t0).toBeLessThanOrEqual(46 * SECOND);
  });

  it("does not taint or evict when every node is NotReady (the control plane is suspect)", () => {
    const h = kubeHarness();
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    for (const n of [...h.cps, ...h.workers]) h.services.get(n)!.stop("kubelet");
    h.sim.runUntil(t0 + 10 * MINUTE);
    const unknown = h.since(t0, "kube.node.ready").filter((r) => r.status === "Unknown");
    expect(unknown).toHaveLength(6);
    expect(h.since(t0, "kube.nodelifecycle.disruption").map((r) => r.allZonesFullyDisrupted)).toContain(true);
    // A node can be tainted in the pass before the last nodes go Unknown; the taints are lifted.
    for (const n of h.cluster.observer.objects<Node>("nodes")) {
      expect(
        n.spec.taints.filter((t) => t.effect === "NoExecute"),
        n.metadata.name,
      ).toEqual([]);
    }
    expect(h.since(t0, "kube.pod.evicting")).toEqual([]);
  });

  it("taints one node at a time at --node-eviction-rate 0.1/s when several fail together", () => {
    const h = kubeHarness({ workers: 6 });
    h.sim.runUntil(30 * SECOND);
    const t0 = h.sim.now;
    for (const w of ["worker-0", "worker-1"]) h.hypervisor.powerOff(w);
    h.sim.runUntil(t0 + 3 * MINUTE);
    const taints = h.since(t0, "kube.node.taint").filter((r) => r.on === true);
    expect(taints.map((r) => r.node).sort()).toEqual(["worker-0", "worker-1"]);
    expect(Math.abs(taints[1]!.t - taints[0]!.t)).toBeGreaterThanOrEqual(9.9 * SECOND);
  });
});
