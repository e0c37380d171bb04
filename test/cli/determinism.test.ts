/**
 * Determinism is a feature: the same experiment and seed, run in two separate processes, give
 * byte-identical JSONL traces; a different seed gives a different trace.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-det-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function traceOf(experiment: string, seed: number, name: string): string {
  const file = join(dir, name);
  const r = quorate(["run", experiment, "--seed", String(seed), "--trace", file, "--format", "json"]);
  expect(r.code, r.stderr).toBeLessThan(2);
  return readFileSync(file, "utf8");
}

describe("determinism across processes", () => {
  const experiment = "experiments/haproxy-cp-power-cycle.yaml";

  it("same seed → byte-identical trace", () => {
    const a = traceOf(experiment, 42, "a.jsonl");
    const b = traceOf(experiment, 42, "b.jsonl");
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
  });

  it("different seed → different trace", () => {
    const a = traceOf(experiment, 42, "c.jsonl");
    const b = traceOf(experiment, 43, "d.jsonl");
    expect(b).not.toBe(a);
  });
});
