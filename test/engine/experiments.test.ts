/**
 * The runbook experiment in experiments/ holds for many seeds (issue 6: robust, not tuned to one
 * seed), and its steps really depend on what happened: the operator's power-on follows HAProxy's
 * DOWN by three minutes, whatever the seed.
 */
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { formatInputErrors } from "../../src/scenario/index.js";
import { MINUTE } from "../../src/sim/time.js";

const FILE = "experiments/haproxy-runbook-power-on.yaml";

describe(FILE, () => {
  it("passes every expectation for 20 seeds, with the power-on 3 minutes after the first DOWN", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const prepared = prepareRun(FILE, { seed });
      if (!prepared.ok) throw new Error(formatInputErrors(prepared.errors));
      const result = executeRun(prepared.run);
      const failed = result.expectations.filter((e) => !e.passed).map((e) => `${e.that}: ${e.observed}`);
      expect(failed, `seed ${seed}`).toEqual([]);
      const fired = result.records.find((r) => r.kind === "trigger.fired");
      const firstDown = result.records.find((r) => r.kind === "lb.backend" && r.to === "DOWN");
      const powerOns = result.records.filter((r) => r.kind === "step" && r.action === "vm.powerOn");
      expect(fired?.t, `seed ${seed}`).toBe(firstDown?.t);
      expect(powerOns.map((r) => [r.t - (fired?.t ?? 0), r.target])).toEqual([
        [3 * MINUTE, "cp-0"],
        [3 * MINUTE, "cp-1"],
      ]);
    }
  });
});
