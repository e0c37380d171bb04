/** Seed 000 (self-hosted CAPV) on the full stack meets its expectations. */
import { describe, expect, it } from "vitest";
import { findView } from "../../src/report/views/index.js";
import { MINUTE } from "../../src/sim/time.js";
import { runExperiment } from "./run-experiment.js";

describe("seed 000 experiments (CAPV)", () => {
  it("two control planes down on a self-hosted cluster: writes and CAPI stop until quorum returns", () => {
    let kcp = "";
    const { result, failed } = runExperiment("experiments/capv-two-control-planes-down.yaml", 1, [
      {
        atUs: 5 * MINUTE,
        fn: (w) => {
          kcp = findView("kcp")!.render(w) ?? "";
        },
      },
    ]);
    expect(failed).toEqual([]);
    expect(kcp).toMatch(/^NAME\s+CLUSTER\s+INITIALIZED\s+API SERVER AVAILABLE\s+REPLICAS/m);
    const stopped = result.records.find((r) => r.kind === "capi.controllers");
    expect(stopped?.message).toContain("leader election lost");
  });

  it("one control plane powered off: CAPV powers it back on at its next resync", () => {
    expect(runExperiment("experiments/capv-power-off-one-control-plane.yaml", 2).failed).toEqual([]);
  });
});
