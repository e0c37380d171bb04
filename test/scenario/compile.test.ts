import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CompileResolvers,
  type ExperimentPlan,
  formatInputErrors,
  type InputError,
  loadExperimentText,
  nameResolvers,
  type PlannedStep,
} from "../../src/scenario/index.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";

const HOSTS = ["cp-0", "cp-1", "cp-2", "worker-0", "worker-1"];
const names = nameResolvers({
  targets: { vm: HOSTS, host: HOSTS },
  parameters: ["capi.mhc.unhealthyTimeout", "10"],
});
/** Also resolves roles to names, the way a world does. */
const resolvers: CompileResolvers = {
  ...names,
  resolveTarget: (kind, text) => {
    const role = /^controlPlane\[(\d)\]$/.exec(text);
    return names.resolveTarget(kind, role ? `cp-${role[1]}` : text);
  },
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
/** The action steps of a plan (a list with no waits). */
function actionsOf(plan: ExperimentPlan): PlannedStep[] {
  return plan.steps.filter((s): s is PlannedStep => s.kind === "action");
}
function messagesOf(spec: string): string[] {
  const { plan, errors } = compile(spec);
  expect(plan).toBeUndefined();
  return errors.map((e) => `${e.line}:${e.col} ${e.message}`);
}

describe("step times", () => {
  it("makes times absolute: at from the start, after from the previous step, the first at 0 by default", () => {
    const plan = planOf(`  duration: 10m
  steps:
    - do: vm.powerOff
      target: cp-0
    - after: 1.5s
      do: vm.powerOn
      target: cp-0
    - at: 2m
      do: vm.reset
      target: controlPlane[1]
    - at: 2m
      do: net.heal
    - after: 8m
      do: vm.delete
      target: cp-2
`);
    expect(actionsOf(plan).map((s) => [s.index, s.atUs, s.action, s.target ?? "-", s.line])).toEqual([
      [0, 0, "vm.powerOff", "cp-0", 7],
      [1, 1.5 * SECOND, "vm.powerOn", "cp-0", 9],
      [2, 2 * MINUTE, "vm.reset", "cp-1", 12],
      [3, 2 * MINUTE, "net.heal", "-", 15],
      [4, 10 * MINUTE, "vm.delete", "cp-2", 17],
    ]);
  });

  it("refuses a later step without a time, both at and after, going back, and going past the end", () => {
    expect(
      messagesOf(`  duration: 10m
  steps:
    - at: 5m
      do: net.heal
    - do: net.heal
    - at: 1m
      after: 1s
      do: net.heal
    - at: 4m
      do: net.heal
    - after: 6m
      do: net.heal
`),
    ).toEqual([
      '9:7 the step has no "at:" or "after:"',
      '11:7 the step has both "at:" and "after:"',
      "13:11 the step is at 4m0s, before the step on line 7 (at 5m0s)",
    ]);
    // A step whose time is unknown does not make the next relative step an error as well.
    expect(
      messagesOf(
        "  duration: 10m\n  steps:\n    - at: 11m\n      do: net.heal\n    - after: 1m\n      do: net.heal\n",
      ),
    ).toEqual(["7:11 the step would happen at 11m0s, after the run ends (spec.duration is 10m0s)"]);
  });

  it("agrees with a model of the timing rules for any sequence of at/after", () => {
    const stepArb = fc.record({ kind: fc.constantFrom("at", "after"), s: fc.nat({ max: 300 }) });
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 900 }),
        (steps, durationS) => {
          const yaml = steps.map((st) => `    - ${st.kind}: ${st.s}s\n      do: net.heal\n`).join("");
          const { plan, errors } = compile(`  duration: ${durationS + 1}s\n  steps:\n${yaml}`);
          let t = 0;
          let valid = true;
          const times: number[] = [];
          for (const st of steps) {
            const next = st.kind === "at" ? st.s : t + st.s;
            if (next < t || next > durationS + 1) valid = false;
            t = next;
            times.push(next * SECOND);
          }
          expect(errors.length === 0).toBe(valid);
          if (plan) expect(plan.steps.map((p) => p.atUs)).toEqual(times);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("targets and arguments", () => {
  it("parses distributions and resolves partition hosts", () => {
    const steps = actionsOf(
      planOf(`  duration: 10m
  steps:
    - do: net.delay
      target: cp-0
      latency: 5ms
    - after: 0s
      do: disk.slow
      target: cp-1
      fsync: {normal: {mean: 10ms, stddev: 2ms}}
    - after: 0s
      do: net.delay
      target: cp-2
      latency: {exponential: 1ms}
    - after: 0s
      do: net.partition
      groups: [["controlPlane[0]"], [cp-1, cp-2]]
      note: split
`),
    );
    expect(steps.map((s) => s.args)).toEqual([
      { latency: { kind: "constant", value: 5000 } },
      { fsync: { kind: "normal", mean: 10000, stddev: 2000 } },
      { latency: { kind: "exponential", mean: 1000 } },
      { groups: [["cp-0"], ["cp-1", "cp-2"]] },
    ]);
    expect(steps[3]?.note).toBe("split");
  });

  it("refuses unknown targets, a host in two groups and impossible distributions, all in one pass", () => {
    expect(
      messagesOf(`  duration: 10m
  steps:
    - do: vm.powerOff
      target: cp-9
    - after: 0s
      do: net.partition
      groups: [[cp-0, cp-1], [cp-1]]
    - after: 0s
      do: disk.slow
      target: cp-0
      fsync: {lognormal: {p50: 5ms, p99: 1ms}}
`),
    ).toEqual([
      '8:15 unknown VM "cp-9"',
      '11:31 host "cp-1" is in two groups (also at line 11)',
      "15:42 p99 (1ms) is below p50 (5ms)",
    ]);
  });
});

describe("expectations and overrides", () => {
  it("compiles every kind of window", () => {
    const plan = planOf(`  duration: 30m
  expect:
    - {that: a, at: 1m}
    - {that: b, is: 2, between: [1m, 2m]}
    - {that: c, within: 20m}
    - {that: d, after: 5m}
    - {that: e, after: 5m, within: 10m, quote: "five to ten"}
`);
    expect(plan.expectations.map((e) => e.window)).toEqual([
      { kind: "at", atUs: MINUTE },
      { kind: "between", startUs: MINUTE, endUs: 2 * MINUTE },
      { kind: "eventually", notBeforeUs: 0, byUs: 20 * MINUTE },
      { kind: "eventually", notBeforeUs: 5 * MINUTE, byUs: 30 * MINUTE },
      { kind: "eventually", notBeforeUs: 5 * MINUTE, byUs: 10 * MINUTE },
    ]);
    expect(plan.expectations[1]?.is).toBe(2);
    expect(plan.expectations[4]?.quote).toBe("five to ten");
  });

  it("refuses windows that cannot be checked", () => {
    expect(
      messagesOf(`  duration: 30m
  expect:
    - {that: a, at: 1m, within: 2m}
    - {that: b, between: [2m, 1m]}
    - {that: c, within: 0s}
    - {that: d, after: 10m, within: 5m}
    - {that: e, at: 31m}
    - {that: f}
`),
    ).toEqual([
      '7:25 "within:" cannot be combined with "at:"',
      "8:31 the window ends (1m0s) before it starts (2m0s)",
      "9:25 within: 0s leaves no time for it to happen",
      '10:24 "after: 10m0s" is later than "within: 5m0s"',
      "11:21 31m0s is after the run ends (spec.duration is 30m0s)",
      "12:8 the expectation has no time",
    ]);
  });

  it("keeps overrides in file order and checks their names", () => {
    const plan = planOf("  duration: 1m\n  set:\n    capi.mhc.unhealthyTimeout: 5m\n    10: 1\n");
    expect(plan.set.map((o) => [o.name, o.value, o.line])).toEqual([
      ["capi.mhc.unhealthyTimeout", "5m", 7],
      ["10", 1, 8],
    ]);
    expect(messagesOf("  duration: 1m\n  set:\n    capi.mhc.unhealthyTimout: 5m\n")).toEqual([
      '7:5 unknown parameter "capi.mhc.unhealthyTimout"',
    ]);
  });

  it("refuses a run of zero length", () => {
    expect(messagesOf("  duration: 0s\n")).toEqual(["5:13 the run lasts 0s"]);
  });
});
