/**
 * Compiling the runbook language: waits, triggers, repetition, selectors and whole-run
 * expectations, with the timing rules of src/scenario/compile.ts (times after a wait are only
 * known at run time, so compile keeps the timing as written and checks the earliest time).
 */
import { describe, expect, it } from "vitest";
import {
  type ExperimentPlan,
  formatInputErrors,
  type InputError,
  loadExperimentText,
  nameResolvers,
} from "../../src/scenario/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";

const HOSTS = ["cp-0", "cp-1", "cp-2", "worker-0", "worker-1"];
const names = nameResolvers({
  targets: { vm: HOSTS, host: HOSTS },
  conditions: ["lb.backendsUp", "vm[cp-0].running", "endpoint.available"],
  metrics: ["endpoint.unavailable", "lostWrites"],
  roles: ["workers", "controlPlanes", "etcd.leader"],
});
const resolvers = {
  ...names,
  resolveTarget: (kind: "vm" | "host", text: string) =>
    names.resolveTarget(kind, text.replace(/^worker\[(\d)\]$/, "worker-$1")),
};

const HEAD = "apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n";

function compile(spec: string): { plan?: ExperimentPlan; errors: InputError[] } {
  const r = loadExperimentText(HEAD + spec, "t.yaml", resolvers);
  return r.ok ? { plan: r.plan, errors: [] } : { errors: r.errors };
}
function planOf(spec: string): ExperimentPlan {
  const { plan, errors } = compile(spec);
  if (plan === undefined) throw new Error(formatInputErrors(errors));
  return plan;
}
function messagesOf(spec: string): string[] {
  const { plan, errors } = compile(spec);
  expect(plan).toBeUndefined();
  return errors.map((e) => `${e.line}:${e.col} ${e.message}`);
}

describe("step timing around waits", () => {
  it("keeps each step's timing; times after a wait are earliest times, not exact ones", () => {
    const plan = planOf(`  duration: 30m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - waitFor: lb.backendsUp < 3
      timeout: 2m
    - do: vm.powerOff
      target: cp-1
    - after: 3m
      do: vm.powerOn
      target: cp-0
    - at: 10m
      waitFor: lb.backendsUp == 3
      onTimeout: continue
`);
    expect(plan.steps.map((s) => [s.kind, s.path, s.timing, s.atUs, s.timeKnown])).toEqual([
      ["action", "spec.steps[0]", { kind: "at", us: MINUTE }, MINUTE, true],
      ["wait", "spec.steps[1]", { kind: "after", us: 0 }, MINUTE, true],
      ["action", "spec.steps[2]", { kind: "after", us: 0 }, MINUTE, false],
      ["action", "spec.steps[3]", { kind: "after", us: 3 * MINUTE }, 4 * MINUTE, false],
      ["wait", "spec.steps[4]", { kind: "at", us: 10 * MINUTE }, 10 * MINUTE, false],
    ]);
    expect(plan.steps[1]).toMatchObject({
      condition: "lb.backendsUp < 3",
      timeoutUs: 2 * MINUTE,
      onTimeout: "fail",
    });
    expect(plan.steps[4]).toMatchObject({ onTimeout: "continue" });
    expect(plan.steps[4]).not.toHaveProperty("timeoutUs");
  });

  it("refuses times that go back or past the end even across a wait, and impossible waits", () => {
    expect(
      messagesOf(`  duration: 10m
  steps:
    - at: 5m
      do: net.heal
    - waitFor: lb.backendsUp == 3
      timeout: 0s
    - after: 0s
      waitFor: lostWrites == 0
    - after: 6m
      do: net.heal
    - do: net.heal
    - at: 4m
      do: net.heal
`),
    ).toEqual([
      "10:16 timeout: 0s gives up at once",
      "12:16 lostWrites is a metric of the whole run, known only when the run ends",
      "13:14 the step would happen at the earliest at 11m0s, after the run ends (spec.duration is 10m0s)",
      '15:7 the step has no "at:" or "after:"',
      "16:11 the step is at 4m0s, before the step on line 11 (at 5m0s)",
    ]);
  });
});

describe("triggers", () => {
  it("compiles the condition, once (default true) and the steps, timed from the firing", () => {
    const plan = planOf(`  duration: 30m
  triggers:
    - when: lb.backendsUp < 3
      note: page the operator
      steps:
        - after: 3m
          do: vm.powerOn
          target: cp-0
        - waitFor: lb.backendsUp == 3
    - when: endpoint.available == false
      once: false
      steps:
        - do: vm.reset
          target: {role: worker, index: 1}
`);
    expect(plan.steps).toEqual([]);
    expect(plan.triggers.map((t) => [t.index, t.when, t.once, t.note ?? "-", t.line])).toEqual([
      [0, "lb.backendsUp < 3", true, "page the operator", 7],
      [1, "endpoint.available == false", false, "-", 14],
    ]);
    // Trigger steps are timed from the firing: 3m after it, exactly.
    expect(plan.triggers[0]?.steps.map((s) => [s.path, s.atUs, s.timeKnown])).toEqual([
      ["spec.triggers[0].steps[0]", 3 * MINUTE, true],
      ["spec.triggers[0].steps[1]", 3 * MINUTE, true],
    ]);
    expect(plan.triggers[1]?.steps[0]).toMatchObject({ action: "vm.reset", target: "worker-1" });
  });

  it("refuses at: in a trigger's steps, unknown conditions and steps beyond the run", () => {
    expect(
      messagesOf(`  duration: 10m
  triggers:
    - when: lb.backendUp < 3
      steps:
        - at: 5m
          do: net.heal
    - when: vm[cp-0].running
      steps:
        - after: 11m
          do: net.heal
`),
    ).toEqual([
      '7:13 unknown condition "lb.backendUp"',
      '9:11 a trigger\'s step has "at:"',
      "13:18 the step would happen 11m0s after the trigger fires, after the run ends even if it fired at once (spec.duration is 10m0s)",
    ]);
  });
});

describe("repeat", () => {
  it("compiles every/times/until; the next step counts from the last repetition", () => {
    const plan = planOf(`  duration: 30m
  steps:
    - at: 1m
      do: vm.reset
      target: worker-0
      repeat: {every: 30s, times: 4}
    - after: 1m
      do: vm.powerOn
      target: workers
      repeat: {every: 1m, until: "vm[cp-0].running"}
    - after: 0s
      do: net.heal
`);
    expect(plan.steps.map((s) => [s.atUs, s.timeKnown, s.kind === "action" ? s.repeat : undefined])).toEqual([
      [MINUTE, true, { everyUs: 30 * SECOND, times: 4 }],
      [3.5 * MINUTE, true, { everyUs: MINUTE, until: "vm[cp-0].running" }],
      [4.5 * MINUTE, false, undefined],
    ]);
    expect(plan.steps[1]).toMatchObject({ target: "workers" });
  });

  it("refuses a repetition without an end or a pause, and an at: inside a repetition", () => {
    expect(
      messagesOf(`  duration: 30m
  steps:
    - at: 1m
      do: vm.reset
      target: worker-0
      repeat: {every: 0s, times: 2}
    - after: 0s
      do: vm.reset
      target: worker-0
      repeat: {every: 1m, times: 3}
    - at: 2m
      do: net.heal
    - after: 0s
      do: net.heal
      repeat: {every: 10s}
`),
    ).toEqual([
      "10:23 every: 0s would repeat without a pause",
      "15:11 the step is at 2m0s, before the step on line 11 (repeating until 3m0s)",
      '19:15 the repetition has no end: "times:" or "until:" is missing',
    ]);
  });
});

describe("targets", () => {
  it("accepts names, indexed roles, run-time roles and selectors, and refuses unknown ones", () => {
    const plan = planOf(`  duration: 10m
  steps:
    - do: vm.reset
      target: {role: workers}
    - after: 0s
      do: vm.reset
      target: etcd.leader
    - after: 0s
      do: vm.reset
      target: workers[1]
`);
    expect(plan.steps.map((s) => (s.kind === "action" ? s.target : "-"))).toEqual([
      "workers",
      "etcd.leader",
      "workers[1]",
    ]);
    expect(
      messagesOf("  duration: 10m\n  steps:\n    - do: vm.reset\n      target: {role: wrkers}\n"),
    ).toEqual(['8:22 unknown VM "wrkers"']);
    expect(
      messagesOf("  duration: 10m\n  steps:\n    - do: vm.reset\n      target: {rol: workers}\n"),
    ).toEqual(['8:16 unknown field "rol"']);
  });

  it("says a step does one thing: an action or a wait", () => {
    const errors = compile(`  duration: 10m
  steps:
    - waitFor: lb.backendsUp == 3
      do: vm.reset
`).errors;
    expect(formatInputErrors(errors)).toContain('t.yaml:8:7: spec.steps[0].do: unknown field "do"');
    expect(formatInputErrors(errors)).toContain("put the action in a step of its own");
  });
});

describe("expectations on metrics and counts", () => {
  it("checks metrics and counts without a time at the end of the run; counts with a time like signals", () => {
    const plan = planOf(`  duration: 10m
  expect:
    - that: lostWrites == 0
    - that: endpoint.unavailable < 20s
    - that: events(vm.power) >= 2
    - that: events(vm.power[cp-0]) == 1
      within: 5m
`);
    expect(plan.expectations.map((e) => e.window)).toEqual([
      { kind: "end" },
      { kind: "end" },
      { kind: "end" },
      { kind: "eventually", notBeforeUs: 0, byUs: 5 * MINUTE },
    ]);
  });

  it("refuses a time on a metric, and a signal without one", () => {
    expect(
      messagesOf(`  duration: 10m
  expect:
    - that: lostWrites == 0
      between: [0s, 10m]
    - that: endpoint.available
`),
    ).toEqual([
      '8:7 "between:" does not apply to lostWrites == 0: a metric is one number for the whole run',
      "9:7 the expectation has no time",
    ]);
  });
});
