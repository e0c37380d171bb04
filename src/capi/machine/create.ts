/**
 * Creating a Machine the way its owner does (KCP's `cloneConfigsAndGenerateMachine`, the
 * MachineSet's `syncReplicas`): a bootstrap config (KubeadmConfig) and an infrastructure object
 * (VSphereVM / VirtualMachine) named like the Machine, then the Machine itself in phase Pending.
 * The name is `<owner>-<random>` (names.ts), so a replacement never reuses the old name.
 *
 * Trace: `capi.machine.created {owner, controlPlane}`.
 */

import type { CapiContext } from "../context.js";
import { generateName } from "../names.js";
import { newInfraMachine, newKubeadmConfig, newMachine } from "../objects/build.js";
import type { Machine, MachineDeletionSpec } from "../objects/machine.js";
import type { OwnerRef, StringMap } from "../objects/meta.js";

/** What the owner puts on the new Machine. */
export interface MachineTemplate {
  readonly owner: OwnerRef;
  readonly controlPlane: boolean;
  readonly labels: StringMap;
  readonly annotations?: StringMap;
  readonly version: string;
  readonly deletion: MachineDeletionSpec;
}

/** Creates the bootstrap config, the infrastructure object and the Machine; returns the Machine. */
export function createMachine(ctx: CapiContext, t: MachineTemplate): Machine {
  const taken = (n: string) =>
    ctx.store.has("Machine", n) || ctx.store.has("InfraMachine", n) || ctx.hypervisor.vm(n) !== undefined;
  const name = generateName(t.owner.name, ctx.names, taken);
  const now = ctx.sim.now;
  const owner: OwnerRef = { kind: "Machine", name };
  ctx.store.create(newKubeadmConfig(name, t.controlPlane, now, owner));
  ctx.store.create(
    newInfraMachine({
      name,
      provider: ctx.settings.infra.provider,
      cloneMode: ctx.settings.infra.cloneMode,
      nowUs: now,
      owner,
    }),
  );
  const labels: Record<string, string> = { ...t.labels };
  if (t.controlPlane) labels["cluster.x-k8s.io/control-plane"] = "";
  const m = ctx.store.create(
    newMachine({
      name,
      clusterName: ctx.clusterName,
      nowUs: now,
      owner: t.owner,
      labels,
      ...(t.annotations ? { annotations: t.annotations } : {}),
      version: t.version,
      deletion: t.deletion,
    }),
  );
  ctx.sim.emit("capi.machine.created", name, {
    cluster: ctx.clusterName,
    owner: `${t.owner.kind}/${t.owner.name}`,
    controlPlane: t.controlPlane,
  });
  return m;
}
