import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quorate } from "../support/cli.js";

/** An ANSI colour escape. */
const ESC = new RegExp(`${String.fromCharCode(27)}\\[`);

const EXPERIMENT = "experiments/haproxy-cp-power-cycle.yaml";

describe("quorate run", () => {
  it("prints the experiment, model and seed, a timeline and a passing summary (exit 0)", () => {
    const r = quorate(["run", EXPERIMENT, "--seed", "7"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^experiment haproxy-cp-power-cycle\s+model vsphere-vms\s+seed 7$/);
    expect(r.stdout).toContain("timeline");
    expect(r.stdout).toMatch(/01:00\.000 {2}▶ step: vm\.powerOff cp-0/);
    expect(r.stdout).toMatch(/Server kube_api_backend\/cp-0 is DOWN/);
    expect(r.stdout).toMatch(/PASSED \(5\/5 expectations\)/);
    expect(r.stdout).not.toMatch(ESC); // NO_COLOR is honoured
  });

  it("colours the timeline unless NO_COLOR or --no-color", () => {
    const colored = quorate(["run", EXPERIMENT], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(colored.stdout).toMatch(ESC);
    const plain = quorate(["run", EXPERIMENT, "--no-color"], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(plain.stdout).not.toMatch(ESC);
  });

  it("--format json prints one document with the documented fields", () => {
    const r = quorate(["run", EXPERIMENT, "--format", "json", "--seed", "3"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      format: "quorate.dev/run-result/v1",
      experiment: "haproxy-cp-power-cycle",
      model: "vsphere-vms",
      seed: 3,
      durationUs: 600_000_000,
      duration: "10m0s",
      passed: true,
    });
    expect(doc.expectations).toHaveLength(5);
    for (const e of doc.expectations)
      expect(Object.keys(e)).toEqual(expect.arrayContaining(["that", "expected", "observed", "passed"]));
    expect(doc.availability[0]).toMatchObject({ name: "endpoint", unavailableUs: 0 });
    const down = doc.timeline.find((t: { kind: string; subject: string }) => t.kind === "lb.backend");
    expect(down).toMatchObject({ subject: "kube_api_backend/cp-0", tone: "fault" });
    expect(down.tUs).toBeGreaterThan(60_000_000 + 20_000_000);
    expect(down.tUs).toBeLessThan(60_000_000 + 60_000_000);
  });

  it("exits 1 when an expectation fails, and says which", () => {
    // With rise 1 the backend comes back after a single check, so "UP first between 5m and 6m" fails.
    const r = quorate(["run", EXPERIMENT, "--set", "lb.rise=1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL lb\.backend\[cp-0\]\.up: expected true first between 5m0s and 6m0s; observed already since 4m\d\d/,
    );
    expect(r.stdout).toMatch(/FAILED \(4\/5 expectations\)/);
  });

  it("--until stops the run early", () => {
    const r = quorate(["run", EXPERIMENT, "--until", "2m", "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.durationUs).toBe(120_000_000);
    expect(doc.timeline.every((t: { tUs: number }) => t.tUs <= 120_000_000)).toBe(true);
  });

  it("refuses bad flags with exit 2 and no stack trace", () => {
    for (const args of [
      ["run", EXPERIMENT, "--until", "5 minutes"],
      ["run", EXPERIMENT, "--seed", "-1"],
      ["run", EXPERIMENT, "--set", "lb.inter"],
      ["run", EXPERIMENT, "--set", "lb.intr=2s"],
      ["run", EXPERIMENT, "--set", "lb.inter=2 minutes"],
      ["run", EXPERIMENT, "--format", "xml"],
      ["run", EXPERIMENT, "--bogus"],
      ["run", "no/such/file.yaml"],
      ["frobnicate"],
    ]) {
      const r = quorate(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
      expect(r.stderr.length, args.join(" ")).toBeGreaterThan(0);
    }
    expect(quorate(["run", EXPERIMENT, "--set", "lb.intr=2s"]).stderr).toContain('did you mean "lb.inter"');
  });

  it("--trace writes every record as JSONL, and nothing at all when the input is bad", () => {
    const dir = mkdtempSync(join(tmpdir(), "quorate-trace-"));
    const good = join(dir, "good.jsonl");
    expect(quorate(["run", EXPERIMENT, "--trace", good]).code).toBe(0);
    const lines = readFileSync(good, "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThan(30);
    for (const l of lines.slice(0, 50))
      expect(Object.keys(JSON.parse(l)).slice(0, 3)).toEqual(["t", "kind", "subject"]);
    const bad = join(dir, "bad.jsonl");
    expect(quorate(["run", "test/fixtures/bad/unknown-action.yaml", "--trace", bad]).code).toBe(2);
    expect(existsSync(bad)).toBe(false);
    expect(readdirSync(dir)).toEqual(["good.jsonl"]);
  });
});

describe("quorate schema", () => {
  it("prints a JSON Schema that describes experiment files", () => {
    const r = quorate(["schema"]);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(JSON.stringify(schema)).toContain("vm.powerOff");
    expect(schema.properties.spec.properties.steps).toBeDefined();
  });
});

describe("quorate validate", () => {
  it("accepts good files and refuses bad ones with exit 2", () => {
    const ok = quorate(["validate", EXPERIMENT]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`ok ${EXPERIMENT}`);
    const bad = quorate(["validate", EXPERIMENT, "test/fixtures/bad/unknown-action.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown-action\.yaml:\d+:\d+: /);
  });
});
