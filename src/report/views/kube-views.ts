/**
 * Views of the Kubernetes layer at an instant, as kubectl prints them (the printers live in
 * src/kube/printers/ so kubectl commands in a run print the same): `kubectl get nodes`, `kubectl
 * get pods -o wide`, `kubectl get deploy,rs`, from the API state the run's observer saw last.
 */
import type { Deployment, Node, Pod, ReplicaSet } from "../../kube/objects/index.js";
import { getDeployments, getNodes, getPods, getReplicaSets } from "../../kube/printers/get.js";
import { kubeOf } from "../../world/kube-world.js";
import { registerView } from "./registry.js";

registerView({
  name: "nodes",
  summary: "kubectl get nodes: STATUS (Ready / NotReady / ,SchedulingDisabled), ROLES, AGE, VERSION",
  render: (world) => {
    const k = kubeOf(world);
    if (!k) return undefined;
    return getNodes(k.cluster.observer.objects<Node>("nodes"), world.sim.now);
  },
});

registerView({
  name: "pods",
  summary: "kubectl get pods -o wide: READY, STATUS, RESTARTS, AGE, IP, NODE",
  render: (world) => {
    const k = kubeOf(world);
    if (!k) return undefined;
    const pods = k.cluster.observer.objects<Pod>("pods").filter((p) => p.metadata.namespace === "default");
    return getPods(pods, world.sim.now, true);
  },
});

registerView({
  name: "deploy",
  summary: "kubectl get deploy,rs: READY, UP-TO-DATE, AVAILABLE; DESIRED, CURRENT, READY",
  render: (world) => {
    const k = kubeOf(world);
    if (!k) return undefined;
    const now = world.sim.now;
    const d = getDeployments(k.cluster.observer.objects<Deployment>("deployments"), now);
    const rs = getReplicaSets(k.cluster.observer.objects<ReplicaSet>("replicasets"), now);
    return `${d}\n\n${rs}`;
  },
});
