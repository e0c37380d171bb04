/**
 * Mirror pods of the kubeadm static pods (kubelet `pkg/kubelet/pod/mirror_client.go`, kubernetes.io
 * "Create static Pods"), on the fake etcd: they are listed by `kubectl get pods -A`, follow the
 * static container (restarts, readiness, CrashLoopBackOff), are written only when that changes,
 * come back when deleted, and go when the manifest goes.
 */
import { describe, expect, it } from "vitest";
import type { TxnOp } from "../../src/etcd/client-api.js";
import {
  CONFIG_MIRROR_ANNOTATION,
  isMirrorPod,
  mirrorPodName,
  mirrorStatus,
  staticPodHash,
} from "../../src/kube/node/mirror-pods.js";
import type { Node, Pod } from "../../src/kube/objects/index.js";
import { isPodReady } from "../../src/kube/objects/pod.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

type H = ReturnType<typeof kubeHarness>;

const mirror = (h: H, name: string) => h.cluster.observer.get<Pod>("pods", `kube-system/${name}`);
const mirrors = (h: H) => h.cluster.observer.objects<Pod>("pods").filter(isMirrorPod);

/** Every pod value written to etcd under `kube-system/<name>`, in order. */
function recordWrites(h: H, name: string): Pod[] {
  const key = `/registry/pods/kube-system/${name}`;
  const writes: Pod[] = [];
  const txn = h.etcd.txn.bind(h.etcd);
  h.etcd.txn = (compares, success: readonly TxnOp[], failure) => {
    const r = txn(compares, success, failure);
    if (r.succeeded)
      for (const op of success)
        if (op.type === "put" && op.key === key) writes.push(op.value as unknown as Pod);
    return r;
  };
  return writes;
}

const shown = (p: Pod) =>
  `${p.status.phase} ${isPodReady(p) ? "1/1" : "0/1"} ${p.status.waitingReason ?? ""} ${p.status.restartCount}`;

describe("mirror pods", () => {
  it("exist for every static pod of every control plane, as the kubelet makes them", () => {
    const h = kubeHarness({ set: { "kube.endpoint": "kube-vip" } });
    h.sim.runUntil(10 * SECOND);
    const names = mirrors(h)
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}@${p.spec.nodeName}`)
      .sort();
    expect(names).toEqual(
      ["cp-0", "cp-1", "cp-2"]
        .flatMap((n) =>
          ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-vip"].map(
            (c) => `kube-system/${c}-${n}@${n}`,
          ),
        )
        .sort(),
    );
    const api = mirror(h, "kube-apiserver-cp-1")!;
    expect(api.metadata.annotations[CONFIG_MIRROR_ANNOTATION]).toBe(staticPodHash("kube-apiserver", "cp-1"));
    expect(api.metadata.labels).toEqual({ component: "kube-apiserver", tier: "control-plane" });
    const node = h.cluster.observer.get<Node>("nodes", "cp-1")!;
    expect(api.metadata.ownerReferences).toEqual([
      { kind: "Node", name: "cp-1", uid: node.metadata.uid, controller: true },
    ]);
    expect(api.spec.tolerations).toEqual([{ key: "", operator: "Exists", effect: "NoExecute" }]);
    // Host network: the pod IP is the node's.
    expect(api.status.podIP).toBe(h.network.hostAddress("cp-1"));
    h.kubectl.get("pods", true, true);
    h.sim.runUntil(11 * SECOND);
    const out = String(h.lastKubectl()?.output);
    expect(out).toMatch(/kube-system\s+kube-apiserver-cp-0\s+1\/1\s+Running\s+0\s+120m\s+\S+\s+cp-0/);
    expect(out).toMatch(/kube-system\s+kube-vip-cp-2\s+1\/1\s+Running\s+0\s+120m\s+\S+\s+cp-2/);
  });

  it("are not written at all during a quiet minute", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    const writes = recordWrites(h, "kube-apiserver-cp-0");
    const before = mirrors(h).map((p) => [p.metadata.name, p.metadata.resourceVersion]);
    h.sim.runUntil(h.sim.now + MINUTE);
    expect(mirrors(h).map((p) => [p.metadata.name, p.metadata.resourceVersion])).toEqual(before);
    expect(writes).toEqual([]);
  });

  it("show a liveness-killed apiserver's restarts rising, not ready, then CrashLoopBackOff; written only on change", () => {
    const h = kubeHarness();
    h.sim.runUntil(30 * SECOND);
    const writes = recordWrites(h, "kube-apiserver-cp-2");
    const seen: string[] = [];
    const t0 = h.sim.now;
    h.etcd.stop("cp-2");
    for (let t = t0; t < t0 + 6 * MINUTE; t += SECOND) {
      h.sim.runUntil(t);
      const s = shown(mirror(h, "kube-apiserver-cp-2")!);
      if (seen.at(-1) !== s) seen.push(s);
    }
    const kills = h
      .since(t0, "kube.container")
      .filter((r) => r.subject === "cp-2/kube-apiserver" && r.event === "killed").length;
    expect(kills).toBeGreaterThanOrEqual(2);
    const p = mirror(h, "kube-apiserver-cp-2")!;
    expect(p.status.restartCount).toBe(kills);
    // Not ready once /livez fails, before the first kill; a back-off after the second crash.
    expect(seen[0]).toBe("Running 1/1  0");
    expect(seen[1]).toBe("Running 0/1  0");
    expect(seen).toContain("Running 0/1  1");
    // During the back-off RESTARTS still counts the restarts so far.
    expect(seen).toContain("Running 0/1 CrashLoopBackOff 1");
    expect(seen.at(-1)).toBe("Running 0/1  2");
    // Every write says something new.
    for (let i = 1; i < writes.length; i++) expect(shown(writes[i]!)).not.toBe(shown(writes[i - 1]!));
    expect(writes.length).toBeLessThanOrEqual(seen.length);
    // etcd back: ready again, restarts kept; other control planes untouched.
    h.etcd.start("cp-2");
    expect(h.until(() => isPodReady(mirror(h, "kube-apiserver-cp-2")!), 10 * MINUTE)).toBeDefined();
    expect(mirror(h, "kube-apiserver-cp-2")!.status.restartCount).toBeGreaterThanOrEqual(kills);
    expect(mirror(h, "kube-apiserver-cp-1")!.status.restartCount).toBe(0);
  });

  it("go when the manifest is moved out (kube.stop) and come back with it", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    const old = mirror(h, "kube-scheduler-cp-1")!;
    const t0 = h.sim.now;
    h.cluster.stopComponent("cp-1", "kube-scheduler");
    const gone = h.until(() => mirror(h, "kube-scheduler-cp-1") === undefined, MINUTE);
    expect(gone).toBeDefined();
    expect(gone! - t0).toBeLessThan(SECOND);
    expect(mirror(h, "kube-scheduler-cp-0")).toBeDefined();
    h.sim.runUntil(h.sim.now + MINUTE);
    expect(mirror(h, "kube-scheduler-cp-1")).toBeUndefined();
    h.cluster.startComponent("cp-1", "kube-scheduler");
    expect(
      h.until(() => {
        const p = mirror(h, "kube-scheduler-cp-1");
        return p !== undefined && isPodReady(p);
      }, MINUTE),
    ).toBeDefined();
    const back = mirror(h, "kube-scheduler-cp-1")!;
    expect(back.metadata.uid).not.toBe(old.metadata.uid);
    // A new container of the same static pod: one restart.
    expect(back.status.restartCount).toBe(1);
  });

  it("come back when deleted, without touching the container", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    const old = mirror(h, "kube-controller-manager-cp-0")!;
    const t0 = h.sim.now;
    h.cluster
      .adminClient()
      .request(
        { verb: "delete", resource: "pods", namespace: "kube-system", name: old.metadata.name },
        () => {},
      );
    const back = h.until(() => {
      const p = mirror(h, "kube-controller-manager-cp-0");
      return p !== undefined && p.metadata.uid !== old.metadata.uid && isPodReady(p);
    }, MINUTE);
    expect(back).toBeDefined();
    expect(back! - t0).toBeLessThan(2 * SECOND);
    expect(h.since(t0, "kube.pod.deleted").map((r) => r.pod)).toEqual(["kube-controller-manager-cp-0"]);
    expect(h.since(t0, "kube.container")).toEqual([]);
    expect(mirror(h, "kube-controller-manager-cp-0")!.status.restartCount).toBe(0);
  });

  it("are skipped by kubectl drain, which finishes", () => {
    const h = kubeHarness({ set: { "kube.systemDeployments": "coredns" } });
    h.sim.runUntil(10 * SECOND);
    h.kubectl.drain("cp-0");
    h.sim.runUntil(2 * MINUTE);
    const out = String(h.lastKubectl()?.output).split("\n");
    expect(out.at(-1)).toBe("node/cp-0 drained");
    expect(out.filter((l) => l.startsWith("evicting pod")).every((l) => l.includes("coredns"))).toBe(true);
    expect(mirrors(h).filter((p) => p.spec.nodeName === "cp-0")).toHaveLength(3);
  });

  it("wait for the API: none is created or updated while the kubelet cannot reach it", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    // Every etcd member down: no write can succeed, so the liveness kills stay unreported.
    for (const cp of h.cps) h.etcd.stop(cp);
    const t0 = h.sim.now;
    h.sim.runUntil(t0 + 3 * MINUTE);
    expect(h.since(t0, "kube.container").some((r) => r.event === "killed")).toBe(true);
    expect(mirror(h, "kube-apiserver-cp-0")!.status.restartCount).toBe(0);
    // The API back: the kubelets report what happened meanwhile.
    for (const cp of h.cps) h.etcd.start(cp);
    const reported = (n: string) => {
      const p = mirror(h, mirrorPodName("kube-apiserver", n))!;
      return isPodReady(p) && p.status.restartCount > 0;
    };
    expect(h.until(() => h.cps.every(reported), 10 * MINUTE)).toBeDefined();
  });
});

describe("mirrorStatus", () => {
  it("reports what the kubelet knows of the static container", () => {
    const h = kubeHarness({ controlPlanes: 1, workers: 0 });
    h.sim.runUntil(5 * SECOND);
    const p = mirror(h, "kube-scheduler-cp-0")!;
    const ip = "10.0.0.9";
    expect(shown(mirrorStatus(p, { running: true, ready: false, restartCount: 3 }, 0, ip))).toBe(
      "Running 0/1  3",
    );
    expect(
      shown(
        mirrorStatus(
          p,
          { running: false, ready: false, restartCount: 4, waitingReason: "CrashLoopBackOff" },
          0,
          ip,
        ),
      ),
    ).toBe("Running 0/1 CrashLoopBackOff 4");
  });
});
