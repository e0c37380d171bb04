/**
 * `quorate sweep` as a user runs it: bad input is refused before anything runs, results do not
 * depend on the number of workers, shards run as separate processes merge into the very same
 * summary, and an interrupted sweep resumes without losing or repeating runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { quorate } from "../support/cli.js";
import { quorateAsync } from "./spawn.js";

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";
/** lb.inter=20s makes some seeds miss "all three backends UP by 8m" (and others always fail). */
const SWEEP = [EXPERIMENT, "--seeds", "1..12", "--vary", "lb.inter=10s,20s"];
const dir = mkdtempSync(join(tmpdir(), "quorate-sweep-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quorate sweep", () => {
  it("prints pass rates, failing seeds and re-run commands, and exits 1 when a runbook step fails", () => {
    const r = quorate(["sweep", ...SWEEP, "--workers", "2"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("seeds 1..12 (12) × 2 combinations = 24 runs");
    expect(r.stdout).toMatch(
      /combination lb\.inter=10s[^\n]*\n[\s\S]*verdict: holds in every seed \(12\/12\)/,
    );
    expect(r.stdout).toMatch(
      /FAIL lb\.backendsUp == 3: true by 8m0s — holds in \d+\/12 seeds; fails in seeds [\d, ]+ — worst: seed \d+, observed at 8m/,
    );
    const rerun = /re-run: (quorate run \S+ --seed (\d+) --set lb\.inter=20s)/.exec(r.stdout);
    expect(rerun).not.toBeNull();
    // The printed command reproduces the failure on its own.
    const again = quorate(["run", EXPERIMENT, "--seed", rerun![2]!, "--set", "lb.inter=20s"]);
    expect(again.code).toBe(1);
    expect(r.stdout).toContain("VERDICT: does not hold");
  });

  it("exits 0 when every expectation holds in every seed", () => {
    const ok = quorate(["sweep", EXPERIMENT, "--seeds", "1..4", "--workers", "1"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("VERDICT: holds — every expectation held in all 4 runs");
  });

  it("gives the same summary and result file with 0, 1 or 2 workers", () => {
    const outs = ["w0", "w1", "w2"].map((name, workers) => {
      const out = join(dir, name);
      const r = quorate(["sweep", ...SWEEP, "--workers", String(workers), "--out", out, "--format", "json"]);
      expect(r.code, r.stderr).toBe(1);
      return { stdout: r.stdout, file: readFileSync(join(out, "runs.jsonl"), "utf8"), out };
    });
    expect(outs[1]!.stdout).toBe(outs[0]!.stdout);
    expect(outs[2]!.stdout).toBe(outs[0]!.stdout);
    expect(outs[2]!.file).toBe(outs[0]!.file);
    expect(readFileSync(join(outs[0]!.out, "summary.json"), "utf8")).toBe(outs[0]!.stdout);
    const summary = JSON.parse(outs[0]!.stdout);
    expect(summary).toMatchObject({ format: "quorate.dev/sweep-summary/v1", runs: 24, passed: false });
    const lines = outs[0]!.file.trim().split("\n");
    expect(lines).toHaveLength(25);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "sweep", seeds: "1..12", shard: null });
    const first = JSON.parse(lines[1]!);
    expect(Object.keys(first)).toEqual([
      "type",
      "combination",
      "seed",
      "passed",
      "expectations",
      "availability",
      "metrics",
      "findings",
      "events",
    ]);
    expect(first.expectations[0]).toEqual({ passed: true, observed: expect.stringMatching(/^at /) });
    expect(first.availability).toEqual({ endpoint: 0 });
  });

  it("refuses bad input with exit 2 before running anything, leaving no files", async () => {
    const cases: [string[], RegExp][] = [
      [["no/such.yaml", "--seeds", "1..3"], /no\/such\.yaml/],
      [["test/fixtures/bad/unknown-action.yaml", "--seeds", "1..3"], /unknown-action\.yaml:\d+:\d+/],
      [[EXPERIMENT, "--seeds", "10..1"], /runs backwards/],
      [[EXPERIMENT, "--seeds", "x"], /not a seed or a range/],
      [
        [EXPERIMENT, "--seeds", "1..3", "--vary", "lb.intr=1s,2s"],
        /--vary lb\.intr=1s: unknown parameter[\s\S]*did you mean "lb\.inter"/,
      ],
      [
        [EXPERIMENT, "--seeds", "1..3", "--vary", "lb.inter=5s,5 minutes"],
        /--vary lb\.inter=5 minutes: .*bad duration/,
      ],
      [[EXPERIMENT, "--seeds", "1..3", "--vary", "lb.inter"], /expected key=value1,value2/],
      [
        [EXPERIMENT, "--seeds", "1..3", "--set", "lb.inter=5s", "--vary", "lb.inter=1s,2s"],
        /both --set and --vary/,
      ],
      [[EXPERIMENT, "--seeds", "1..3", "--resume"], /--resume needs --out/],
      [[EXPERIMENT, "--seeds", "1..3", "--shard", "3/3"], /from 0 to 2/],
      [[EXPERIMENT, "--seeds", "1..3", "--shards", "3"], /JOB_COMPLETION_INDEX/],
      [[EXPERIMENT, "--seeds", "1..3", "--workers", "-1"], /--workers/],
      [[EXPERIMENT], /seeds/],
    ];
    const out = join(dir, "bad");
    const results = await Promise.all(
      cases.map(([args]) =>
        quorateAsync(["sweep", ...args, ...(args.includes("--resume") ? [] : ["--out", out])]),
      ),
    );
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
      expect(existsSync(out), args.join(" ")).toBe(false);
    }
  });
});

describe("quorate sweep k8s-job", () => {
  it("prints an Indexed Job whose pods run the shards", () => {
    const r = quorate([
      "sweep",
      "k8s-job",
      EXPERIMENT,
      "--seeds",
      "1..1000",
      "--vary",
      "lb.inter=10s,20s",
      "--shards",
      "10",
      "--image",
      "ghcr.io/example/quorate:dev",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Generated by quorate sweep k8s-job/);
    const job = parse(r.stdout);
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 10, backoffLimitPerIndex: 2 });
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(["quorate"]);
    expect(c.args.slice(0, 4)).toEqual(["sweep", EXPERIMENT, "--seeds", "1..1000"]);
    expect(c.args).toContain("--shards");
    const bad = quorate([
      "sweep",
      "k8s-job",
      EXPERIMENT,
      "--seeds",
      "1..9",
      "--shards",
      "2",
      "--image",
      "x",
      "--vary",
      "lb.nope=1",
    ]);
    expect(bad.code).toBe(2);
  });
});
