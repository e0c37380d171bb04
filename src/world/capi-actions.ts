/**
 * Handlers of the Cluster API actions (capi-vocabulary.ts). Writes to the management cluster are
 * refused while it cannot accept them: a self-hosted management cluster lives in the workload
 * cluster's etcd, so without quorum `kubectl delete machine` fails as every other write does.
 */
import { produce } from "immer";
import { ANNOTATION_REMEDIATE_MACHINE } from "../capi/objects/meta.js";
import { capiOf } from "./capi-world.js";
import { StepError, type World, type WorldStep } from "./world.js";

function layer(world: World) {
  const c = capiOf(world);
  if (!c) throw new StepError("this model has no Cluster API layer");
  if (!c.manager.placement.managementApiAvailable) {
    throw new StepError(
      "the management cluster's API is unavailable (self-hosted, and its workload cluster has no quorum)",
    );
  }
  return c;
}

function machineOf(world: World, step: WorldStep) {
  const name = step.target;
  if (name === undefined) throw new StepError(`${step.action} needs a target`);
  const c = layer(world);
  const m = c.manager.store.get("Machine", name);
  if (!m) throw new StepError(`Error from server (NotFound): machines.cluster.x-k8s.io "${name}" not found`);
  return { c, m };
}

/** Registers the CAPI actions. */
export function installCapiActions(world: World): void {
  world.addAction("kubectl.deleteMachine", (w, s) => {
    const { c, m } = machineOf(w, s);
    c.manager.store.requestDeletion("Machine", m.metadata.name);
    w.sim.emit("capi.kubectl", m.metadata.name, {
      command: `kubectl delete machine ${m.metadata.name}`,
      output: `machine.cluster.x-k8s.io "${m.metadata.name}" deleted`,
    });
  });
  world.addAction("capi.remediateMachine", (w, s) => {
    const { c, m } = machineOf(w, s);
    c.manager.store.update(
      produce(m, (d) => {
        d.metadata.annotations = { ...d.metadata.annotations, [ANNOTATION_REMEDIATE_MACHINE]: "" };
      }),
    );
    w.sim.emit("capi.kubectl", m.metadata.name, {
      command: `kubectl annotate machine ${m.metadata.name} ${ANNOTATION_REMEDIATE_MACHINE}=""`,
      output: `machine.cluster.x-k8s.io/${m.metadata.name} annotated`,
    });
  });
  const setPaused = (paused: boolean) => (w: World) => {
    const c = layer(w);
    const cl = c.manager.store.list("Cluster")[0];
    if (!cl) throw new StepError("no Cluster object");
    c.manager.store.update({ ...cl, spec: { ...cl.spec, paused } });
    w.sim.emit("capi.kubectl", cl.metadata.name, {
      command: `kubectl patch cluster ${cl.metadata.name} --type merge -p '{"spec":{"paused":${paused}}}'`,
      output: `cluster.cluster.x-k8s.io/${cl.metadata.name} patched`,
    });
  };
  world.addAction("capi.pause", setPaused(true));
  world.addAction("capi.resume", setPaused(false));
  world.addAction("capi.scale", (w, s) => {
    const c = layer(w);
    const cp = s.args.controlPlane as number | undefined;
    const workers = s.args.workers as number | undefined;
    if (cp !== undefined) {
      if (cp % 2 === 0)
        throw new StepError(
          `admission webhook denied the request: spec.replicas: Forbidden: cannot be an even number when etcd is stacked`,
        );
      const kcp = c.manager.store.list("KubeadmControlPlane")[0]!;
      c.manager.store.update({ ...kcp, spec: { ...kcp.spec, replicas: cp } });
    }
    if (workers !== undefined) {
      const ms = c.manager.store.list("MachineSet")[0]!;
      c.manager.store.update({ ...ms, spec: { ...ms.spec, replicas: workers } });
      const md = c.manager.store.list("MachineDeployment")[0];
      if (md) c.manager.store.update({ ...md, spec: { ...md.spec, replicas: workers } });
    }
  });
}
