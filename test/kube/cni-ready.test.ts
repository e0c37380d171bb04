/**
 * A node that joins during a run is NotReady ("cni plugin not initialized") until its CNI agent has
 * started (`kube.cni.startDuration`), and runs no pods before; a node that had its pod network keeps
 * it across kubelet restarts.
 */
import { describe, expect, it } from "vitest";
import { ServiceManager } from "../../src/infra/services.js";
import { desiredConditions } from "../../src/kube/node/node-status.js";
import type { Node } from "../../src/kube/objects/index.js";
import { SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

const ready = (n: Node | undefined) => n?.status.conditions.find((c) => c.type === "Ready");

describe("pod network readiness", () => {
  it("the Ready condition names the missing CNI while the runtime is up", () => {
    const r = desiredConditions(true, false).find((c) => c.type === "Ready")!;
    expect(r.status).toBe("False");
    expect(r.message).toContain("NetworkReady=false reason:NetworkPluginNotReady");
    expect(r.message).toContain("cni plugin not initialized");
    expect(desiredConditions(true, true).find((c) => c.type === "Ready")!.status).toBe("True");
    // A runtime that is down is reported as such, whatever the network.
    expect(desiredConditions(false, false).find((c) => c.type === "Ready")!.message).toContain(
      "container runtime is down",
    );
  });

  it("a fresh node is NotReady until the CNI agent starts, then Ready; a kubelet restart does not redo it", () => {
    const h = kubeHarness({ set: { "kube.cni.startDuration": { uniform: ["10s", "40s"] } } });
    h.sim.runUntil(20 * SECOND);
    const node = () => h.cluster.observer.objects<Node>("nodes").find((n) => n.metadata.name === "worker-0");
    // Stand for a VM that just joined: no CNI config yet, the kubelet (re)registers.
    h.cluster.runtime("worker-0")!.networkReadyAtUs = undefined;
    const restartedAt = h.sim.now;
    h.services.get("worker-0")!.restart("kubelet");
    expect(h.until(() => ready(node())?.status === "False", 30 * SECOND)).toBeDefined();
    expect(ready(node())?.message).toContain("cni plugin not initialized");
    const back = h.until(() => ready(node())?.status === "True", 2 * 60 * SECOND);
    expect(back).toBeDefined();
    // Kubelet start (1 s) + registration, then 10–40 s for the CNI agent.
    expect(back! - restartedAt).toBeGreaterThanOrEqual(10 * SECOND);
    expect(back! - restartedAt).toBeLessThanOrEqual(45 * SECOND);
    // Restarting the kubelet again: the CNI config is on disk, the node stays Ready.
    const t = h.sim.now;
    h.services.get("worker-0")!.restart("kubelet");
    h.sim.runUntil(t + 30 * SECOND);
    expect(h.since(t, "kube.node.ready").filter((r) => r.node === "worker-0" && r.status !== "True")).toEqual(
      [],
    );
    expect(
      h.since(restartedAt, "kube.node.ready").some((r) => r.node === "worker-0" && r.status === "False"),
    ).toBe(true);
  });

  it("a node registered while its network is not ready is tainted not-ready:NoSchedule until it is Ready", () => {
    const h = kubeHarness();
    h.sim.runUntil(20 * SECOND);
    const node = () => h.cluster.observer.objects<Node>("nodes").find((n) => n.metadata.name === "worker-0");
    // A new VM under the old name: the Node object is gone and the kubelet registers it anew.
    h.services.get("worker-0")!.stop("kubelet");
    h.cluster.adminClient().request({ verb: "delete", resource: "nodes", name: "worker-0" }, () => {});
    h.sim.runUntil(h.sim.now + 2 * SECOND);
    expect(node()).toBeUndefined();
    h.cluster.runtime("worker-0")!.networkReadyAtUs = undefined;
    h.services.get("worker-0")!.start("kubelet");
    expect(h.until(() => node() !== undefined, 10 * SECOND)).toBeDefined();
    const notReadyTaint = (n: Node | undefined) =>
      n?.spec.taints.some((t) => t.key === "node.kubernetes.io/not-ready" && t.effect === "NoSchedule");
    // Created with the taint (NodeTaint admission) and with its status (Ready=False, CNI).
    expect(notReadyTaint(node())).toBe(true);
    expect(ready(node())?.status).toBe("False");
    const readyAt = h.until(() => ready(node())?.status === "True", 60 * SECOND);
    expect(readyAt).toBeDefined();
    // The lifecycle controller lifts the taint on the node update, not a monitor period later.
    const lifted = h.until(() => !notReadyTaint(node()), 5 * SECOND);
    expect(lifted).toBeDefined();
    expect(lifted! - readyAt!).toBeLessThan(SECOND);
  });

  it("joinNode: a new VM's node registers NotReady (CNI), gets no pod before Ready, then runs pods", () => {
    const h = kubeHarness({ set: { "kube.cni.startDuration": { uniform: ["20s", "30s"] } } });
    h.sim.runUntil(20 * SECOND);
    h.network.addHost("worker-9");
    const vm = h.hypervisor.create("worker-9", { running: true });
    const systemd = new ServiceManager(h.sim, vm);
    h.sim.runUntil(h.sim.now + SECOND);
    const joinedAt = h.sim.now;
    h.cluster.joinNode(systemd, vm, "worker-9", false);
    const node = () => h.cluster.observer.objects<Node>("nodes").find((n) => n.metadata.name === "worker-9");
    expect(h.until(() => node() !== undefined, 20 * SECOND)).toBeDefined();
    expect(ready(node())?.message).toContain("cni plugin not initialized");
    const readyAt = h.until(() => ready(node())?.status === "True", 60 * SECOND);
    expect(readyAt).toBeDefined();
    expect(readyAt! - joinedAt).toBeGreaterThanOrEqual(20 * SECOND);
    expect(readyAt! - joinedAt).toBeLessThanOrEqual(35 * SECOND);
    // Nothing was bound to it while it was NotReady.
    const early = h
      .since(joinedAt, "kube.pod.scheduled")
      .filter((r) => r.node === "worker-9" && r.t < readyAt!);
    expect(early).toEqual([]);
  });
});
