/**
 * vSphere VM Operator on a Supervisor (TKGS): CAPV in vmoperator mode creates a VirtualMachine
 * object, and VM Operator makes vSphere match it (pkg/providers/vsphere/vmprovider_vm.go,
 * capi-kube.md §4.1–§4.2, seed 001). For each object it
 *
 * - creates the VM under the object's name if no such VM exists — also when the VM was deleted
 *   out of band, so "a new VM with the same name gets deployed" (seed 001), booting with the same
 *   bootstrap data;
 * - powers the VM on whenever it is off while the desired power state is PoweredOn
 *   (`reconcilePowerState`);
 * - learns of power changes and deletions through its vSphere property watcher (AsyncSignal,
 *   default on) within seconds; without it only at its resync (30 min), and the object's
 *   `status.powerState` stays as last observed (seed 001's worker case shows `poweredOn` for a VM
 *   that is off);
 * - requeues every 10 s until a powered-on VM has an IP (`PoweredOnVMHasIPRequeueDelay`);
 * - on deletion shuts the guest down (TrySoft; hard when the guest is not running) and destroys
 *   the VM.
 *
 * Trace: `capi.infra {provider: vmop, action, vm, message}`.
 */
import type { Vm } from "../../infra/vm.js";
import type { VmOperationError } from "../../infra/vm-errors.js";
import type { CapiContext } from "../context.js";
import { setCondition } from "../objects/conditions.js";
import { VM_PROVISIONED } from "../objects/infra-machine.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { type Task, wait } from "../runtime/task.js";
import { armCloudInit, bootstrapDataOf, vcenterTask, vmOf, writeInfraStatus } from "./common.js";

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
    trace(ctx, name, recreate ? "recreate" : "create", recreate ? `VM ${name} not found in vSphere: creating it again` : `creating VM ${name}`);
    const result = yield* wait<Vm | VmOperationError>((done) => ctx.hypervisor.clone(name, { mode: im.spec.cloneMode }, done));
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
    writeInfraStatus(ctx, name, (s) => ({ ...s, powerState: vm.state === "suspended" ? "suspended" : "poweredOff" }));
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
          conditions: setCondition(s.conditions, { type: VM_PROVISIONED, status: "True", reason: "Provisioned", message: "" }, ctx.sim.now),
        },
  );
  return DONE;
}
