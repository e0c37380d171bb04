/**
 * `quorate sweep` as a user runs it: bad input is refused before anything runs, results do not
 * depend on the number of workers, shards run as separate processes merge into the very same
 * summary, and an interrupted sweep resumes without losing or repeating runs.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, quorate, ROOT } from "../support/cli.js";

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";
/** lb.inter=20s makes some seeds miss "all three backends UP by 8m" (and others always fail). */
const SWEEP = [EXPERIMENT, "--seeds", "1..12", "--vary", "lb.inter=10s,20s"];
const dir = mkdtempSync(join(tmpdir(), "quorate-sweep-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs quorate without blocking, so several shards can run at once. */
function quorateAsync(args: readonly string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("quorate sweep", () => {
  it("prints pass rates, failing seeds and re-run commands, and exits 1 when a runbook step fails", () => {
    const r = quorate([...SWEEP, "--workers", "2"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("seeds 1..12 (12) × 2 combinations = 24 runs");
    expect(r.stdout).toMatch(/combination lb\.inter=10s[^\n]*\n[\s\S]*verdict: holds in every seed \(12\/12\)/);
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
    const r = quorate([EXPERIMENT, "--seeds", "1..4", "--workers", "1"].map((a, i) => (i === 0 ? a : a)).slice(0));
    // (positional first: `quorate sweep FILE …`)
    const ok = quorate(["sweep", EXPERIMENT, "--seeds", "1..4", "--workers", "1"]);
    expect(r.code).toBe(2); // no command given: bad input
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
    expect(readdirSync(out).sort()).toEqual(["shard-0-of-3.jsonl", "shard-1-of-3.jsonl", "shard-2-of-3.jsonl"]);

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

  it("resumes an interrupted sweep without losing or repeating a run", async () => {
    const out = join(dir, "interrupted");
    const args = ["sweep", EXPERIMENT, "--seeds", "1..3000", "--workers", "1", "--out", out];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const partial = join(out, "runs.partial.jsonl");
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    // Wait until some runs are saved, then press Ctrl-C.
    for (let i = 0; i < 400; i++) {
      if (existsSync(partial) && readFileSync(partial, "utf8").split("\n").length > 20) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted after \d+ of 3000 runs; they are saved in/);
    const saved = readFileSync(partial, "utf8").trim().split("\n").length - 1;
    expect(saved).toBeGreaterThan(10);
    expect(saved).toBeLessThan(3000);

    const refused = quorate(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("add --resume");

    // Resume a shorter sweep into the same directory: refused (different seeds).
    const other = quorate(["sweep", EXPERIMENT, "--seeds", "1..10", "--out", out, "--resume"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("holds a different sweep");

    const resumed = quorate([...args, "--resume", "--format", "json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${saved} taken over from the earlier attempt`);
    const final = readFileSync(join(out, "runs.jsonl"), "utf8").trim().split("\n");
    expect(final).toHaveLength(3001);
    const seeds = final.slice(1).map((l) => JSON.parse(l).seed);
    expect(seeds).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(existsSync(partial)).toBe(false);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runs: 3000, passed: true });
  });

  it("refuses bad input with exit 2 before running anything, leaving no files", () => {
    const cases: [string[], RegExp][] = [
      [["no/such.yaml", "--seeds", "1..3"], /no\/such\.yaml/],
      [["test/fixtures/bad/unknown-action.yaml", "--seeds", "1..3"], /unknown-action\.yaml:\d+:\d+/],
      [[EXPERIMENT, "--seeds", "10..1"], /runs backwards/],
      [[EXPERIMENT, "--seeds", "x"], /not a seed or a range/],
      [[EXPERIMENT, "--seeds", "1..3", "--vary", "lb.intr=1s,2s"], /--vary lb\.intr=1s: unknown parameter[\s\S]*did you mean "lb\.inter"/],
      [[EXPERIMENT, "--seeds", "1..3", "--vary", "lb.inter=5s,5 minutes"], /--vary lb\.inter=5 minutes: .*bad duration/],
      [[EXPERIMENT, "--seeds", "1..3", "--vary", "lb.inter"], /expected key=value1,value2/],
      [[EXPERIMENT, "--seeds", "1..3", "--set", "lb.inter=5s", "--vary", "lb.inter=1s,2s"], /both --set and --vary/],
      [[EXPERIMENT, "--seeds", "1..3", "--resume"], /--resume needs --out/],
      [[EXPERIMENT, "--seeds", "1..3", "--shard", "3/3"], /from 0 to 2/],
      [[EXPERIMENT, "--seeds", "1..3", "--shards", "3"], /JOB_COMPLETION_INDEX/],
      [[EXPERIMENT, "--seeds", "1..3", "--workers", "-1"], /--workers/],
      [[EXPERIMENT], /seeds/],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, "bad");
      const r = quorate(["sweep", ...args, ...(args.includes("--out") ? [] : ["--out", out])]);
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
    const bad = quorate(["sweep", "k8s-job", EXPERIMENT, "--seeds", "1..9", "--shards", "2", "--image", "x", "--vary", "lb.nope=1"]);
    expect(bad.code).toBe(2);
  });
});
