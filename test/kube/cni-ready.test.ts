/**
 * A node that joins during a run is NotReady ("cni plugin not initialized") until its CNI agent has
 * started (`kube.cni.startDuration`), and runs no pods before; a node that had its pod network keeps
 * it across kubelet restarts.
 */
import { describe, expect, it } from "vitest";
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
});
