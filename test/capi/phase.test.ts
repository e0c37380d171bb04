import { describe, expect, it } from "vitest";
import { machinePhase } from "../../src/capi/machine/phase.js";
import { newMachine } from "../../src/capi/objects/build.js";
import type { Machine } from "../../src/capi/objects/machine.js";
import { capiFeatures } from "../../src/capi/version.js";

const f = capiFeatures("1.13");
const base = newMachine({ name: "m", clusterName: "c", nowUs: 0, owner: { kind: "MachineSet", name: "ms" } });
const withStatus = (s: Partial<Machine["status"]>, spec: Partial<Machine["spec"]> = {}): Machine => ({
  ...base,
  spec: { ...base.spec, ...spec },
  status: { ...base.status, ...s },
});

describe("Machine phase", () => {
  it("goes Pending → Provisioning → Provisioned → Running as the Machine controller computes it", () => {
    expect(machinePhase(base, f)).toBe("Pending");
    expect(machinePhase(withStatus({ bootstrapReady: true }), f)).toBe("Provisioning");
    expect(
      machinePhase(
        withStatus({ bootstrapReady: true, infrastructureReady: true }, { providerID: "vsphere://x" }),
        f,
      ),
    ).toBe("Provisioned");
    expect(
      machinePhase(
        withStatus(
          { bootstrapReady: true, infrastructureReady: true, nodeRef: { name: "m" } },
          { providerID: "vsphere://x" },
        ),
        f,
      ),
    ).toBe("Running");
  });

  it("stays Running whatever happens to the VM, until deletion (seed 001: 'Machine to be Running')", () => {
    const running = withStatus(
      { bootstrapReady: true, infrastructureReady: true, nodeRef: { name: "m" }, phase: "Running" },
      { providerID: "p" },
    );
    expect(machinePhase(running, f)).toBe("Running");
    expect(machinePhase({ ...running, metadata: { ...running.metadata, deletionTimestampUs: 5 } }, f)).toBe(
      "Deleting",
    );
  });

  it("shows Failed for a failureReason only where CAPI still sets it (≤ 1.10)", () => {
    const failed = withStatus({ failureReason: "UpdateError", phase: "Running" });
    expect(machinePhase(failed, capiFeatures("1.8"))).toBe("Failed");
    expect(machinePhase(failed, capiFeatures("1.13"))).toBe("Running");
  });
});
