/**
 * Seed 003 ("Cluster Healing") on the Kubernetes layer with the fake etcd: one master running the
 * control plane as systemd units, three workers, an nginx Deployment of three pods behind a
 * NodePort Service.
 */
import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../../src/kube/objects/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

function seed003() {
  return kubeHarness({
    controlPlanes: 1,
    workers: 3,
    set: { "kube.components": "systemd", "kube.endpoint": "direct" },
  });
}

const pods = (h: ReturnType<typeof seed003>) => h.cluster.observer.objects<Pod>("pods");
const running = (h: ReturnType<typeof seed003>) =>
  pods(h).filter((p) => p.status.phase === "Running" && p.metadata.deletionTimestampUs === undefined);

describe("seed 003: control plane failure", () => {
  it("apiserver down: kubectl is refused, the service still serves, and both recover", () => {
    const h = seed003();
    h.sim.runUntil(30 * SECOND);
    h.services.get("cp-0")!.stop("kube-apiserver");
    h.sim.runUntil(35 * SECOND);
    h.kubectl.get("pods");
    h.sim.runUntil(40 * SECOND);
    expect(h.lastKubectl()?.output).toBe(
      `The connection to the server ${h.network.hostAddress("cp-0")}:6443 was refused - did you specify the right host or port?`,
    );
    h.sim.runUntil(3 * MINUTE);
    expect(h.cluster.serviceCheck()?.ok).toBe(true);
    expect(h.since(30 * SECOND, "kube.service.probe")).toEqual([]);
    const apiDown = h.since(30 * SECOND, "kube.api.probe");
    expect(apiDown.map((r) => r.ok)).toEqual([false]);
    expect(apiDown[0]!.t - 30 * SECOND).toBeLessThan(2 * SECOND);
    h.services.get("cp-0")!.start("kube-apiserver");
    const back = h.until(() => h.since(3 * MINUTE, "kube.api.probe").some((r) => r.ok === true), MINUTE);
    expect(back).toBeDefined();
    // systemd start (1–3 s) + apiserver start-up (8 s) + one probe interval.
    expect(back! - 3 * MINUTE).toBeGreaterThanOrEqual(8 * SECOND);
    expect(back! - 3 * MINUTE).toBeLessThanOrEqual(13 * SECOND);
  });

  it("scheduler down: new pods stay Pending until it returns", () => {
    const h = seed003();
    h.sim.runUntil(30 * SECOND);
    h.services.get("cp-0")!.stop("kube-scheduler");
    h.kubectl.scale("nginx", 6);
    h.sim.runUntil(2 * MINUTE);
    expect(h.lastKubectl()?.output).toBe("deployment.apps/nginx scaled");
    expect(pods(h).filter((p) => p.status.phase === "Pending")).toHaveLength(3);
    expect(running(h)).toHaveLength(3);
    h.services.get("cp-0")!.start("kube-scheduler");
    const done = h.until(() => running(h).length === 6, MINUTE);
    expect(done).toBeDefined();
    // A new candidate takes an unreleased lease only after watching it unchanged for a full lease
    // duration on its own clock (client-go observedTime): unit start 1–3 s + 15 s + retry jitter
    // (2–4.4 s), then bind and container start (1–3 s).
    expect(done! - 2 * MINUTE).toBeGreaterThanOrEqual(17 * SECOND);
    expect(done! - 2 * MINUTE).toBeLessThan(26 * SECOND);
    const perNode = new Map<string, number>();
    for (const p of running(h)) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([2, 2, 2]);
  });

  it("controller-manager down: deleted pods are not replaced until it returns", () => {
    const h = seed003();
    h.sim.runUntil(30 * SECOND);
    h.services.get("cp-0")!.stop("kube-controller-manager");
    h.kubectl.deleteSomePods({ deployment: "nginx" }, 2);
    h.sim.runUntil(3 * MINUTE);
    expect(h.lastKubectl()?.output).toMatch(/^pod "nginx-\w+-\w+" deleted\npod "nginx-\w+-\w+" deleted$/);
    expect(pods(h)).toHaveLength(1);
    h.services.get("cp-0")!.start("kube-controller-manager");
    const done = h.until(() => running(h).length === 3, MINUTE);
    expect(done).toBeDefined();
    // Same lease wait as the scheduler, then the ReplicaSet controller creates two pods at once.
    expect(done! - 3 * MINUTE).toBeGreaterThanOrEqual(17 * SECOND);
    expect(done! - 3 * MINUTE).toBeLessThan(26 * SECOND);
  });
});

describe("seed 003: worker failure", () => {
  it("drain moves the pods away and uncordon does not move them back", () => {
    const h = seed003();
    h.sim.runUntil(30 * SECOND);
    const onW0 = running(h)
      .filter((p) => p.spec.nodeName === "worker-0")
      .map((p) => p.metadata.name);
    expect(onW0).toHaveLength(1);
    h.kubectl.drain("worker-0");
    h.sim.runUntil(MINUTE);
    const out = String(h.lastKubectl()?.output).split("\n");
    expect(out[0]).toBe("node/worker-0 cordoned");
    expect(out.at(-1)).toBe("node/worker-0 drained");
    expect(out).toContain(`pod/${onW0[0]} evicted`);
    expect(running(h)).toHaveLength(3);
    expect(running(h).some((p) => p.spec.nodeName === "worker-0")).toBe(false);
    h.kubectl.get("nodes");
    h.sim.runUntil(MINUTE + SECOND);
    expect(String(h.lastKubectl()?.output)).toContain("worker-0   Ready,SchedulingDisabled   <none>");
    h.kubectl.cordon("worker-0", false);
    h.sim.runUntil(5 * MINUTE);
    expect(h.lastKubectl()?.output).toBe("node/worker-0 uncordoned");
    expect(running(h).some((p) => p.spec.nodeName === "worker-0")).toBe(false);
  });

  it("kubelet stopped: NotReady after the grace period, pods replaced after 300 s, not moved back", () => {
    const h = seed003();
    h.sim.runUntil(30 * SECOND);
    const victim = running(h).find((p) => p.spec.nodeName === "worker-0")!;
    const t0 = h.sim.now;
    h.services.get("worker-0")!.stop("kubelet");
    const notReady = h.until(
      () => h.since(t0, "kube.node.ready").some((r) => r.node === "worker-0" && r.status === "Unknown"),
      2 * MINUTE,
    );
    expect(notReady).toBeDefined();
    // Last renewal ≤ 10 s before the stop; grace 50 s (1.33); monitor period 5 s.
    expect(notReady! - t0).toBeGreaterThanOrEqual(40 * SECOND);
    expect(notReady! - t0).toBeLessThanOrEqual(56 * SECOND);
    // The pod on the silent node keeps serving meanwhile.
    expect(h.cluster.runtime("worker-0")?.get(victim.metadata.uid)).toBeDefined();
    h.sim.runUntil(notReady! + 2 * SECOND);
    const tainted = h.since(t0, "kube.node.taint").find((r) => r.node === "worker-0" && r.on === true)!;
    expect(tainted.t - notReady!).toBeLessThanOrEqual(SECOND);
    const evicted = h.until(() => h.since(t0, "kube.pod.evicting").length > 0, 10 * MINUTE);
    expect(evicted! - tainted.t).toBeGreaterThanOrEqual(300 * SECOND);
    expect(evicted! - tainted.t).toBeLessThanOrEqual(301 * SECOND);
    const replaced = h.until(
      () => running(h).filter((p) => p.metadata.uid !== victim.metadata.uid).length === 3,
      MINUTE,
    );
    expect(replaced! - evicted!).toBeLessThan(5 * SECOND);
    const old = pods(h).find((p) => p.metadata.uid === victim.metadata.uid);
    expect(old?.metadata.deletionTimestampUs).toBeDefined();
    h.kubectl.get("pods", true);
    h.sim.runUntil(h.sim.now + SECOND);
    expect(String(h.lastKubectl()?.output)).toMatch(
      new RegExp(
        `${victim.metadata.name}\\s+0/1\\s+Terminating\\s+0\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+worker-0`,
      ),
    );
    const t1 = h.sim.now;
    h.services.get("worker-0")!.start("kubelet");
    const ready = h.until(
      () => h.since(t1, "kube.node.ready").some((r) => r.node === "worker-0" && r.status === "True"),
      MINUTE,
    );
    expect(ready! - t1).toBeLessThan(15 * SECOND);
    h.sim.runUntil(h.sim.now + 2 * MINUTE);
    expect(pods(h).find((p) => p.metadata.uid === victim.metadata.uid)).toBeUndefined();
    expect(running(h)).toHaveLength(3);
    expect(running(h).some((p) => p.spec.nodeName === "worker-0")).toBe(false);
    const w0 = h.cluster.observer.get<Node>("nodes", "worker-0")!;
    expect(w0.spec.taints.filter((t) => t.effect === "NoExecute")).toEqual([]);
  });
});
