/**
 * Seed 001 (TKGS) on the full stack — infrastructure, etcd, Kubernetes and Cluster API — meets its
 * expectations, and the timeline and views read like the document.
 */
import { describe, expect, it } from "vitest";
import { findView } from "../../src/report/views/index.js";
import { MINUTE } from "../../src/sim/time.js";
import { runExperiment } from "./run-experiment.js";

describe("seed 001 experiments (TKGS)", () => {
  it("worker VM deleted: same-name VM, JWS failure, Deleting, a functioning cluster again after about 13 minutes", () => {
    const views: Record<string, string> = {};
    const { result, failed } = runExperiment("experiments/tkgs-worker-vm-deleted.yaml", 1, [
      {
        atUs: 10 * MINUTE,
        fn: (w) => {
          views.machines = findView("machines")!.render(w) ?? "";
          views.mhc = findView("mhc")!.render(w) ?? "";
          views.nodes = findView("nodes")?.render(w) ?? "";
        },
      },
    ]);
    expect(failed).toEqual([]);
    expect(views.machines).toMatch(/^NAME\s+CLUSTER\s+NODENAME\s+PHASE\s+AGE\s+VERSION$/m);
    expect(views.machines).toMatch(/^worker-0\s+tkgs\s+worker-0\s+Deleting\s+/m);
    expect(views.mhc).toMatch(/^tkgs-md-0-unhealthy-5m\s+tkgs\s+3\s+100%\s+2\s+/m);
    expect(views.nodes).toMatch(/^worker-0\s+NotReady,SchedulingDisabled/m);
    const mhc = result.records.find((r) => r.kind === "capi.mhc");
    // CAPI < 1.11 words it exactly as the document's log line.
    expect(mhc?.message).toBe("Condition Ready on node is reporting status Unknown for more than 5m0s");
    const jws = result.records.find(
      (r) => r.kind === "kubeadm.join" && r.subject === "worker-0" && r.ok === false,
    );
    expect(jws?.message).toMatch(
      /^\[discovery\] The cluster-info ConfigMap does not yet contain a JWS signature for token ID "[a-z0-9]{6}", will try again$/,
    );
  });

  it("control-plane VM powered off: back on within seconds, nothing evicted or remediated", () => {
    expect(runExperiment("experiments/tkgs-cp-power-off.yaml", 1).failed).toEqual([]);
  });
});
