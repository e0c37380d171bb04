/**
 * The runbook sequencer on the infrastructure-only world (vsphere-vms: three control-plane VMs
 * behind HAProxy with `inter 10s`, `fall 3`, `rise 5`, three workers): step times that depend on
 * what happened, waits and their timeouts, triggers, repetition and role targets resolved when the
 * step runs.
 */
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import { at, lines, run } from "./helpers.js";

const RUNBOOK = [
  "step",
  "step.failed",
  "step.late",
  "wait.started",
  "wait.met",
  "wait.timedOut",
  "runbook.stopped",
];
const TRIGGERS = ["trigger.fired", "trigger.skipped", "step", "step.failed"];

/** Time of the first record matching. */
function first(records: readonly TraceRecord[], match: (r: TraceRecord) => boolean): number {
  const r = records.find(match);
  if (r === undefined) throw new Error("no such record");
  return r.t;
}
const backendDown = (name: string) => (r: TraceRecord) =>
  r.kind === "lb.backend" && r.subject === `kube_api_backend/${name}` && r.to === "DOWN";

describe("waitFor and step times", () => {
  it("times a step after a wait from the instant the wait ended", () => {
    const result = run(`  duration: 10m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - waitFor: lb.backend[cp-0].up == false
      timeout: 2m
    - do: vm.powerOn
      target: cp-0
    - after: 30s
      do: vm.powerOff
      target: cp-1
`);
    const down = first(result.records, backendDown("cp-0"));
    // fall 3 checks 10 s apart, each waiting out `timeout connect 9s`: DOWN well after 1m20s.
    expect(down).toBeGreaterThan(80 * SECOND);
    expect(lines(result.records, RUNBOOK)).toEqual([
      "1m0s step cp-0 vm.powerOff",
      "1m0s wait.started runbook lb.backend[cp-0].up == false",
      `${at(down)} wait.met runbook lb.backend[cp-0].up == false`,
      `${at(down)} step cp-0 vm.powerOn`,
      `${at(down + 30 * SECOND)} step cp-1 vm.powerOff`,
    ]);
    expect(result.passed).toBe(true);
  });

  it("runs an at: that has already passed at once, noting when it was due", () => {
    const result = run(`  duration: 10m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - waitFor: lb.backend[cp-0].up == false
    - at: 1m30s
      do: vm.powerOn
      target: cp-0
`);
    const down = first(result.records, backendDown("cp-0"));
    expect(lines(result.records, ["step.late", "step"])).toEqual([
      "1m0s step cp-0 vm.powerOff",
      `${at(down)} step.late runbook spec.steps[2] was due at 1m30s`,
      `${at(down)} step cp-0 vm.powerOn`,
    ]);
  });

  it("ends a wait at once when its condition already holds", () => {
    const result = run(`  duration: 1m
  steps:
    - waitFor: lb.backendsUp == 3
    - do: vm.reset
      target: worker-0
`);
    expect(lines(result.records, RUNBOOK)).toEqual([
      "0s wait.started runbook lb.backendsUp == 3",
      "0s wait.met runbook lb.backendsUp == 3",
      "0s step worker-0 vm.reset",
    ]);
  });

  it("onTimeout fail (the default): a failed verdict, the rest of the list skipped, the run goes on", () => {
    const result = run(`  duration: 5m
  steps:
    - at: 1m
      waitFor: vm[cp-0].power == poweredOff
      timeout: 1m
    - do: vm.powerOff
      target: cp-1
    - after: 1m
      do: vm.powerOff
      target: cp-2
  expect:
    - that: lb.backendsUp == 3
      between: [0s, 5m]
`);
    expect(lines(result.records, RUNBOOK)).toEqual([
      "1m0s wait.started runbook vm[cp-0].power == poweredOff",
      "2m0s wait.timedOut runbook vm[cp-0].power == poweredOff",
      "2m0s runbook.stopped runbook 2 left",
    ]);
    expect(result.expectations.map((e) => [e.that, e.expected, e.observed, e.passed])).toEqual([
      ["lb.backendsUp == 3", "true throughout 0s..5m0s", "held", true],
      [
        "waitFor vm[cp-0].power == poweredOff",
        "met within 1m0s (spec.steps[0])",
        "timed out after 1m0s at 2m0s",
        false,
      ],
    ]);
    expect(result.expectations[1]?.line).toBe(8); // the waitFor step's line
    expect(result.passed).toBe(false);
    expect(result.records.at(-1)).toMatchObject({ t: 5 * MINUTE, kind: "run.end" });
  });

  it("onTimeout continue: goes on with the next step, and nothing fails", () => {
    const result = run(`  duration: 5m
  steps:
    - at: 1m
      waitFor: vm[cp-0].power == poweredOff
      timeout: 1m
      onTimeout: continue
    - do: vm.reset
      target: worker-0
`);
    expect(lines(result.records, RUNBOOK)).toEqual([
      "1m0s wait.started runbook vm[cp-0].power == poweredOff",
      "2m0s wait.timedOut runbook vm[cp-0].power == poweredOff",
      "2m0s step worker-0 vm.reset",
    ]);
    expect(result.expectations).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it("without a timeout, waits until the end of the run at most (a run never hangs)", () => {
    const result = run(`  duration: 3m
  steps:
    - at: 30s
      waitFor: vm[cp-0].power == deleted
    - do: vm.powerOn
      target: cp-0
`);
    expect(lines(result.records, RUNBOOK)).toEqual([
      "30s wait.started runbook vm[cp-0].power == deleted",
      "3m0s wait.timedOut runbook vm[cp-0].power == deleted",
    ]);
    expect(result.records.find((r) => r.kind === "wait.timedOut")).toMatchObject({ reason: "end of run" });
    expect(result.expectations.map((e) => [e.expected, e.observed, e.passed])).toEqual([
      [
        "met before the run ends (spec.steps[0])",
        "still waiting when the run ended at 3m0s (after 2m30s)",
        false,
      ],
    ]);
  });
});

describe("when: triggers", () => {
  const incident = `  duration: 12m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - at: 8m
      do: vm.powerOff
      target: cp-1
`;

  it("fires when the condition becomes true and runs its steps from that instant (once by default)", () => {
    const result = run(`${incident}  triggers:
    - when: lb.backendsUp < 3
      steps:
        - after: 3m
          do: vm.powerOn
          target: vms.poweredOff
`);
    const down = first(result.records, backendDown("cp-0"));
    expect(lines(result.records, TRIGGERS)).toEqual([
      "1m0s step cp-0 vm.powerOff",
      `${at(down)} trigger.fired trigger[0] lb.backendsUp < 3`,
      `${at(down + 3 * MINUTE)} step cp-0 vm.powerOn (vms.poweredOff)`,
      "8m0s step cp-1 vm.powerOff",
    ]);
  });

  it("with once: false, fires on every rising edge", () => {
    const result = run(`${incident}  triggers:
    - when: lb.backendsUp < 3
      once: false
      steps:
        - after: 3m
          do: vm.powerOn
          target: vms.poweredOff
`);
    const down0 = first(result.records, backendDown("cp-0"));
    const down1 = first(result.records, backendDown("cp-1"));
    expect(lines(result.records, TRIGGERS)).toEqual([
      "1m0s step cp-0 vm.powerOff",
      `${at(down0)} trigger.fired trigger[0] lb.backendsUp < 3`,
      `${at(down0 + 3 * MINUTE)} step cp-0 vm.powerOn (vms.poweredOff)`,
      "8m0s step cp-1 vm.powerOff",
      `${at(down1)} trigger.fired trigger[0] lb.backendsUp < 3`,
      `${at(down1 + 3 * MINUTE)} step cp-1 vm.powerOn (vms.poweredOff)`,
    ]);
  });

  it("does not fire for a condition that holds at the start, only when it becomes true again", () => {
    const result = run(`  duration: 6m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - at: 2m
      do: vm.powerOn
      target: cp-0
  triggers:
    - when: lb.backendsUp == 3
      steps:
        - do: vm.reset
          target: worker-0
`);
    const up = first(result.records, (r) => r.kind === "lb.backend" && r.to === "UP");
    expect(up).toBeGreaterThan(2 * MINUTE);
    expect(lines(result.records, ["trigger.fired", "step"]).slice(2)).toEqual([
      `${at(up)} trigger.fired trigger[0] lb.backendsUp == 3`,
      `${at(up)} step worker-0 vm.reset`,
    ]);
  });

  it("skips a firing while the previous firing's steps are still running", () => {
    const result = run(`  duration: 10m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - at: 2m
      do: vm.powerOn
      target: cp-0
    - at: 3m
      do: vm.powerOff
      target: cp-0
  triggers:
    - when: vm[cp-0].power == poweredOff
      once: false
      steps:
        - after: 5m
          do: vm.reset
          target: worker-0
`);
    expect(lines(result.records, ["trigger.fired", "trigger.skipped", "step"])).toEqual([
      "1m0s step cp-0 vm.powerOff",
      "1m0s trigger.fired trigger[0] vm[cp-0].power == poweredOff",
      "2m0s step cp-0 vm.powerOn",
      "3m0s step cp-0 vm.powerOff",
      "3m0s trigger.skipped trigger[0] vm[cp-0].power == poweredOff",
      "6m0s step worker-0 vm.reset",
    ]);
  });
});

describe("repeat", () => {
  it("repeats a number of times; the next step counts from the last repetition", () => {
    const result = run(`  duration: 5m
  steps:
    - at: 1m
      do: vm.reset
      target: worker-0
      repeat: {every: 20s, times: 3}
    - after: 10s
      do: net.heal
`);
    expect(lines(result.records, ["step"])).toEqual([
      "1m0s step worker-0 vm.reset (repeat 1/3)",
      "1m20s step worker-0 vm.reset (repeat 2/3)",
      "1m40s step worker-0 vm.reset (repeat 3/3)",
      "1m50s step world net.heal",
    ]);
  });

  it("repeats until a condition holds, checked before each repetition", () => {
    const result = run(`  duration: 5m
  steps:
    - at: 1m
      do: vm.reset
      target: worker-0
      repeat: {every: 20s, until: "events(vm.reset[worker-0]) >= 3"}
      note: reboot loop
    - do: net.heal
      after: 0s
`);
    expect(lines(result.records, ["step"])).toEqual([
      "1m0s step worker-0 vm.reset (reboot loop; repeat 1)",
      "1m20s step worker-0 vm.reset (reboot loop; repeat 2)",
      "1m40s step worker-0 vm.reset (reboot loop; repeat 3)",
      "2m0s step world net.heal",
    ]);
  });
});

describe("role targets, resolved when the step runs", () => {
  it("acts on whatever plays the role at that instant: all of them, or one by index", () => {
    const result = run(`  duration: 6m
  steps:
    - at: 1m
      do: vm.powerOn
      target: vms.poweredOff
    - at: 2m
      do: vm.powerOff
      target: workers
    - at: 3m
      do: vm.powerOn
      target: {role: workers, index: 1}
    - at: 4m
      do: vm.powerOn
      target: vms.poweredOff[0]
    - at: 5m
      do: vm.powerOn
      target: vms.poweredOff
`);
    expect(lines(result.records, ["step", "step.failed"])).toEqual([
      "1m0s step vms.poweredOff vm.powerOn",
      "1m0s step.failed vms.poweredOff nothing is vms.poweredOff right now",
      "2m0s step worker-0 vm.powerOff (workers)",
      "2m0s step worker-1 vm.powerOff (workers)",
      "2m0s step worker-2 vm.powerOff (workers)",
      "3m0s step worker-1 vm.powerOn (workers[1])",
      "4m0s step worker-0 vm.powerOn (vms.poweredOff[0])",
      "5m0s step worker-2 vm.powerOn (vms.poweredOff)",
    ]);
  });
});

describe("metrics and counts in expectations", () => {
  it("checks whole-run metrics and end-of-run counts, and reports the metric in the result", () => {
    const result = run(`  duration: 6m
  steps:
    - at: 1m
      do: vm.powerOff
      target: controlPlanes
    - at: 2m
      do: vm.powerOn
      target: controlPlanes
  expect:
    - that: endpoint.unavailable > 0s
    - that: endpoint.unavailable < 20s
    - that: events(vm.power) == 6
    - that: events(vm.power[cp-0]) >= 1
      within: 1m
`);
    const unavailableUs = result.metrics["endpoint.unavailableUs"];
    expect(unavailableUs).toBe(result.availability[0]?.unavailableUs);
    expect(unavailableUs).toBeGreaterThan(MINUTE);
    expect(result.expectations.map((e) => [e.that, e.observed, e.passed])).toEqual([
      ["endpoint.unavailable > 0s", `endpoint.unavailable = ${at(unavailableUs ?? 0)}`, true],
      ["endpoint.unavailable < 20s", `endpoint.unavailable = ${at(unavailableUs ?? 0)}`, false],
      ["events(vm.power) == 6", "6 records", true],
      ["events(vm.power[cp-0]) >= 1", "at 1m0s", true],
    ]);
  });
});

describe("determinism", () => {
  it("gives the same trace for the same seed, and another for another seed", () => {
    const spec = `  duration: 12m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-0
    - waitFor: lb.backend[cp-0].up == false
      timeout: 2m
    - after: 30s
      do: vm.powerOff
      target: cp-1
  triggers:
    - when: lb.backendsUp < 3
      steps:
        - after: 3m
          do: vm.powerOn
          target: vms.poweredOff
`;
    const a = JSON.stringify(run(spec, 7).records);
    expect(JSON.stringify(run(spec, 7).records)).toBe(a);
    expect(JSON.stringify(run(spec, 8).records)).not.toBe(a);
  });
});
