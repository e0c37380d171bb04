import type { CapiContext } from "../context.js";
import { setCondition } from "../objects/conditions.js";
import { VM_PROVISIONED } from "../objects/infra-machine.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { type Task, wait } from "../runtime/task.js";
import { armCloudInit, bootstrapDataOf, cloneVm, vcenterTask, vmOf, writeInfraStatus } from "./common.js";

function trace(ctx: CapiContext, vm: string, action: string, message: string): void {
  ctx.sim.emit("capi.infra", vm, { provider: "vmop", action, message });
}

/** Reconciles one VirtualMachine. */
export function* reconcileVirtualMachine(ctx: CapiContext, name: string): Task<ReconcileResult> {
  const im = ctx.store.get("InfraMachine", name);
  if (!im) return DONE;
  const vm = vmOf(ctx, im, true);
  if (im.metadata.deletionTimestampUs !== undefined) {
    if (vm) {
      if (vm.state === "poweredOn" && vm.guestState === "running") {
        vm.shutdownGuest("vm-operator");
        trace(ctx, name, "shutdown", `VirtualMachine ${name}: shutting down guest (TrySoft)`);
        yield* wait<null>((done) => {
          const off = vm.onStopped(() => {
            off();
            done(null);
          });
          // TrySoft falls back to a hard power-off after five minutes (VMOP docs).
          ctx.sim.after(5 * 60_000_000, () => done(null));
        });
      } else if (vm.state === "poweredOn" || vm.state === "suspended") {
        yield* vcenterTask(ctx);
        if (vm.state === "poweredOn" || vm.state === "suspended") vm.powerOff("vm-operator");
      }
      yield* vcenterTask(ctx);
      if (vm.state !== "deleted") vm.delete("vm-operator");
      trace(ctx, name, "destroy", `VirtualMachine ${name} deleted`);
    }
    ctx.store.remove("InfraMachine", name);
    return DONE;
  }

  if (!vm) {
    const data = bootstrapDataOf(ctx, im);
    if (!data) return DONE;
    const recreate = im.status.biosUUID !== undefined;
    trace(
      ctx,
      name,
      recreate ? "recreate" : "create",
      recreate ? `VM ${name} not found in vSphere: creating it again` : `creating VM ${name}`,
    );
    const result = yield* cloneVm(ctx, name, im.spec.cloneMode);
    if (!("uuid" in result)) return { error: `failed to create VM ${name}: ${result.message}` };
    armCloudInit(ctx, result, data);
    writeInfraStatus(ctx, name, (s) => ({ ...s, biosUUID: result.uuid, powerState: "poweredOff" }));
    yield* vcenterTask(ctx);
    if (result.state === "poweredOff" && im.spec.powerState === "PoweredOn") result.powerOn("vm-operator");
    trace(ctx, name, "powerOn", `VM ${name} powered on`);
    writeInfraStatus(ctx, name, (s) => ({ ...s, powerState: "poweredOn" }));
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }

  if (im.spec.powerState === "PoweredOn" && (vm.state === "poweredOff" || vm.state === "suspended")) {
    writeInfraStatus(ctx, name, (s) => ({
      ...s,
      powerState: vm.state === "suspended" ? "suspended" : "poweredOff",
    }));
    trace(ctx, name, "powerOn", `VM ${name} is ${vm.state}, desired PoweredOn: powering on`);
    yield* vcenterTask(ctx);
    if (vm.state === "poweredOff" || vm.state === "suspended") vm.powerOn("vm-operator");
    writeInfraStatus(ctx, name, (s) => ({ ...s, powerState: "poweredOn" }));
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }
  if (vm.state === "poweredOn" && !vm.isGuestRunning) {
    writeInfraStatus(ctx, name, (s) => ({ ...s, powerState: "poweredOn" }));
    return { requeueAfterUs: ctx.settings.infra.ipPollUs };
  }
  writeInfraStatus(ctx, name, (s) =>
    s.ready && s.powerState === "poweredOn" && s.biosUUID === vm.uuid && s.addresses[0] === vm.address
      ? s
      : {
          ...s,
          ready: true,
          biosUUID: vm.uuid,
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
