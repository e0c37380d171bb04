/**
 * The control-plane experiments of seed 003 and seed 000 run with `quorate run` on the real etcd
 * layer and meet their expectations, for two seeds.
 */
import { describe, expect, it } from "vitest";
import { runExperiment } from "./run-experiment.js";

const FILES = [
  "experiments/kube-apiserver-down.yaml",
  "experiments/kube-scheduler-down.yaml",
  "experiments/kube-controller-manager-down.yaml",
  "experiments/kube-etcd-member-down.yaml",
];

describe("control-plane experiments", () => {
  for (const file of FILES) {
    it(`${file} passes for seeds 1 and 2`, () => {
      for (const seed of [1, 2]) expect(runExperiment(file, seed).failed, `seed ${seed}`).toEqual([]);
    });
  }
});
