/**
 * The MachineSet controller (core/reconcilers/machineset, capi-kube.md §1.4, §3.3): it deletes the
 * Machines MHC marked for remediation (several at once, within maxInFlight), marking them
 * `OwnerRemediated=False` (MachineDeleting), and keeps `replicas` Machines — counting deleting
 * ones, so the replacement is created only after the old Machine is gone. New Machines are named
 * `<machineset>-<random>`.
 *
 * Trace: `capi.machineset {action: remediate|scaleUp|scaleDown, machine, message}`.
 */
import { type CapiContext, isClusterPaused } from "../context.js";
import { patchMachine } from "../machine/controller.js";
import { createMachine } from "../machine/create.js";
import { setCondition } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { decideMachineSet } from "./sync.js";

/** The MachineSet's Machines, deleting ones included. */
export function machineSetMachines(ctx: CapiContext, name: string): Machine[] {
  return ctx.store
    .list("Machine")
    .filter((m) => m.metadata.owner?.kind === "MachineSet" && m.metadata.owner.name === name);
}

/** Reconciles one MachineSet. */
export function reconcileMachineSet(ctx: CapiContext, name: string): ReconcileResult {
  const ms = ctx.store.get("MachineSet", name);
  if (!ms || isClusterPaused(ctx)) return DONE;
  const machines = machineSetMachines(ctx, name);
  const d = decideMachineSet(ms, machines);
  for (const m of d.remediate) {
    patchMachine(ctx, m, (x) => {
      x.status.conditions = setCondition(
        x.status.conditions,
        {
          type: MachineConditions.OwnerRemediated,
          status: "False",
          reason: "MachineDeleting",
          message: "Machine is deleting",
        },
        ctx.sim.now,
      ) as typeof x.status.conditions;
    });
    ctx.store.requestDeletion("Machine", m);
    ctx.sim.emit("capi.machineset", name, {
      action: "remediate",
      machine: m,
      message: `Deleting Machine ${m} (remediating unhealthy Machine)`,
    });
  }
  for (const m of d.scaleDown) {
    ctx.store.requestDeletion("Machine", m);
    ctx.sim.emit("capi.machineset", name, {
      action: "scaleDown",
      machine: m,
      message: `Deleting Machine ${m} (scale down to ${ms.spec.replicas})`,
    });
  }
  for (let i = 0; i < d.create; i++) {
    const m = createMachine(ctx, {
      owner: { kind: "MachineSet", name },
      controlPlane: false,
      labels: ms.spec.selector,
      version: ms.spec.version,
      deletion: ms.spec.deletion,
    });
    ctx.sim.emit("capi.machineset", name, {
      action: "scaleUp",
      machine: m.metadata.name,
      message: `Created Machine ${m.metadata.name} (${machines.length + i + 1 - d.remediate.length - d.scaleDown.length}/${ms.spec.replicas} replicas)`,
    });
  }
  const after = machineSetMachines(ctx, name);
  const ready = after.filter(
    (m) =>
      m.metadata.deletionTimestampUs === undefined &&
      m.status.conditions.some((c) => c.type === MachineConditions.NodeReady && c.status === "True"),
  ).length;
  if (ms.status.replicas !== after.length || ms.status.readyReplicas !== ready) {
    ctx.store.update({
      ...ms,
      status: { replicas: after.length, readyReplicas: ready, availableReplicas: ready },
    });
  }
  return DONE;
}
