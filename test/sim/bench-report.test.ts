import { describe, expect, it } from "vitest";
import type { BenchResult } from "../../bench/benchmark.js";
import { median } from "../../bench/measure.js";
import { BENCHMARKS, findBenchmark } from "../../bench/registry.js";
import { formatBenchTable, toBenchJsonLine } from "../../bench/report.js";

const kernelResult: BenchResult = {
  metrics: [
    { key: "eventsPerSec", label: "kernel", value: 5_443_683, unit: "events/s" },
    { key: "referenceEventsPerSec", label: "reference heap loop", value: 6_974_794, unit: "events/s" },
    { key: "ratio", label: "kernel / reference", value: 0.78, unit: "×" },
  ],
  notes: [],
  ok: true,
};

describe("bench output", () => {
  it("prints exactly one JSON line with the bench name first and the metrics in order", () => {
    const line = toBenchJsonLine({ name: "kernel", result: kernelResult });
    expect(line).toBe(
      '{"bench":"kernel","eventsPerSec":5443683,"referenceEventsPerSec":6974794,"ratio":0.78}',
    );
    expect(JSON.parse(line)).toEqual({
      bench: "kernel",
      eventsPerSec: 5443683,
      referenceEventsPerSec: 6974794,
      ratio: 0.78,
    });
  });

  it("prints a table with grouped numbers, units and notes", () => {
    const table = formatBenchTable([
      { name: "kernel", result: { ...kernelResult, notes: ["ratio 0.50 is below the target 0.6"] } },
    ]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^benchmark\s+metric\s+value$/);
    expect(lines[1]).toMatch(/^kernel\s+kernel\s+5 443 683 events\/s$/);
    expect(lines[2]).toMatch(/^\s+reference heap loop\s+6 974 794 events\/s$/);
    expect(lines[3]).toMatch(/kernel \/ reference\s+0\.78 ×$/);
    expect(lines[4]).toBe("  ! ratio 0.50 is below the target 0.6");
  });
});

describe("bench registry", () => {
  it("has unique names and finds the kernel benchmark", () => {
    const names = BENCHMARKS.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect(findBenchmark("kernel")?.name).toBe("kernel");
    expect(findBenchmark("nope")).toBeUndefined();
  });

  it("runs the kernel benchmark end to end on a small size and reports a sane ratio", async () => {
    const result = await findBenchmark("kernel")!.run({ rounds: 1, size: 50_000, log: () => {} });
    expect(result.ok).toBe(true);
    expect(result.metrics.map((m) => m.key)).toEqual(["eventsPerSec", "referenceEventsPerSec", "ratio"]);
    for (const m of result.metrics) expect(m.value).toBeGreaterThan(0);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});
