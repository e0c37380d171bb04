/**
 * The worker, restore and endpoint experiments of seed 003 (and kube-vip under quorum loss) run on
 * the real etcd layer and meet their expectations.
 */
import { describe, expect, it } from "vitest";
import { runExperiment } from "./run-experiment.js";

const FILES = [
  "experiments/kube-drain-uncordon.yaml",
  "experiments/kube-kubelet-stopped.yaml",
  "experiments/kube-etcd-snapshot-restore.yaml",
  "experiments/kube-quorum-loss-kube-vip.yaml",
];

describe("node, restore and endpoint experiments", () => {
  for (const file of FILES) {
    it(`${file} passes`, () => {
      expect(runExperiment(file, 1).failed).toEqual([]);
    });
  }

  it("the kubelet-stopped timeline reads like seed 003: NotReady, evicted after 300 s, not moved back", () => {
    const { result } = runExperiment("experiments/kube-kubelet-stopped.yaml", 3);
    const kubectl = result.records.filter((r) => r.kind === "kubectl").map((r) => String(r.output));
    expect(kubectl[0]).toMatch(/worker-0\s+NotReady\s+<none>/);
    expect(kubectl[1]).toMatch(/0\/1\s+Terminating\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+worker-0/);
    expect(kubectl[2]).not.toMatch(/worker-0$/m);
  });
});
