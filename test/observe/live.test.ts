/**
 * Live conditions (what waits and triggers watch) agree with the after-the-run series at every
 * instant, and tell their listeners exactly when the truth flips.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LiveSignals } from "../../src/observe/live.js";
import { valueAt } from "../../src/observe/series.js";
import { bindCondition, conditionSeries, isConditionProblem } from "../../src/observe/signals.js";
import { Simulation } from "../../src/sim/simulation.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import { installInfraSignals } from "../../src/world/infra-signals.js";
import { buildInfraWorld } from "../../src/world/infra-world.js";
import { ParameterSet } from "../../src/world/parameter-set.js";

const world = buildInfraWorld(new Simulation({ seed: 1 }), new ParameterSet(), "vsphere-vms");
installInfraSignals(world);

function bound(text: string) {
  const b = bindCondition(text, world);
  if (isConditionProblem(b)) throw new Error(b.error);
  return b;
}

const recordArb = fc.oneof(
  fc.record({
    kind: fc.constant("lb.backend"),
    subject: fc.constantFrom("kube_api_backend/cp-0", "kube_api_backend/cp-1"),
    to: fc.constantFrom("UP", "DOWN"),
    active: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("vm.power"),
    subject: fc.constantFrom("cp-0", "cp-1"),
    to: fc.constantFrom("poweredOn", "poweredOff"),
  }),
  fc.record({ kind: fc.constant("run.start"), subject: fc.constant("run") }),
);

describe("LiveSignals", () => {
  it("holds exactly what the series of the whole trace says, after every record", () => {
    const conditions = [
      "lb.backendsUp < 3",
      "lb.backend[cp-0].up == false",
      "vm[cp-1].power == poweredOff",
      "events(vm.power[cp-0]) >= 2",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 5 }), recordArb), { maxLength: 40 }),
        fc.nat({ max: 10 }),
        (steps, split) => {
          let t = 0;
          const records: TraceRecord[] = steps.map(([dt, r]) => {
            t += dt;
            return { t, ...r };
          });
          // Some records happened before the sink was added (building the world): passed as history.
          const cut = Math.min(split, records.length);
          const history = records.slice(0, cut);
          const live = new LiveSignals(world, history);
          const watched = conditions.map((c) => live.watch(bound(c)));
          for (let i = cut; i <= records.length; i++) {
            const seen = records.slice(0, i);
            const now = seen.at(-1)?.t ?? 0;
            // Only compare at instants whose records have all arrived.
            if (records[i]?.t !== now || i === records.length) {
              conditions.forEach((c, k) => {
                const series = conditionSeries(bound(c), world, seen, undefined);
                expect(watched[k]!.holds, `${c} at ${now}`).toBe(valueAt(series, now));
              });
            }
            const r = records[i];
            if (r !== undefined) {
              history.push(r);
              live.write(r);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("calls listeners on each flip only, and not after they unsubscribe", () => {
    const live = new LiveSignals(world);
    const c = live.watch(bound("lb.backendsUp < 3"));
    const seen: boolean[] = [];
    const stop = c.onChange((h) => seen.push(h));
    const backend = (t: number, active: number): TraceRecord => ({
      t,
      kind: "lb.backend",
      subject: "kube_api_backend/cp-0",
      to: "DOWN",
      active,
    });
    for (const [t, n] of [
      [1, 3],
      [2, 2],
      [3, 1],
      [4, 3],
      [5, 2],
    ] as const)
      live.write(backend(t, n));
    expect(seen).toEqual([true, false, true]);
    stop();
    live.write(backend(6, 3));
    expect(seen).toEqual([true, false, true]);
    expect(c.holds).toBe(false);
  });
});
