import { describe, expect, it } from "vitest";
import { evaluateExpectations } from "../../src/observe/expectations.js";
import type { ExperimentPlan, PlannedExpectation } from "../../src/scenario/plan.js";
import { MINUTE, SECOND, Simulation, type TraceRecord } from "../../src/sim/index.js";
import { installInfraSignals } from "../../src/world/infra-signals.js";
import { buildInfraWorld } from "../../src/world/infra-world.js";
import { ParameterSet } from "../../src/world/parameter-set.js";

const world = buildInfraWorld(new Simulation({ seed: 1 }), new ParameterSet(), "test");
installInfraSignals(world);

/** cp-0's backend goes DOWN at 1m47s and UP again at 5m9s; the first step is at 1m. */
const records: TraceRecord[] = [
  {
    t: 1 * MINUTE + 47 * SECOND,
    kind: "lb.backend",
    subject: "kube_api_backend/cp-0",
    to: "DOWN",
    active: 2,
  },
  { t: 2 * MINUTE, kind: "lb.backend", subject: "kube_api_backend/cp-1", to: "DOWN", active: 1 },
  { t: 5 * MINUTE + 9 * SECOND, kind: "lb.backend", subject: "kube_api_backend/cp-0", to: "UP", active: 2 },
  { t: 7 * MINUTE, kind: "lb.backend", subject: "kube_api_backend/cp-1", to: "UP", active: 3 },
];

function plan(expectations: Omit<PlannedExpectation, "line" | "col" | "index">[]): ExperimentPlan {
  return {
    file: "x.yaml",
    name: "x",
    model: "test",
    durationUs: 10 * MINUTE,
    set: [],
    steps: [
      {
        kind: "action",
        index: 0,
        path: "spec.steps[0]",
        timing: { kind: "at", us: MINUTE },
        atUs: MINUTE,
        timeKnown: true,
        action: "vm.powerOff",
        target: "cp-0",
        args: {},
        line: 1,
        col: 1,
      },
    ],
    triggers: [],
    expectations: expectations.map((e, i) => ({ ...e, index: i, line: i + 1, col: 1 })),
  };
}

function verdicts(expectations: Omit<PlannedExpectation, "line" | "col" | "index">[]) {
  return evaluateExpectations(plan(expectations), world, records, 10 * MINUTE).map((v) => [
    v.passed,
    v.observed,
  ]);
}

describe("expectation verdicts", () => {
  it("at: the value at an instant", () => {
    expect(
      verdicts([
        { that: "lb.backendsUp", is: 1, window: { kind: "at", atUs: 3 * MINUTE } },
        { that: "lb.backendsUp", is: 3, window: { kind: "at", atUs: 3 * MINUTE } },
      ]),
    ).toEqual([
      [true, "yes"],
      [false, "no"],
    ]);
  });

  it("between: throughout a window, naming the first violation", () => {
    expect(
      verdicts([
        { that: "lb.backendsUp >= 1", window: { kind: "between", startUs: 0, endUs: 10 * MINUTE } },
        { that: "lb.backend[cp-0].up", window: { kind: "between", startUs: 0, endUs: 3 * MINUTE } },
      ]),
    ).toEqual([
      [true, "held"],
      [false, "broken at 1m47s (until 5m9s)"],
    ]);
  });

  it("within without after: the recovery after the incident starts, not the state at 0 s", () => {
    expect(
      verdicts([
        { that: "lb.backendsUp == 3", window: { kind: "eventually", notBeforeUs: 0, byUs: 8 * MINUTE } },
        { that: "lb.backendsUp == 3", window: { kind: "eventually", notBeforeUs: 0, byUs: 6 * MINUTE } },
        { that: "endpoint.available", window: { kind: "eventually", notBeforeUs: 0, byUs: 2 * MINUTE } },
        {
          that: "lb.backend[cp-0].up",
          is: false,
          window: { kind: "eventually", notBeforeUs: 0, byUs: 2 * MINUTE },
        },
      ]),
    ).toEqual([
      [true, "at 7m0s"],
      [false, "at 7m0s"],
      [true, "at 1m0s"],
      [true, "at 1m47s"],
    ]);
  });

  it("after: the condition must not have been reached before the window opens", () => {
    expect(
      verdicts([
        {
          that: "lb.backend[cp-0].up",
          window: { kind: "eventually", notBeforeUs: 5 * MINUTE, byUs: 6 * MINUTE },
        },
        {
          that: "lb.backend[cp-0].up",
          is: false,
          window: { kind: "eventually", notBeforeUs: 2 * MINUTE, byUs: 3 * MINUTE },
        },
        {
          that: "lb.backend[cp-1].up",
          window: { kind: "eventually", notBeforeUs: 8 * MINUTE, byUs: 9 * MINUTE },
        },
      ]),
    ).toEqual([
      [true, "at 5m9s"],
      [false, "already since 1m47s"],
      [false, "already since 7m0s"],
    ]);
  });
});
