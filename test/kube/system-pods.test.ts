/**
 * Add-on Deployments (`kube.systemDeployments`) on the Kubernetes layer with the fake etcd: where
 * they start, and how the scheduler places their replacements by tolerations, nodeSelector and
 * required anti-affinity (CAPV's vSphere CSI controller keeps one replica per control plane).
 */
import { describe, expect, it } from "vitest";
import { isMirrorPod } from "../../src/kube/node/mirror-pods.js";
import type { Pod } from "../../src/kube/objects/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

function capvAddOns() {
  return kubeHarness({ set: { "kube.systemDeployments": "capv" } });
}
type H = ReturnType<typeof capvAddOns>;

/** The add-on pods of a namespace (not the control planes' mirror pods). */
const inNamespace = (h: H, ns: string) =>
  h.cluster.observer.objects<Pod>("pods").filter((p) => p.metadata.namespace === ns && !isMirrorPod(p));
const live = (pods: Pod[]) =>
  pods.filter((p) => p.status.phase === "Running" && p.metadata.deletionTimestampUs === undefined);

function deletePod(h: H, p: Pod): void {
  h.cluster
    .adminClient()
    .request(
      { verb: "delete", resource: "pods", namespace: p.metadata.namespace, name: p.metadata.name },
      () => {},
    );
}

describe("add-on Deployments", () => {
  it("start on the control planes: CoreDNS twice on the first, one CSI controller per control plane", () => {
    const h = capvAddOns();
    h.sim.runUntil(10 * SECOND);
    expect(live(inNamespace(h, "kube-system")).map((p) => p.spec.nodeName)).toEqual(["cp-0", "cp-0"]);
    expect(
      live(inNamespace(h, "vmware-system-csi"))
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(["cp-0", "cp-1", "cp-2"]);
    // The workload's pod counts ignore them.
    expect(h.cluster.observer.podCounts.total).toBe(3);
    h.kubectl.get("pods", true, true);
    h.sim.runUntil(11 * SECOND);
    const out = String(h.lastKubectl()?.output);
    expect(out).toMatch(/^\s*NAMESPACE\s+NAME\s+READY\s+STATUS/);
    expect(out).toMatch(/kube-system\s+coredns-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.\d+\s+cp-0/);
    expect(out).toMatch(
      /vmware-system-csi\s+vsphere-csi-controller-\S+\s+7\/7\s+Running\s+0\s+\S+\s+\S+\s+cp-2/,
    );
  });

  it("a deleted CSI controller comes back on the control plane it left, never on a worker", () => {
    const h = capvAddOns();
    h.sim.runUntil(10 * SECOND);
    const victim = live(inNamespace(h, "vmware-system-csi")).find((p) => p.spec.nodeName === "cp-1")!;
    deletePod(h, victim);
    const back = h.until(() => {
      const pods = live(inNamespace(h, "vmware-system-csi"));
      return pods.length === 3 && !pods.some((p) => p.metadata.uid === victim.metadata.uid);
    }, MINUTE);
    expect(back).toBeDefined();
    expect(
      live(inNamespace(h, "vmware-system-csi"))
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(["cp-0", "cp-1", "cp-2"]);
  });

  it("a replica that fits nowhere waits with the scheduler's reasons, and runs once a node frees up", () => {
    const h = capvAddOns();
    h.sim.runUntil(10 * SECOND);
    h.kubectl.cordon("cp-1");
    h.sim.runUntil(12 * SECOND);
    const victim = live(inNamespace(h, "vmware-system-csi")).find((p) => p.spec.nodeName === "cp-1")!;
    const t0 = h.sim.now;
    deletePod(h, victim);
    h.sim.runUntil(t0 + 20 * SECOND);
    const why = h.since(t0, "kube.pod.unschedulable").map((r) => r.message);
    expect(why.at(-1)).toBe(
      "0/6 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules, 3 node(s) didn't match Pod's node affinity/selector.",
    );
    expect(live(inNamespace(h, "vmware-system-csi"))).toHaveLength(2);
    h.kubectl.cordon("cp-1", false);
    const placed = h.until(() => live(inNamespace(h, "vmware-system-csi")).length === 3, MINUTE);
    expect(placed).toBeDefined();
    expect(placed! - t0 - 20 * SECOND).toBeLessThan(10 * SECOND);
    expect(live(inNamespace(h, "vmware-system-csi")).some((p) => p.spec.nodeName === "cp-1")).toBe(true);
  });

  it("CoreDNS evicted from a dead control plane moves to the least loaded live nodes", () => {
    const h = kubeHarness({ set: { "kube.systemDeployments": "coredns" } });
    h.sim.runUntil(10 * SECOND);
    h.hypervisor.powerOff("cp-0");
    const moved = h.until(() => {
      const pods = live(inNamespace(h, "kube-system")).filter((p) => p.spec.nodeName !== "cp-0");
      return pods.length === 2;
    }, 10 * MINUTE);
    expect(moved).toBeDefined();
    // 50 s grace + 300 s toleration of the unreachable taint, then a few seconds to start.
    expect(moved!).toBeGreaterThan(5 * MINUTE);
    // The scheduler spreads them over the nodes with the fewest pods: the workers (one nginx pod
    // each), not the live control planes, which run three static pods each (their mirror pods).
    const nodes = live(inNamespace(h, "kube-system")).map((p) => p.spec.nodeName);
    expect(new Set(nodes).size).toBe(2);
    expect(nodes.every((n) => n.startsWith("worker-"))).toBe(true);
  });

  it("two pending replicas with required anti-affinity never land on one node, even when bound back to back", () => {
    const h = capvAddOns();
    h.sim.runUntil(10 * SECOND);
    h.kubectl.cordon("cp-1");
    h.kubectl.cordon("cp-2");
    h.sim.runUntil(12 * SECOND);
    for (const p of inNamespace(h, "vmware-system-csi").filter((p) => p.spec.nodeName !== "cp-0"))
      deletePod(h, p);
    h.sim.runUntil(40 * SECOND);
    // Both replacements are pending (cp-0 has one already, cp-1/cp-2 are cordoned): uncordon one node.
    expect(inNamespace(h, "vmware-system-csi").filter((p) => p.spec.nodeName === "")).toHaveLength(2);
    h.kubectl.cordon("cp-1", false);
    h.sim.runUntil(2 * MINUTE);
    const placed = live(inNamespace(h, "vmware-system-csi")).map((p) => p.spec.nodeName);
    expect(placed.filter((n) => n === "cp-1")).toHaveLength(1);
    expect(placed.sort()).toEqual(["cp-0", "cp-1"]);
    // The other one still waits, with the scheduler's reason.
    const waiting = inNamespace(h, "vmware-system-csi").filter((p) => p.spec.nodeName === "");
    expect(waiting).toHaveLength(1);
  });
});
