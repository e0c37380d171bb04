/**
 * What the two infrastructure providers share: waiting for a vCenter task, the bootstrap data a
 * new VM boots with, and writing the infrastructure object with a trace of what changed.
 */
import { produce } from "immer";
import type { Vm } from "../../infra/vm.js";
import { VmOperationError } from "../../infra/vm-errors.js";
import { sample } from "../../sim/distribution.js";
import { type BootstrapData, joinOnFirstBoot } from "../bootstrap/kubeadm-join.js";
import type { CapiContext } from "../context.js";
import type { InfraMachine, InfraMachineStatus } from "../objects/infra-machine.js";
import { type Task, wait } from "../runtime/task.js";

/** Waits for one vCenter task (power on/off, destroy): its latency. */
export function* vcenterTask(ctx: CapiContext): Task<void> {
  const us = sample(ctx.settings.infra.vcenterTask, ctx.timing);
  yield* wait<null>((done) => ctx.sim.after(us, () => done(null)));
}

/**
 * Clones a VM from the template under `name` (vCenter's CloneVM_Task): after the clone duration
 * of the mode the VM appears, powered off. Answers the VM or the refusal (DuplicateName).
 */
export function* cloneVm(
  ctx: CapiContext,
  name: string,
  mode: "linkedClone" | "fullClone",
): Task<Vm | VmOperationError> {
  const d =
    mode === "fullClone" ? ctx.settings.infra.fullCloneDuration : ctx.settings.infra.linkedCloneDuration;
  const durationUs = sample(d, ctx.timing);
  ctx.sim.emit("vm.clone", name, { mode, durationUs });
  yield* wait<null>((done) => ctx.sim.after(durationUs, () => done(null)));
  try {
    return ctx.hypervisor.create(name);
  } catch (e) {
    if (e instanceof VmOperationError) return e;
    throw e;
  }
}

/** The bootstrap data of an infrastructure object's Machine, once CABPK wrote it. */
export function bootstrapDataOf(ctx: CapiContext, im: InfraMachine): BootstrapData | undefined {
  const cfg = ctx.store.get("KubeadmConfig", im.spec.bootstrapConfigName);
  if (!cfg?.status.dataSecretCreated || cfg.status.tokenId === undefined) return undefined;
  return { nodeName: im.metadata.name, controlPlane: cfg.spec.controlPlane, tokenId: cfg.status.tokenId };
}

/** Arms cloud-init on a freshly created VM: kubeadm join runs at its first boot. */
export function armCloudInit(ctx: CapiContext, vm: Vm, data: BootstrapData): void {
  joinOnFirstBoot(ctx.sim, vm, data, ctx.join, ctx.settings.join, ctx.timing);
}

/** Updates the status of the stored infrastructure object (if it still exists). */
export function writeInfraStatus(
  ctx: CapiContext,
  name: string,
  fn: (s: InfraMachineStatus) => InfraMachineStatus,
): void {
  const im = ctx.store.get("InfraMachine", name);
  if (!im) return;
  const status = fn(im.status);
  if (status === im.status) return;
  if (status.powerState !== im.status.powerState && status.powerState !== undefined) {
    ctx.sim.emit("capi.infra.powerState", name, { from: im.status.powerState ?? "", to: status.powerState });
  }
  ctx.store.update(
    produce(im, (d) => {
      d.status = status as typeof d.status;
    }),
  );
}

/** The VM an infrastructure object refers to: by BIOS UUID once known (CAPV), else by name. */
export function vmOf(ctx: CapiContext, im: InfraMachine, byName: boolean): Vm | undefined {
  if (!byName && im.status.biosUUID !== undefined) {
    const vm = ctx.hypervisor.byUuid(im.status.biosUUID);
    return vm && vm.state !== "deleted" ? vm : undefined;
  }
  return ctx.hypervisor.vm(im.metadata.name);
}
