/**
 * Properties of the Kubernetes layer, checked on random histories (fast-check) with the fake etcd:
 *
 * - liveness: with etcd quorum and a kube-controller-manager leader, whatever pods are deleted and
 *   however the Deployment is scaled, the desired number of Running, Ready pods is back within a
 *   bound after the last action;
 * - safety: without quorum, nothing any component or operator does changes a single object.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/kube/objects/index.js";
import { isPodReady } from "../../src/kube/objects/pod.js";
import { SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

type Action =
  | { readonly kind: "delete"; readonly count: number }
  | { readonly kind: "scale"; readonly replicas: number }
  | { readonly kind: "restartKubelet"; readonly worker: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("scale" as const), replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant("restartKubelet" as const), worker: fc.integer({ min: 0, max: 2 }) }),
);

/** Replicas are restored within this long after the last action (lease waits do not apply: the leader stays). */
const BOUND_US = 30 * SECOND;

describe("replica count with quorum and a controller-manager leader", () => {
  it("is restored within 30 s after any history of deletions, scaling and kubelet restarts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapUs: fc.integer({ min: 0, max: 20 * SECOND }), action }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 1000 }),
        (history, seed) => {
          const h = kubeHarness({
            seed,
            controlPlanes: 1,
            set: { "kube.components": "systemd", "kube.endpoint": "direct" },
          });
          h.sim.runUntil(20 * SECOND);
          let desired = 3;
          for (const { gapUs, action: a } of history) {
            h.sim.runUntil(h.sim.now + gapUs);
            if (a.kind === "delete") h.kubectl.deleteSomePods({ deployment: "nginx" }, a.count);
            else if (a.kind === "scale") {
              h.kubectl.scale("nginx", a.replicas);
              desired = a.replicas;
            } else h.services.get(`worker-${a.worker}`)!.restart("kubelet");
          }
          // Let the last kubectl command land, then the bound starts.
          h.sim.runUntil(h.sim.now + SECOND);
          const ok = (): boolean => {
            const pods = h.cluster.observer.objects<Pod>("pods");
            const live = pods.filter((p) => p.metadata.deletionTimestampUs === undefined);
            const ready = live.filter((p) => p.status.phase === "Running" && isPodReady(p));
            return live.length === desired && ready.length === desired;
          };
          const at = h.until(ok, BOUND_US);
          expect(at, `history ${JSON.stringify(history)} seed ${seed}`).toBeDefined();
          expect(h.cluster.controllerManagers.get("cp-0")?.elector.isLeader).toBe(true);
        },
      ),
      { numRuns: 12, seed: 4242 },
    );
  });
});

type Fault =
  | { readonly kind: "delete"; readonly count: number }
  | { readonly kind: "scale"; readonly replicas: number }
  | { readonly kind: "stopKubelet"; readonly worker: number }
  | { readonly kind: "powerOff"; readonly worker: number }
  | { readonly kind: "cordon"; readonly worker: number };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("scale" as const), replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant("stopKubelet" as const), worker: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant("powerOff" as const), worker: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant("cordon" as const), worker: fc.integer({ min: 0, max: 2 }) }),
);

describe("without etcd quorum", () => {
  it("no object changes, whatever operators and failing nodes do", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapUs: fc.integer({ min: 0, max: 60 * SECOND }), fault }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 1000 }),
        (history, seed) => {
          const h = kubeHarness({ seed });
          h.sim.runUntil(30 * SECOND);
          h.etcd.stop("cp-1");
          h.etcd.stop("cp-2");
          // Requests already at etcd complete (1 ms); nothing after.
          h.sim.runUntil(h.sim.now + 10_000);
          const before = h.etcd.snapshot();
          const commits = h.etcd.commits;
          for (const { gapUs, fault: f } of history) {
            h.sim.runUntil(h.sim.now + gapUs);
            const w = `worker-${"worker" in f ? f.worker : 0}`;
            if (f.kind === "delete") h.kubectl.deleteSomePods({ deployment: "nginx" }, f.count);
            else if (f.kind === "scale") h.kubectl.scale("nginx", f.replicas);
            else if (f.kind === "stopKubelet") h.services.get(w)!.stop("kubelet");
            else if (f.kind === "cordon") h.kubectl.cordon(w);
            else if (h.hypervisor.vm(w)?.state === "poweredOn") h.hypervisor.powerOff(w);
          }
          h.sim.runUntil(h.sim.now + 5 * 60 * SECOND);
          expect(h.etcd.commits).toBe(commits);
          expect(h.etcd.revision).toBe(before.revision);
          for (const [k, kv] of before.kvs) expect(h.etcd.peek(k), k).toBe(kv);
          expect(h.etcd.keys().length).toBe(before.kvs.size);
        },
      ),
      { numRuns: 8, seed: 777 },
    );
  });
});
