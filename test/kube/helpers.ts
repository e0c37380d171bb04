/** Builders shared by the Kubernetes layer tests: VMs on a network with a fake etcd. */
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { Network } from "../../src/infra/network.js";
import type { Vm } from "../../src/infra/vm.js";
import type { ClientSettings } from "../../src/kube/client/client.js";
import { ProcessScope } from "../../src/kube/process-scope.js";
import { constant } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";
import { SECOND } from "../../src/sim/time.js";
import { MemorySink, Trace } from "../../src/sim/trace.js";
import { FakeEtcdCluster } from "./fake-etcd.js";

/** client-go defaults. */
export const CLIENT_SETTINGS: ClientSettings = {
  dialTimeoutUs: 30 * SECOND,
  readIdleTimeoutUs: 30 * SECOND,
  pingTimeoutUs: 15 * SECOND,
};

/** A small world: running VMs `names` on one network, an etcd member per control plane. */
export function vmWorld(controlPlanes: readonly string[], workers: readonly string[] = [], seed = 1) {
  const sink = new MemorySink();
  const sim = new Simulation({ seed, trace: new Trace().addSink(sink) });
  const network = new Network(sim, {
    latency: constant(300),
    bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
  });
  const hypervisor = new Hypervisor(sim, { network, bootDuration: constant(20 * SECOND) });
  const vms = new Map<string, Vm>();
  for (const n of [...controlPlanes, ...workers]) vms.set(n, hypervisor.create(n, { running: true }));
  network.addHost("admin");
  const etcd = new FakeEtcdCluster(sim, { members: controlPlanes });
  sim.runUntil(0);
  const scope = (vm: string) => new ProcessScope(vms.get(vm)!.guest);
  return { sim, sink, network, hypervisor, vms, etcd, scope };
}
