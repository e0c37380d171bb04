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
 *   they come back after a reboot.
 *
 * Every new VM gets its systemd (the world keeps one per VM name; a VM re-created under an old
 * name gets a fresh one).
 */
import { ETCD_UNIT, etcdUnitSpec } from "../etcd/etcd-unit.js";
import type { EtcdUnitConfig } from "../etcd/unit-config.js";
import { ServiceManager } from "../infra/services.js";
import type { Vm } from "../infra/vm.js";
import { hostEndpoint } from "../kube/client/endpoint.js";
import { KubeProxy } from "../kube/dataplane/kube-proxy.js";
import { Kubelet } from "../kube/node/kubelet.js";
import { ProcessScope } from "../kube/process-scope.js";
import { constant } from "../sim/distribution.js";
import { SECOND } from "../sim/time.js";
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

/** The node's units (and a control plane's static Pods and load-balancer backend). */
export function installJoinedNode(
  world: World,
  kube: KubeLayer,
  vm: Vm,
  nodeName: string,
  controlPlane: boolean,
): void {
  const systemd = servicesFor(world, vm);
  const cluster = kube.cluster;
  const s = kube.settings;
  const sim = world.sim;
  if (controlPlane) {
    const components = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
    if (s.endpoint === "kube-vip") components.push("kube-vip");
    if (s.components === "staticPods") cluster.manifests.set(nodeName, new Set(components));
    if (
      s.endpoint === "haproxy" &&
      world.loadBalancer &&
      !world.loadBalancer.snapshot().some((b) => b.name === nodeName)
    ) {
      world.loadBalancer.addBackend({ name: nodeName, host: vm.name, port: 6443 });
    }
  }
  if (!systemd.has("containerd")) {
    // A new VM has no CNI config yet: the kubelet waits for the CNI agent after registering.
    let fresh = true;
    systemd.add({
      name: "containerd",
      start: (ctx) => {
        const rt = cluster.runtime(ctx.vm.name)!;
        if (fresh) rt.networkReadyAtUs = undefined;
        fresh = false;
        rt.up = true;
        const down = () => {
          rt.up = false;
        };
        return {
          terminate(exited) {
            down();
            exited();
          },
          kill: down,
        };
      },
      startDelay: constant(SECOND),
      restartAfterUs: 5 * SECOND,
    });
  }
  if (!systemd.has("kubelet")) {
    const index = 100 + world.hypervisor.history().findIndex((v) => v.uuid === vm.uuid);
    systemd.add({
      name: "kubelet",
      start: (ctx) => {
        const scope = new ProcessScope(ctx.vm.guest);
        const kubelet = new Kubelet({
          network: world.network,
          vm: ctx.vm,
          scope,
          endpoint: cluster.endpoint,
          clientSettings: s.client,
          runtime: cluster.runtime(ctx.vm.name)!,
          settings: s.kubelet,
          rng: sim.rng.stream(`kube/kubelet/${ctx.vm.name}/${vm.uuid}`),
          node: { controlPlane, podCIDR: `10.244.${index % 256}.0/24` },
          manifests: () => cluster.staticPodSpecs(nodeName),
          localEndpoint: hostEndpoint(world.network, ctx.vm.name),
          emit: (k, sub, f) => void sim.emit(k, sub, f),
        });
        cluster.kubelets.set(nodeName, kubelet);
        scope.onEnd(() => {
          if (cluster.kubelets.get(nodeName) === kubelet) cluster.kubelets.delete(nodeName);
        });
        return kubelet;
      },
      startDelay: constant(SECOND),
      restartAfterUs: 10 * SECOND,
    });
  }
  if (!systemd.has("kube-proxy")) {
    systemd.add({
      name: "kube-proxy",
      start: (ctx) => {
        const scope = new ProcessScope(ctx.vm.guest);
        const proxy = new KubeProxy({
          network: world.network,
          vm: ctx.vm,
          scope,
          endpoint: cluster.endpoint,
          clientSettings: s.client,
          rng: sim.rng.stream(`kube/kube-proxy/${ctx.vm.name}/${vm.uuid}`),
        });
        cluster.kubeProxies.set(nodeName, proxy);
        scope.onEnd(() => {
          if (cluster.kubeProxies.get(nodeName) === proxy) cluster.kubeProxies.delete(nodeName);
        });
        return proxy;
      },
      startDelay: constant(SECOND),
      restartAfterUs: 5 * SECOND,
    });
  }
}
