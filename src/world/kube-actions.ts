/**
 * The Kubernetes actions of experiments (vocabulary in kube-vocabulary.ts), carried out on the
 * world's cluster: component stop/start/restart on a node, and kubectl commands from the admin host
 * (their output and errors land in `kubectl` records).
 */
import { parseDuration } from "../sim/time.js";
import { kubeOf } from "./kube-world.js";
import { StepError, type World, type WorldStep } from "./world.js";

function target(step: WorldStep): string {
  if (step.target === undefined) throw new StepError(`${step.action} needs a target`);
  return step.target;
}

function layer(world: World) {
  const k = kubeOf(world);
  if (!k) throw new StepError("this model has no kube layer");
  return k;
}

function component(step: WorldStep): string {
  const c = step.args.component;
  if (typeof c !== "string") throw new StepError(`${step.action} needs a component`);
  return c;
}

function live(world: World, node: string): void {
  if (!world.hypervisor.vm(node)) throw new StepError(`no VM named ${node} exists now (it was deleted)`);
}

/** Registers the Kubernetes actions. */
export function installKubeActions(world: World): void {
  world.addAction("kube.stop", (w, s) => {
    live(w, target(s));
    layer(w).cluster.stopComponent(target(s), component(s));
  });
  world.addAction("kube.start", (w, s) => {
    live(w, target(s));
    layer(w).cluster.startComponent(target(s), component(s));
  });
  world.addAction("kube.restart", (w, s) => {
    live(w, target(s));
    layer(w).cluster.restartComponent(target(s), component(s));
  });
  world.addAction("kubectl.cordon", (w, s) => layer(w).kubectl.cordon(target(s), true));
  world.addAction("kubectl.uncordon", (w, s) => layer(w).kubectl.cordon(target(s), false));
  world.addAction("kubectl.drain", (w, s) => {
    const t = s.args.timeout;
    layer(w).kubectl.drain(target(s), typeof t === "string" ? parseDuration(t) : undefined);
  });
  world.addAction("kubectl.deletePod", (w, s) => {
    const k = layer(w).kubectl;
    const a = s.args;
    if (typeof a.pod === "string") return k.deletePods([a.pod]);
    const count = typeof a.count === "number" ? a.count : 1;
    if (typeof a.deployment !== "string" && typeof a.node !== "string") {
      throw new StepError("kubectl.deletePod needs pod, deployment or node");
    }
    k.deleteSomePods(
      {
        ...(typeof a.deployment === "string" ? { deployment: a.deployment } : {}),
        ...(typeof a.node === "string" ? { node: a.node } : {}),
      },
      count,
    );
  });
  world.addAction("kubectl.scale", (w, s) =>
    layer(w).kubectl.scale(String(s.args.deployment), Number(s.args.replicas)),
  );
  world.addAction("kubectl.delete", (w, s) =>
    layer(w).kubectl.delete(String(s.args.kind), String(s.args.name)),
  );
  world.addAction("kubectl.get", (w, s) =>
    layer(w).kubectl.get(
      String(s.args.resource),
      s.args.wide === true,
      s.args.allNamespaces === true,
      typeof s.args.namespace === "string" ? s.args.namespace : undefined,
    ),
  );
}
