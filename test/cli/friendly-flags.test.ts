/**
 * What the command line says back to a newcomer: an `--at` the run never reaches is refused before
 * the run, `--seed` refusals echo what was typed, `validate` takes model profiles too, and counts
 * are written with the right plural.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

const KUBE = "experiments/kube-apiserver-down.yaml"; // 5m long
const dir = mkdtempSync(join(tmpdir(), "quorate-flags-"));

describe("quorate run --at", () => {
  it("refuses an instant after the end of the run, before running, and says why", () => {
    const r = quorate(["run", KUBE, "--at", "1m30s", "--at", "7m"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("quorate: --at 7m is after the end of the run (5m0s)");
    expect(r.stderr).toMatch(/Hint: .*give an instant up to 5m0s/);
  });

  it("counts --until as the end of the run", () => {
    const r = quorate(["run", "experiments/haproxy-cp-power-cycle.yaml", "--until", "2m", "--at", "3m"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--at 3m is after the end of the run (2m0s)");
  });

  it("takes an instant exactly at the end", () => {
    const r = quorate(["run", "experiments/haproxy-cp-power-cycle.yaml", "--at", "10m", "--show", "lb"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("== at 10m0s ==");
  });
});

describe("quorate run --seed", () => {
  it("echoes the input it refuses", () => {
    const r = quorate(["run", "experiments/haproxy-cp-power-cycle.yaml", "--seed", "abc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed "abc": expected a whole number from 0 to 4294967295');
    expect(r.stderr).not.toContain("NaN");
  });
});

describe("quorate validate", () => {
  it("accepts the shipped model profiles, with experiments in the same call", () => {
    const r = quorate([
      "validate",
      "models/capv.yaml",
      "models/vsphere-vms.yaml",
      "experiments/haproxy-cp-power-cycle.yaml",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ok models\/capv\.yaml \(model capv: layers infra, etcd, kube, capi; \d+ parameters\)$/m,
    );
    expect(r.stdout).toMatch(/^ok models\/vsphere-vms\.yaml \(model vsphere-vms/m);
    expect(r.stdout).toContain("ok experiments/haproxy-cp-power-cycle.yaml (4 steps, 5 expectations)");
  });

  it("refuses a profile with a bad parameter value, at the value", () => {
    const file = join(dir, "model.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: quorate.dev/v1alpha1",
        "kind: Model",
        "metadata:",
        "  name: mine",
        "spec:",
        "  layers: [infra]",
        "  parameters:",
        "    lb.inter:",
        "      value: 2",
        "      source: me",
        "",
      ].join("\n"),
    );
    const r = quorate(["validate", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('found "Model"');
    expect(r.stderr).toContain(`${file}:9:14: spec.parameters["lb.inter"].value: expected a duration`);
  });

  it("writes counts of one in the singular", () => {
    const file = join(dir, "one.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: quorate.dev/v1alpha1",
        "kind: Experiment",
        "metadata:",
        "  name: one",
        "spec:",
        "  duration: 2m",
        "  steps:",
        "    - at: 1m",
        "      do: vm.powerOff",
        "      target: cp-0",
        "  expect:",
        "    - that: endpoint.available",
        "      at: 90s",
        "",
      ].join("\n"),
    );
    expect(quorate(["validate", file]).stdout).toBe(`ok ${file} (1 step, 1 expectation)\n`);
    const sweep = quorate(["sweep", file, "--seeds", "1..1", "--workers", "0"]);
    expect(sweep.stdout).toMatch(/^seeds 1 \(1\) × 1 combination = 1 run$/m);
    expect(sweep.stdout).toContain("(1 run, 1 passed everything)");
    expect(sweep.stdout).not.toMatch(/\b1 (runs|steps|expectations|combinations|seeds)\b/);
  });
});
