/** Hand-made sweep headers and run lines for the summary and file tests. */
import type { RunLine, SweepHeader } from "../../src/sweep/run-line.js";
import { SWEEP_RUNS_FORMAT } from "../../src/sweep/run-line.js";

/** A sweep of `seeds` over the given combination labels, with two expectations. */
export function header(seeds: string, labels: readonly string[] = ["defaults"]): SweepHeader {
  return {
    type: "sweep",
    format: SWEEP_RUNS_FORMAT,
    experiment: "x",
    model: "m",
    file: "experiments/x.yaml",
    fileSha256: "0".repeat(64),
    modelSha256: "1".repeat(64),
    durationUs: 600_000_000,
    seeds,
    set: [],
    combinations: labels.map((label, index) => ({
      index,
      label,
      settings: label === "defaults" ? [] : [{ key: label.split("=")[0]!, text: label.split("=")[1]! }],
    })),
    expectations: [
      { that: "recovery.complete", expected: "true by 20m0s", line: 10 },
      { that: "writes.available", expected: "true throughout 0s..1m0s", line: 12 },
    ],
    shard: null,
  };
}

/** A run: recovery after `recoveryUs` (null = never), passing the first expectation when ≤ 20 min. */
export function run(combination: number, seed: number, recoveryUs: number | null, writesDownUs = 0): RunLine {
  const recovered = recoveryUs !== null && recoveryUs <= 20 * 60_000_000;
  const writesOk = writesDownUs === 0;
  return {
    type: "run",
    combination,
    seed,
    passed: recovered && writesOk,
    expectations: [
      { passed: recovered, observed: recoveryUs === null ? "never" : `at ${recoveryUs / 1_000_000}s` },
      { passed: writesOk, observed: writesOk ? "held" : "broken at 10s (until 20s)" },
    ],
    availability: { writes: writesDownUs, api: 0 },
    metrics: { recoveryUs, lostWrites: 0 },
    findings: 0,
    events: 100,
  };
}
