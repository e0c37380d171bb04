/**
 * The physical layer of every model: control-plane and worker VMs on one hypervisor and one
 * network, each with its systemd, and an HAProxy-style load balancer in front of the control
 * planes (the control-plane endpoint of CAPV clusters, seed 000).
 *
 * Until a model adds the Kubernetes layer, the load balancer checks a TCP connect to each control
 * plane's SSH port (a `sshd` unit), i.e. "is the guest up"; the Kubernetes layer replaces the
 * check with `GET /readyz` on the kube-apiserver.
 */

import { tcpConnectCheck } from "../infra/health-check.js";
import { Hypervisor } from "../infra/hypervisor.js";
import { LoadBalancer } from "../infra/loadbalancer.js";
import { Network } from "../infra/network.js";
import { type Process, ServiceManager } from "../infra/services.js";
import type { Simulation } from "../sim/simulation.js";
import { SECOND } from "../sim/time.js";
import type { ParameterSet } from "./parameter-set.js";
import { World } from "./world.js";

/** Host name of the load balancer VM (outside the cluster, never targeted by faults). */
export const LB_HOST = "lb";
/** Port the placeholder guest check uses. */
export const SSH_PORT = 22;

/** Builds the VMs, network, systemd units and load balancer of a model. */
export function buildInfraWorld(sim: Simulation, params: ParameterSet, modelName: string): World {
  const network = new Network(sim, {
    latency: params.distribution("network.latency"),
    bandwidthBytesPerSec: params.number("network.bandwidth"),
  });
  const hypervisor = new Hypervisor(sim, {
    network,
    bootDuration: params.distribution("vm.bootDuration"),
    fsyncLatency: params.distribution("disk.fsync"),
  });
  const controlPlanes = range(params.integer("topology.controlPlanes")).map((i) => `cp-${i}`);
  const workers = range(params.integer("topology.workers")).map((i) => `worker-${i}`);
  const world = new World(sim, params, network, hypervisor, { controlPlanes, workers }, modelName);

  network.addHost(LB_HOST);
  for (const name of world.vmNames()) {
    const vm = hypervisor.create(name, { running: true });
    const systemd = new ServiceManager(sim, vm, { settled: true });
    world.services.set(name, systemd);
    systemd.add({
      name: "sshd",
      start: (ctx) => listenerProcess(ctx.vm.name, SSH_PORT, network),
      startDelay: { kind: "constant", value: SECOND },
    });
  }

  world.loadBalancer = new LoadBalancer(sim, {
    name: "kube_api_backend",
    balance: params.string("lb.balance") === "first" ? "first" : "roundrobin",
    interUs: params.duration("lb.inter"),
    downinterUs: params.duration("lb.downinter"),
    rise: params.integer("lb.rise"),
    fall: params.integer("lb.fall"),
    timeoutCheckUs: params.duration("lb.checkTimeout"),
    timeoutConnectUs: params.duration("lb.connectTimeout"),
    check: tcpConnectCheck(network, LB_HOST),
    backends: controlPlanes.map((name) => ({ name, host: name, port: SSH_PORT })),
  });
  return world;
}

function listenerProcess(host: string, port: number, network: Network): Process {
  const endpoint = network.listen(host, port, () => {});
  return {
    terminate(exited) {
      endpoint.close();
      exited();
    },
    kill() {
      endpoint.close();
    },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
