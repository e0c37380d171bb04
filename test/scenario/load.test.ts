import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  formatInputErrors,
  loadExperiment,
  loadExperimentText,
  loadYamlFile,
  loadYamlText,
  nameResolvers,
} from "../../src/scenario/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";

const HOSTS = ["cp-0", "cp-1", "cp-2", "worker-0", "worker-1"];
const resolvers = nameResolvers({
  targets: { vm: HOSTS, host: HOSTS },
  conditions: ["writes.available", "recovery.complete", "etcd.leader"],
});

describe("good experiments", () => {
  it("compiles the minimal example to exactly this plan", () => {
    const r = loadExperiment("test/fixtures/good/minimal.yaml", resolvers);
    if (!r.ok) throw new Error(formatInputErrors(r.errors));
    expect(r.plan).toEqual({
      file: "test/fixtures/good/minimal.yaml",
      name: "minimal",
      model: "vsphere-vms",
      durationUs: 10 * MINUTE,
      set: [],
      steps: [
        {
          kind: "action",
          index: 0,
          path: "spec.steps[0]",
          timing: { kind: "after", us: 0 },
          atUs: 0,
          timeKnown: true,
          action: "vm.powerOff",
          target: "cp-0",
          args: {},
          line: 7,
          col: 7,
        },
      ],
      triggers: [],
      expectations: [
        { index: 0, that: "writes.available", window: { kind: "at", atUs: 10 * MINUTE }, line: 10, col: 7 },
      ],
    });
    expect(r.doc.spec.steps).toHaveLength(1);
    expect(r.locate(["spec", "duration"])).toEqual({ line: 5, col: 13 });
  });

  it("compiles the full example: times, distributions, overrides, windows", () => {
    const r = loadExperiment("test/fixtures/good/capv-two-cp-vms-deleted.yaml", resolvers);
    if (!r.ok) throw new Error(formatInputErrors(r.errors));
    const { plan } = r;
    expect([plan.name, plan.model, plan.seed, plan.durationUs]).toEqual([
      "capv-two-cp-vms-deleted",
      "capv",
      1,
      40 * MINUTE,
    ]);
    expect(plan.source).toBe("seeds/000");
    expect(plan.set.map((o) => [o.name, o.value])).toEqual([
      ["capi.mhc.unhealthyTimeout", "5m"],
      ["network.lossProbability", 0],
    ]);
    const steps = plan.steps.filter((s) => s.kind === "action");
    expect(steps.map((s) => [s.atUs / SECOND, s.action, s.target])).toEqual([
      [120, "vm.delete", "cp-0"],
      [130, "vm.delete", "cp-1"],
      [310, "vm.powerOn", "cp-1"],
      [340, "net.delay", "worker-0"],
      [360, "disk.slow", "cp-2"],
      [360, "net.partition", undefined],
      [420, "net.heal", undefined],
    ]);
    expect(steps[3]?.args).toEqual({ latency: { kind: "uniform", min: 10_000, max: 15_000 } });
    expect(steps[4]?.args).toEqual({ fsync: { kind: "lognormal", p50: 2_000, p99: 40_000 } });
    expect(plan.steps[1]?.note).toBe("second CP VM gone, quorum lost");
    expect(plan.expectations.map((e) => e.window)).toEqual([
      { kind: "between", startUs: 132 * SECOND, endUs: 140 * SECOND },
      { kind: "eventually", notBeforeUs: 0, byUs: 20 * MINUTE },
      { kind: "eventually", notBeforeUs: 5 * MINUTE, byUs: 30 * MINUTE },
      { kind: "at", atUs: 39 * MINUTE },
    ]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});

describe("files that cannot be read", () => {
  const dir = mkdtempSync(join(tmpdir(), "quorate-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says so without a position", () => {
    const missing = loadExperiment(join(dir, "nope.yaml"), resolvers);
    expect(!missing.ok && formatInputErrors(missing.errors)).toBe(
      `${join(dir, "nope.yaml")}: cannot read the file: it does not exist; expected a readable file`,
    );
    const folder = loadExperiment(dir, resolvers);
    expect(!folder.ok && folder.errors[0]?.message).toBe("cannot read the file: it is a directory");
  });
});

describe("generic YAML loading", () => {
  const Schema = z.strictObject({ name: z.string(), replicas: z.number().int().min(1) });

  it("validates any schema and locates paths", () => {
    const r = loadYamlText("name: web\nreplicas: 3\n", "x.yaml", Schema);
    expect(r.ok && r.value).toEqual({ name: "web", replicas: 3 });
    expect(r.ok && r.locate(["replicas"])).toEqual({ line: 2, col: 11 });
    const bad = loadYamlText("name: web\nreplicas: 0\nreplica: 2\n", "x.yaml", Schema);
    expect(!bad.ok && formatInputErrors(bad.errors)).toBe(
      "x.yaml:2:11: replicas: found 0, which is too small; expected a whole number of at least 1\n" +
        'x.yaml:3:1: replica: unknown field "replica"; expected one of name, replicas\n  Hint: did you mean "replicas"?',
    );
  });

  it("honours a smaller size limit", () => {
    const r = loadYamlFile("test/fixtures/good/minimal.yaml", Schema, { maxBytes: 10 });
    expect(!r.ok && r.errors[0]?.message).toMatch(/^the file is too large/);
  });
});

describe("loadExperimentText", () => {
  it("reports a failure inside quorate as an internal error, not a throw", () => {
    const throwing = {
      ...resolvers,
      checkCondition: () => {
        throw new Error("boom");
      },
    };
    const text =
      "apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nspec:\n  duration: 1m\n  expect: [{that: x, at: 1s}]\n";
    const r = loadExperimentText(text, "x.yaml", throwing);
    expect(!r.ok && formatInputErrors(r.errors)).toContain(
      "x.yaml:1:1: internal error while reading the experiment (Error: boom)",
    );
  });
});
