import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAPI_VERSIONS } from "../../src/capi/version.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { harness } from "./harness.js";

describe("liveness", () => {
  it("property: with enough healthy capacity and no further faults, the cluster returns to its desired Machines, Nodes and etcd members within 45 min", () => {
    const fault = fc.record({
      vm: fc.constantFrom("cp-0", "cp-1", "cp-2", "worker-0", "worker-1", "worker-2"),
      kind: fc.constantFrom<"delete" | "powerOff">("delete", "powerOff"),
      atS: fc.integer({ min: 10, max: 300 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...CAPI_VERSIONS),
        fc.constantFrom<"capv" | "vmop">("capv", "vmop"),
        fc.array(fault, { minLength: 1, maxLength: 3 }),
        (seed, version, provider, faults) => {
          // Enough capacity: at most one control plane is hit, so etcd keeps quorum.
          const cps = new Set(faults.filter((f) => f.vm.startsWith("cp")).map((f) => f.vm));
          fc.pre(cps.size <= 1);
          const h = harness({
            seed,
            settings: { version },
            infra: { provider },
            join: { rerunAfterUs: 15 * SECOND },
          });
          for (const f of faults) {
            h.sim.at(f.atS * SECOND, () => {
              const vm = h.hypervisor.vm(f.vm);
              if (!vm || vm.state === "deleted") return;
              if (f.kind === "delete") vm.delete("experiment");
              else if (vm.state === "poweredOn") vm.powerOff("experiment");
            });
          }
          h.sim.runUntil(5 * MINUTE);
          const done = h.sim.runUntilTrue(() => h.converged(), 45 * MINUTE);
          expect(done, `seed ${seed} ${version} ${provider} ${JSON.stringify(faults)}`).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("safety", () => {
  it("property: MHC never hands a Machine to its owner while more Machines are unhealthy than maxUnhealthy allows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.oneof(
          fc.integer({ min: 0, max: 4 }),
          fc.constantFrom("0%", "25%", "40%", "50%", "100%") as fc.Arbitrary<`${number}%`>,
        ),
        fc.subarray(["worker-0", "worker-1", "worker-2", "worker-3"], { minLength: 1 }),
        fc.integer({ min: 0, max: 120 }),
        (seed, limit, victims, spreadS) => {
          const h = harness({ seed, workers: 4 });
          const mhc = h.capi.store.list("MachineHealthCheck").find((m) => m.metadata.name.includes("md-0"))!;
          h.capi.store.update({
            ...mhc,
            spec: { ...mhc.spec, remediation: { triggerIf: { unhealthyLessThanOrEqualTo: limit } } },
          });
          for (const [i, v] of victims.entries()) {
            h.sim.at(MINUTE + i * spreadS * SECOND, () => h.hypervisor.delete(v, "experiment"));
          }
          h.sim.runUntil(30 * MINUTE);
          for (const r of h
            .records("capi.mhc")
            .filter((x) => x.event === "MachineMarkedUnhealthy" && String(x.subject).includes("md-0"))) {
            const expected = Number(r.expectedMachines);
            const max =
              typeof limit === "number" ? limit : Math.floor((Number(limit.slice(0, -1)) * expected) / 100);
            expect(expected - Number(r.currentHealthy)).toBeLessThanOrEqual(max);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
