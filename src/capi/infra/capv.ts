/**
 * CAPV in govmomi mode: the VSphereVM controller (pkg/services/govmomi/service.go,
 * controllers/vspherevm_controller.go, capi-kube.md §4). For each infrastructure object it
 *
 * - clones the VM from the template (linked clone 5–10 s, full clone 90–180 s, §4.3) once the
 *   bootstrap data exists, records its BIOS UUID, and powers it on;
 * - powers on a VM it finds powered off (`reconcilePowerState`; "the current behavior for CAPV
 *   actuator is to power ON the VM if it is not already powered on", CAPV #369). CAPV has no
 *   vCenter watch, so an out-of-band power-off is noticed only at the next reconcile: a change to
 *   the object, or the `--sync-period` resync (10 min);
 * - polls every 10 s until the guest reports an IP, then marks the infrastructure ready;
 * - never re-clones a VM deleted out of band: it finds VMs by BIOS UUID only, sets
 *   `VirtualMachineProvisioned=False` (NotFoundByBIOSUUID) and retries with back-off; before CAPV
 *   1.8 it also set failureReason UpdateError ("The vm was removed from infra"), which made MHC in
 *   CAPI ≤ 1.10 remediate at once (§4.2);
 * - on deletion powers the VM off (hard, the default `powerOffMode`) and destroys it; a VM already
 *   gone is "the desired state".
 *
 * Trace: `capi.infra {provider: capv, action, vm, message}`.
 */

import type { CapiContext } from "../context.js";
import { setCondition } from "../objects/conditions.js";
import { VM_PROVISIONED } from "../objects/infra-machine.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import type { Task } from "../runtime/task.js";
import { armCloudInit, bootstrapDataOf, cloneVm, vcenterTask, vmOf, writeInfraStatus } from "./common.js";

function trace(ctx: CapiContext, vm: string, action: string, message: string): void {
  ctx.sim.emit("capi.infra", vm, { provider: "capv", action, message });
}

/** Reconciles one VSphereVM. */
export function* reconcileCapvVm(ctx: CapiContext, name: string): Task<ReconcileResult> {
  const im = ctx.store.get("InfraMachine", name);
  if (!im) return DONE;
  if (im.metadata.deletionTimestampUs !== undefined) {
    const vm = vmOf(ctx, im, false);
    if (vm) {
      if (vm.state !== "poweredOff") {
        yield* vcenterTask(ctx);
        if (vm.state === "poweredOn" || vm.state === "suspended") vm.powerOff("capv");
      }
      yield* vcenterTask(ctx);
      if (vm.state !== "deleted") vm.delete("capv");
      trace(ctx, name, "destroy", `VM ${name} destroyed`);
    } else {
      trace(ctx, name, "destroy", "VM no longer exists. This is the desired state");
    }
    ctx.store.remove("InfraMachine", name);
    return DONE;
  }

  if (im.status.biosUUID === undefined) {
    const data = bootstrapDataOf(ctx, im);
    if (!data) return DONE;
    trace(ctx, name, "clone", `cloning VM ${name} (${im.spec.cloneMode})`);
    const result = yield* cloneVm(ctx, name, im.spec.cloneMode);
    if (!("uuid" in result)) return { error: `failed to clone VM ${name}: ${result.message}` };
    armCloudInit(ctx, result, data);
    writeInfraStatus(ctx, name, (s) => ({ ...s, biosUUID: result.uuid, cloneStartedAtUs: ctx.sim.now }));
    yield* vcenterTask(ctx);
    if (result.state === "poweredOff") result.powerOn("capv");
    trace(ctx, name, "powerOn", `VM ${name} cloned and powered on`);
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }

  const vm = vmOf(ctx, im, false);
  if (!vm) {
    const uuid = im.status.biosUUID;
    const firstTime = im.status.conditions.every((c) => c.reason !== "NotFoundByBIOSUUID");
    writeInfraStatus(ctx, name, (s) => ({
      ...s,
      conditions: setCondition(
        s.conditions,
        {
          type: VM_PROVISIONED,
          status: "False",
          reason: "NotFoundByBIOSUUID",
          message: `Unable to find VM by BIOS UUID ${uuid}`,
        },
        ctx.sim.now,
      ),
      ...(ctx.settings.infra.capvFailsMissingVm
        ? {
            failureReason: "UpdateError",
            failureMessage: `Unable to find VM by BIOS UUID ${uuid}. The vm was removed from infra`,
          }
        : {}),
    }));
    if (firstTime)
      trace(ctx, name, "notFound", `Unable to find VM by BIOS UUID ${uuid}. The vm was removed from infra`);
    return { error: `unable to find VM by BIOS UUID ${uuid}` };
  }
  if (vm.state === "poweredOff" || vm.state === "suspended") {
    trace(ctx, name, "powerOn", `VM ${name} is ${vm.state}: powering on (PoweringOn)`);
    writeInfraStatus(ctx, name, (s) => ({
      ...s,
      conditions: setCondition(
        s.conditions,
        { type: VM_PROVISIONED, status: "False", reason: "PoweringOn", message: "" },
        ctx.sim.now,
      ),
    }));
    yield* vcenterTask(ctx);
    if (vm.state === "poweredOff" || vm.state === "suspended") vm.powerOn("capv");
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }
  if (!vm.isGuestRunning) {
    writeInfraStatus(ctx, name, (s) => ({ ...s, powerState: "poweredOn" }));
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }
  writeInfraStatus(ctx, name, (s) =>
    s.ready && s.powerState === "poweredOn" && s.addresses[0] === vm.address
      ? s
      : {
          ...s,
          ready: true,
          powerState: "poweredOn",
          addresses: [vm.address],
          conditions: setCondition(
            s.conditions,
            { type: VM_PROVISIONED, status: "True", reason: "Provisioned", message: "" },
            ctx.sim.now,
          ),
        },
  );
  return DONE;
}
