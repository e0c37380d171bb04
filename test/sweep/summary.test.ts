import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderSweepJson } from "../../src/report/sweep-json.js";
import { renderSweepText } from "../../src/report/sweep-text.js";
import { summarise } from "../../src/sweep/summary.js";
import { header, run } from "./helpers.js";

const MIN = 60_000_000;

describe("sweep summary", () => {
  const h = header("1..10", ["lb.inter=5s", "lb.inter=10s"]);
  const runs = [
    ...Array.from({ length: 10 }, (_, i) => run(0, i + 1, (5 + i) * MIN)),
    ...Array.from({ length: 10 }, (_, i) =>
      run(1, i + 1, i === 6 ? null : i === 2 ? 22 * MIN : (10 + i) * MIN, i === 4 ? 3_000_000 : 0),
    ),
  ];
  const s = summarise(h, runs);

  it("gives each combination p50/p90/p99/max of every availability and metric", () => {
    const c0 = s.combinations[0]!;
    expect(c0.availability.map((a) => a.name)).toEqual(["writes", "api"]);
    expect(c0.metrics.map((m) => [m.name, m.unit])).toEqual([
      ["recoveryUs", "us"],
      ["lostWrites", ""],
    ]);
    const recovery = c0.metrics[0]!.quantiles;
    expect(recovery).toEqual({
      count: 10,
      missing: 0,
      p50: 9 * MIN,
      p90: 13 * MIN,
      p99: 14 * MIN,
      max: 14 * MIN,
    });
    expect(s.combinations[1]!.metrics[0]!.quantiles.missing).toBe(1);
  });

  it("reports each expectation's pass rate, failing seeds and the worst one", () => {
    const c1 = s.combinations[1]!;
    const recovery = c1.expectations[0]!;
    expect(recovery).toMatchObject({ that: "recovery.complete", holds: 8, runs: 10, failingSeeds: [3, 7] });
    expect(recovery.worst).toEqual({ seed: 7, observed: "never" });
    expect(c1.expectations[1]).toMatchObject({ holds: 9, failingSeeds: [5] });
    expect(c1.holds).toBe(false);
    expect(s.combinations[0]!.holds).toBe(true);
    expect(s.passed).toBe(false);
  });

  it("text: pass rates, failing seeds, the worst, a re-run command and a verdict per combination", () => {
    const text = renderSweepText(s);
    expect(text).toContain("seeds 1..10 (10) × 2 combinations = 20 runs");
    expect(text).toContain("PASS recovery.complete: true by 20m0s — holds in 10/10 seeds");
    expect(text).toContain(
      "FAIL recovery.complete: true by 20m0s — holds in 8/10 seeds; fails in seeds 3, 7 — worst: seed 7, observed never",
    );
    expect(text).toContain("re-run: quorate run experiments/x.yaml --seed 7 --set lb.inter=10s");
    expect(text).toMatch(/recovery\s+9m0s\s+13m0s\s+14m0s\s+14m0s/);
    expect(text).toContain("(none in 1 run)");
    expect(text).toContain(
      "VERDICT: does not hold — 1 of 2 combinations failing or incomplete (lb.inter=10s)",
    );
  });

  it("does not depend on the order the runs finished in", () => {
    const reference = renderSweepJson(s);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(runs, { minLength: runs.length, maxLength: runs.length }),
        (shuffled) => {
          expect(renderSweepJson(summarise(h, shuffled))).toBe(reference);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("an incomplete sweep does not pass, and says so", () => {
    const partial = summarise(h, runs.slice(0, 5));
    expect(partial.passed).toBe(false);
    expect(partial.runs).toBe(5);
    expect(partial.plannedRuns).toBe(20);
    expect(renderSweepText(partial)).toContain("incomplete: 5 of 20 runs done");
  });
});
