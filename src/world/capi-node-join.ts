/**
 * What `kubeadm join` leaves running on a new VM, installed into the world's Kubernetes and etcd
 * layers (the same units the layers give the machines that exist at the start, src/kube/cluster.ts
 * and src/etcd/deploy.ts):
 *
 * - control plane: the etcd member as a unit with `--initial-cluster-state=existing` (it joined as
 *   the learner `member add` registered), the control-plane static Pod manifests (kube-apiserver
 *   talking to the local member, kube-controller-manager, kube-scheduler, kube-vip when the
 *   endpoint is a VIP) and, with HAProxy, a backend for its apiserver (CAPV's HAProxyLoadBalancer
 *   controller rewrote the backends from the control-plane Machines, capi-kube.md §4.4);
 * - every node: containerd, the kubelet (which registers the Node) and kube-proxy, enabled, so
 *   they come back after a reboot (`KubeCluster.joinNode`, the same units the initial nodes get).
 *
 * Every new VM gets its systemd (the world keeps one per VM name; a VM re-created under an old
 * name gets a fresh one).
 */
import { ETCD_UNIT, etcdUnitSpec } from "../etcd/etcd-unit.js";
import type { EtcdUnitConfig } from "../etcd/unit-config.js";
import { ServiceManager } from "../infra/services.js";
import type { Vm } from "../infra/vm.js";
import type { EtcdLayer } from "./etcd-world.js";
import type { KubeLayer } from "./kube-world.js";
import type { World } from "./world.js";

/** The systemd of `vm`, created when the VM is new (or re-created under an old name). */
export function servicesFor(world: World, vm: Vm): ServiceManager {
  const existing = world.services.get(vm.name);
  if (existing && existing.vm === vm) return existing;
  const s = new ServiceManager(world.sim, vm);
  world.services.set(vm.name, s);
  return s;
}

/** The etcd member of a control plane joining as a learner. */
export function installEtcdMember(world: World, etcd: EtcdLayer, vm: Vm, member: string): void {
  const systemd = servicesFor(world, vm);
  if (systemd.has(ETCD_UNIT)) {
    systemd.start(ETCD_UNIT, "kubeadm join");
    return;
  }
  const cluster = etcd.cluster;
  const setup = cluster.setups.values().next().value;
  if (setup === undefined) return;
  const peers = [...cluster.units.keys()].filter(
    (h) => h !== vm.name && world.hypervisor.vm(h) !== undefined,
  );
  const unit: EtcdUnitConfig = {
    name: member,
    initialCluster: [
      ...peers.map((h) => ({ name: cluster.units.get(h)?.name ?? h, host: h })),
      { name: member, host: vm.name },
    ],
    initialClusterState: "existing",
    token: [...cluster.units.values()][0]?.token ?? "etcd-cluster",
    forceNewCluster: false,
  };
  cluster.units.set(vm.name, unit);
  cluster.setups.set(vm.name, setup);
  const p = world.params;
  systemd.add(
    etcdUnitSpec(unit, setup, {
      startDelay: p.distribution("etcd.startDuration"),
      restartAfterUs: p.duration("etcd.restartSec"),
    }),
  );
}

/**
 * The node's units and a control plane's static Pods (the Kubernetes layer's `joinNode`), and with
 * HAProxy a backend for a new control plane's apiserver (CAPV's HAProxyLoadBalancer controller).
 */
export function installJoinedNode(
  world: World,
  kube: KubeLayer,
  vm: Vm,
  nodeName: string,
  controlPlane: boolean,
): void {
  kube.cluster.joinNode(servicesFor(world, vm), vm, nodeName, controlPlane);
  const lb = world.loadBalancer;
  if (
    controlPlane &&
    kube.settings.endpoint === "haproxy" &&
    lb &&
    !lb.snapshot().some((b) => b.name === nodeName)
  ) {
    lb.addBackend({ name: nodeName, host: vm.name, port: 6443 });
  }
}
