/**
 * Sharding as on Kubernetes: shards run as separate processes (one via JOB_COMPLETION_INDEX), and
 * `quorate sweep merge` gives the single-machine summary byte for byte.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";
import { quorateAsync } from "./spawn.js";

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";
const SWEEP = [EXPERIMENT, "--seeds", "1..12", "--vary", "lb.inter=10s,20s"];
const dir = mkdtempSync(join(tmpdir(), "quorate-sweep-shards-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sharded sweeps", () => {
  it("shards run as separate processes merge into the single-machine summary, byte for byte", async () => {
    const single = quorate(["sweep", ...SWEEP, "--workers", "1"]);
    const singleJson = quorate(["sweep", ...SWEEP, "--workers", "1", "--format", "json"]);
    const out = join(dir, "shards");
    const shards = await Promise.all([
      quorateAsync(["sweep", ...SWEEP, "--shard", "0/3", "--workers", "1", "--out", out]),
      quorateAsync(["sweep", ...SWEEP, "--shards", "3", "--workers", "1", "--out", out], {
        JOB_COMPLETION_INDEX: "1",
      }),
      quorateAsync(["sweep", ...SWEEP, "--shard", "2/3", "--workers", "1", "--out", out]),
    ]);
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    expect(shards[1]!.stdout).toContain("shard 1/3: 8 runs (seeds 5..8 × 2 combinations)");
    expect(readdirSync(out).sort()).toEqual([
      "shard-0-of-3.jsonl",
      "shard-1-of-3.jsonl",
      "shard-2-of-3.jsonl",
    ]);

    const merged = quorate(["sweep", "merge", out]);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toBe(single.stdout);
    const mergedJson = quorate(["sweep", "merge", out, "--format", "json"]);
    expect(mergedJson.stdout).toBe(singleJson.stdout);

    // Running a shard again (Kubernetes may start a second pod for an index) changes nothing.
    const before = readFileSync(join(out, "shard-1-of-3.jsonl"), "utf8");
    const again = quorate(["sweep", ...SWEEP, "--shard", "1/3", "--out", out, "--resume", "--print-shard"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(before);
    expect(readFileSync(join(out, "shard-1-of-3.jsonl"), "utf8")).toBe(before);

    // A missing shard is reported, not silently summarised.
    const partialDir = join(dir, "two-of-three");
    mkdirSync(partialDir);
    for (const f of ["shard-0-of-3.jsonl", "shard-2-of-3.jsonl"])
      writeFileSync(join(partialDir, f), readFileSync(join(out, f)));
    const incomplete = quorate(["sweep", "merge", partialDir]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toContain("missing shard 1 of 3");
  });
});
