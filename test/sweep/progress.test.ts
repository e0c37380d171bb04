/**
 * The progress bar: drawn (with an ETA) when the sweep runs on a terminal, absent when output is
 * piped. The terminal is provided by util-linux `script`; without it that half is skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, quorate, ROOT } from "../support/cli.js";

const SWEEP = ["sweep", "experiments/haproxy-cp-power-cycle.yaml", "--seeds", "1..40", "--workers", "1"];

function hasScript(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("sweep progress bar", () => {
  it("is not drawn when output is piped", () => {
    const r = quorate(SWEEP);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ETA|\r/);
    expect(r.stderr).not.toContain(`${String.fromCharCode(27)}[`); // no terminal escapes
    expect(r.stderr).toMatch(/^quorate: 40 runs in [\d.]+s \([\d.]+ runs\/s, 1 worker\)\n$/);
  });

  it.skipIf(!hasScript())("is drawn with an ETA on a terminal", () => {
    const command = [process.execPath, BIN, ...SWEEP].map((w) => `'${w}'`).join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.stdout).toMatch(/sweep \[[^\]]+\] \d+% \| \d+\/40 runs \| 0 failing \| ETA/);
    expect(r.stdout).toContain("VERDICT: holds");
  });
});
