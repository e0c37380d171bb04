/** An interrupted sweep (Ctrl-C) keeps its finished runs and `--resume` completes it. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, quorate, ROOT } from "../support/cli.js";

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";
const _SWEEP = [EXPERIMENT, "--seeds", "1..12", "--vary", "lb.inter=10s,20s"];
const dir = mkdtempSync(join(tmpdir(), "quorate-sweep-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("interrupted sweeps", () => {
  it("resumes an interrupted sweep without losing or repeating a run", async () => {
    const out = join(dir, "interrupted");
    const args = ["sweep", EXPERIMENT, "--seeds", "1..800", "--workers", "1", "--out", out];
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
    });
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
    expect(stderr).toMatch(/interrupted after \d+ of 800 runs; they are saved in/);
    const saved = readFileSync(partial, "utf8").trim().split("\n").length - 1;
    expect(saved).toBeGreaterThan(10);
    expect(saved).toBeLessThan(800);

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
    expect(final).toHaveLength(801);
    const seeds = final.slice(1).map((l) => JSON.parse(l).seed);
    expect(seeds).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    expect(existsSync(partial)).toBe(false);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runs: 800, passed: true });
  });
});

describe("resuming a sweep whose model profile changed", () => {
  it("is refused: the header fingerprints the model profile as well as the experiment", () => {
    const work = mkdtempSync(join(tmpdir(), "quorate-sweep-model-"));
    try {
      const model = readFileSync(join(ROOT, "models", "etcd-vms.yaml"), "utf8");
      writeFileSync(join(work, "profile.yaml"), model);
      const experiment = readFileSync(join(ROOT, "experiments", "etcd-lose-follower.yaml"), "utf8");
      writeFileSync(
        join(work, "exp.yaml"),
        experiment.replace(/^ {2}model: .*$/m, "  model: ./profile.yaml"),
      );
      const out = join(work, "out");
      const args = ["sweep", join(work, "exp.yaml"), "--seeds", "1..2", "--workers", "1", "--out", out];
      const first = quorate(args);
      expect(first.code, first.stderr).toBe(0);
      const header = JSON.parse(readFileSync(join(out, "runs.jsonl"), "utf8").split("\n")[0]!);
      expect(header.modelSha256).toMatch(/^[0-9a-f]{64}$/);
      // The same sweep again: taken over as finished.
      expect(quorate([...args, "--resume"]).code).toBe(0);
      // Edit the profile (a comment is enough: the bytes differ), then resume: refused.
      writeFileSync(join(work, "profile.yaml"), `# edited\n${model}`);
      const refused = quorate([...args, "--resume"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("holds a different sweep");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
