/**
 * The Service keeps answering once a dead node's pod is out of its endpoints, even when a VM of the
 * same name comes back without ever joining (seed 001: VM Operator re-creates a deleted VM under
 * its name). Before, the dead kube-proxy of the deleted VM stayed registered (a process's cleanups
 * skipped one another) and the probe entered through it, so a third of the requests kept going to
 * the dead pod until the Machine was replaced.
 */
import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/kube/objects/index.js";
import { ProcessScope } from "../../src/kube/process-scope.js";
import { describe as describeRecord } from "../../src/report/describe.js";
import "../../src/report/describe-kube.js";
import { GuestClock } from "../../src/infra/guest.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { kubeHarness } from "./harness.js";

describe("Service routing after a worker dies", () => {
  it("answers again once the dead node's pod is not ready, with one timeline line for the flaps", () => {
    const h = kubeHarness();
    h.sim.runUntil(10 * SECOND);
    const t0 = h.sim.now;
    h.hypervisor.delete("worker-0");
    // A VM of the same name, running but never joined: no kubelet, no kube-proxy.
    h.hypervisor.create("worker-0", { running: true });
    const notReady = h.until(() => {
      const pod = h.cluster.observer
        .objects<Pod>("pods")
        .find((p) => p.spec.nodeName === "worker-0" && p.metadata.namespace === "default");
      return pod?.status.conditions.some((c) => c.type === "Ready" && c.status === "False") === true;
    }, 2 * MINUTE);
    expect(notReady).toBeDefined();
    h.sim.runUntil(notReady! + 2 * MINUTE);
    // kube-proxy drops the endpoint within seconds; from then on every request is answered.
    const failures = h.since(notReady! + 5 * SECOND, "kube.service.probe").filter((r) => r.ok === false);
    expect(failures).toEqual([]);
    for (let i = 0; i < 20; i++) {
      h.sim.runUntil(h.sim.now + SECOND);
      expect(h.cluster.serviceCheck()?.ok).toBe(true);
    }
    // Before that, requests failed at random (1 of 3 backends dead): the flips are marked partial
    // and summed up by two kube.service.backends lines.
    const backends = h.since(t0, "kube.service.backends");
    expect(backends.map((r) => [r.dead, r.backends])).toEqual([
      [1, 3],
      [0, 2],
    ]);
    expect(describeRecord(backends[0]!)?.text).toMatch(
      /^service default\/nginx failing intermittently \(1 of 3 backends dead: 10\.244\.\d+\.\d+:31000 \(pod nginx-\S+ on worker-0\): i\/o timeout\)$/,
    );
    expect(describeRecord(backends[1]!)?.text).toBe("service default/nginx answering again (2/2 backends)");
    const flips = h.since(t0, "kube.service.probe");
    expect(flips.every((r) => r.partial === true)).toBe(true);
    expect(flips.map((r) => describeRecord(r))).toEqual(flips.map(() => undefined));
  });
});

describe("a process's cleanups", () => {
  it("all run when the process ends, even if one removes itself or another", () => {
    const sim = new Simulation({ seed: 1 });
    const scope = new ProcessScope(new GuestClock(sim));
    const ran: string[] = [];
    const offA = scope.onEnd(() => {
      ran.push("a");
      offA();
    });
    scope.onEnd(() => ran.push("b"));
    scope.onEnd(() => ran.push("c"));
    scope.end();
    expect(ran).toEqual(["a", "b", "c"]);
  });
});
