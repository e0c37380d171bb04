import { describe, expect, it } from "vitest";
import { isMirrorPod } from "../../src/kube/node/mirror-pods.js";
import type { Node, Pod } from "../../src/kube/objects/index.js";
import { nodeReadyStatus } from "../../src/kube/objects/node.js";
import { isPodReady } from "../../src/kube/objects/pod.js";
import { SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

describe("a settled kubeadm cluster on the fake etcd", () => {
  it("starts with every node Ready, the workload running, leaders elected and the endpoint up", () => {
    const h = kubeHarness();
    h.sim.runUntil(60 * SECOND);
    const nodes = h.cluster.observer.objects<Node>("nodes");
    expect(nodes.map((n) => [n.metadata.name, nodeReadyStatus(n)])).toEqual([
      ["cp-0", "True"],
      ["cp-1", "True"],
      ["cp-2", "True"],
      ["worker-0", "True"],
      ["worker-1", "True"],
      ["worker-2", "True"],
    ]);
    const all = h.cluster.observer.objects<Pod>("pods");
    const pods = all.filter((p) => p.metadata.namespace === "default");
    expect(pods).toHaveLength(3);
    // The control planes' static pods show as mirror pods (9), Running and Ready since the start.
    expect(all.filter((p) => p.metadata.namespace === "kube-system")).toHaveLength(9);
    expect(all.filter(isMirrorPod).every((p) => isPodReady(p) && p.status.phase === "Running")).toBe(true);
    expect(h.sink.records.filter((r) => r.kind.startsWith("kube.pod"))).toEqual([]);
    expect(pods.every((p) => isPodReady(p) && p.status.phase === "Running")).toBe(true);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(["worker-0", "worker-1", "worker-2"]));
    const leaders = h.sink.records
      .filter((r) => r.kind === "kube.leader" && r.event === "acquired")
      .map((r) => r.lease);
    expect(leaders.sort()).toEqual(["kube-controller-manager", "kube-scheduler"]);
    expect(h.lb?.upCount).toBe(3);
    // The probes start from "available" and record only changes: none in a quiet minute.
    expect(
      h.sink.records.filter((r) => r.kind === "kube.api.probe" || r.kind === "kube.service.probe"),
    ).toEqual([]);
    expect(h.cluster.serviceCheck()?.ok).toBe(true);
    expect(h.sink.records.filter((r) => r.kind === "kube.node.ready")).toEqual([]);
    // No restarts of anything during a quiet minute.
    expect(
      h.sink.records.filter((r) => r.kind === "kube.container" || (r.kind === "unit.state" && r.t > 0)),
    ).toEqual([]);
  });

  it("kubectl get nodes prints the kubectl table through the load balancer", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    h.kubectl.get("nodes");
    h.sim.runUntil(11 * SECOND);
    const r = h.lastKubectl();
    expect(r?.ok).toBe(true);
    expect(String(r?.output).split("\n")).toEqual([
      "NAME       STATUS   ROLES           AGE    VERSION",
      "cp-0       Ready    control-plane   120m   v1.33.0",
      "cp-1       Ready    control-plane   120m   v1.33.0",
      "cp-2       Ready    control-plane   120m   v1.33.0",
      "worker-0   Ready    <none>          120m   v1.33.0",
      "worker-1   Ready    <none>          120m   v1.33.0",
      "worker-2   Ready    <none>          120m   v1.33.0",
    ]);
  });
});
