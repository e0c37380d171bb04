/**
 * Views of the Kubernetes layer at an instant, as kubectl prints them (the printers live in
 * src/kube/printers/ so kubectl commands in a run print the same): `kubectl get nodes`, `kubectl
 * get pods -o wide` (`-A`: with the add-ons and the mirror pods of the control planes' static pods,
 * RESTARTS included), `kubectl get deploy,rs`, from the API state the run's observer saw last.
 *
 * While the API does not answer (the API probe's latest request failed), kubectl itself would
 * print only its error ("The connection to the server … was refused", "Error from server …"), so
 * the view prints that error first and then, marked as such, the last state the API served, which
 * a trainer still wants to see.
 */
import type { Deployment, Node, Pod, ReplicaSet } from "../../kube/objects/index.js";
import { getDeployments, getNodes, getPods, getReplicaSets } from "../../kube/printers/get.js";
import { formatClock } from "../../sim/time.js";
import { type KubeLayer, kubeOf } from "../../world/kube-world.js";
import type { World } from "../../world/world.js";
import { registerView } from "./registry.js";

/** The table, or kubectl's error followed by the last state served while the API is down. */
function asKubectl(world: World, render: (k: KubeLayer) => string): string | undefined {
  const k = kubeOf(world);
  if (!k) return undefined;
  const table = render(k);
  const v = k.cluster.apiVerdict();
  if (v === undefined || v.ok) return table;
  return `${v.error}\n\n(quorate: the API has been failing since ${formatClock(v.sinceUs)}; the last state it served:)\n${table}`;
}

registerView({
  name: "nodes",
  summary: "kubectl get nodes: STATUS (Ready / NotReady / ,SchedulingDisabled), ROLES, AGE, VERSION",
  render: (world) =>
    asKubectl(world, (k) => getNodes(k.cluster.observer.objects<Node>("nodes"), world.sim.now)),
});

registerView({
  name: "pods",
  summary: "kubectl get pods -o wide: READY, STATUS, RESTARTS, AGE, IP, NODE",
  render: (world) =>
    asKubectl(world, (k) => {
      const ns = k.settings.workload.namespace;
      const pods = k.cluster.observer.objects<Pod>("pods").filter((p) => p.metadata.namespace === ns);
      return getPods(pods, world.sim.now, true);
    }),
});

registerView({
  name: "pods-all",
  summary:
    "kubectl get pods -A -o wide: every namespace (add-ons such as CoreDNS, the control planes' mirror pods)",
  render: (world) =>
    asKubectl(world, (k) => getPods(k.cluster.observer.objects<Pod>("pods"), world.sim.now, true, true)),
});

registerView({
  name: "deploy",
  summary: "kubectl get deploy,rs: READY, UP-TO-DATE, AVAILABLE; DESIRED, CURRENT, READY",
  render: (world) =>
    asKubectl(world, (k) => {
      const now = world.sim.now;
      // `kubectl get deploy,rs` lists the current namespace (the workload's), not the add-ons.
      const ns = k.settings.workload.namespace;
      const inNs = <T extends Deployment | ReplicaSet>(list: T[]) =>
        list.filter((o) => o.metadata.namespace === ns);
      const d = getDeployments(inNs(k.cluster.observer.objects<Deployment>("deployments")), now, ns, true);
      const rs = getReplicaSets(inNs(k.cluster.observer.objects<ReplicaSet>("replicasets")), now, ns, true);
      return `${d}\n\n${rs}`;
    }),
});
