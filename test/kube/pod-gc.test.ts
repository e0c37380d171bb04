/**
 * The pod garbage collector removes pods left Terminating on a node whose Node object is gone
 * (kubernetes pkg/controller/podgc: checked every 20 s, a missing node quarantined 40 s, then a
 * live GET before force-deleting its pods).
 */
import { describe, expect, it } from "vitest";
import { isMirrorPod } from "../../src/kube/node/mirror-pods.js";
import type { Pod } from "../../src/kube/objects/index.js";
import { isPodReady } from "../../src/kube/objects/pod.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

describe("pod garbage collector", () => {
  it("force-deletes the pods of a deleted node 40–60 s after the Node object went, and only those", () => {
    const h = kubeHarness({ set: { "kube.systemDeployments": "coredns" } });
    h.sim.runUntil(10 * SECOND);
    h.hypervisor.powerOff("cp-0");
    h.hypervisor.powerOff("worker-0");
    // Past the 300 s toleration: the pods on both dead nodes are Terminating for good.
    h.sim.runUntil(8 * MINUTE);
    const podsOn = (node: string) =>
      h.cluster.observer.objects<Pod>("pods").filter((p) => p.spec.nodeName === node);
    const evictable = (node: string) => podsOn(node).filter((p) => !isMirrorPod(p));
    expect(evictable("cp-0").length).toBeGreaterThan(0);
    expect(evictable("cp-0").every((p) => p.metadata.deletionTimestampUs !== undefined)).toBe(true);
    // The mirror pods tolerate every NoExecute taint: not evicted, only marked not ready.
    const mirrors = podsOn("cp-0").filter(isMirrorPod);
    expect(mirrors.map((p) => p.metadata.name).sort()).toEqual([
      "kube-apiserver-cp-0",
      "kube-controller-manager-cp-0",
      "kube-scheduler-cp-0",
    ]);
    expect(mirrors.some((p) => p.metadata.deletionTimestampUs !== undefined || isPodReady(p))).toBe(false);
    const onWorker = podsOn("worker-0").length;
    expect(onWorker).toBeGreaterThan(0);
    // Cluster API would delete the Node object; here the admin does.
    const deletedAt = h.sim.now;
    h.cluster.adminClient().request({ verb: "delete", resource: "nodes", name: "cp-0" }, () => {});
    expect(h.until(() => podsOn("cp-0").length === 0, 2 * MINUTE)).toBeDefined();
    const gone = h.sim.now - deletedAt;
    expect(gone).toBeGreaterThanOrEqual(40 * SECOND);
    expect(gone).toBeLessThanOrEqual(61 * SECOND);
    h.sim.runUntil(h.sim.now + SECOND);
    const gc = h.since(deletedAt, "kube.pod.gc");
    expect(gc.length).toBeGreaterThan(0);
    expect(gc.every((r) => r.node === "cp-0")).toBe(true);
    // Mirror pods of the deleted node go with the others (the kubelet is not there to recreate them).
    expect(gc.filter((r) => String(r.pod).startsWith("kube-"))).toHaveLength(3);
    // The powered-off worker still has its Node object: its pods stay (Terminating).
    h.sim.runUntil(h.sim.now + 2 * MINUTE);
    expect(podsOn("worker-0").length).toBe(onWorker);
  });
});
