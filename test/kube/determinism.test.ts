/** Same seed, same run: a Kubernetes experiment's trace is byte-identical when run twice. */
import { describe, expect, it } from "vitest";
import { toJsonLine } from "../../src/sim/trace.js";
import { runExperiment } from "./run-experiment.js";

describe("determinism of the Kubernetes layer", () => {
  it("gives the same trace for the same seed, and a different one for another seed", () => {
    const file = "experiments/kube-drain-uncordon.yaml";
    const a = runExperiment(file, 5).result.records.map(toJsonLine).join("");
    const b = runExperiment(file, 5).result.records.map(toJsonLine).join("");
    const c = runExperiment(file, 6).result.records.map(toJsonLine).join("");
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
