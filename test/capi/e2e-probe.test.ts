import { describe, it } from "vitest";
import { MINUTE, formatClock } from "../../src/sim/time.js";
import { harness } from "./harness.js";

describe("probe", () => {
  it("cp VM deleted", () => {
    const h = harness({ seed: Number(process.env.SEED ?? 1) });
    h.sim.at(MINUTE, () => h.hypervisor.delete(process.env.VM ?? "cp-0", "experiment"));
    h.sim.runUntil(30 * MINUTE);
    for (const r of h.memory.records) {
      if (r.t > 0 && (r.kind.startsWith("capi") || r.kind.startsWith("kubeadm") || r.kind.startsWith("vm."))) {
        const { t, kind, subject, ...rest } = r;
        console.log(formatClock(t), kind, subject, JSON.stringify(rest));
      }
    }
    console.log("converged", h.converged(), h.workload.calls.join(" | "));
  });
});
