/**
 * Installs etcd on a set of VMs the way a stacked control plane has it: one `etcd` unit per VM,
 * all started together as a new cluster with `--initial-cluster` listing every member, and one
 * registry ({@link EtcdCluster}) watching them. Used by the world, the tests and the benchmarks.
 */
import type { Network } from "../infra/network.js";
import type { ServiceManager } from "../infra/services.js";
import type { Simulation } from "../sim/simulation.js";
import { EtcdCluster } from "./cluster.js";
import type { EtcdConfig } from "./config.js";
import { type EtcdUnitOptions, etcdUnitSpec } from "./etcd-unit.js";
import type { MemberSetup } from "./member.js";
import type { EtcdUnitConfig } from "./unit-config.js";

/** etcd's default `--initial-cluster-token`. */
export const DEFAULT_CLUSTER_TOKEN = "etcd-cluster";

/** A VM that runs an etcd member. */
export interface EtcdMachine {
  /** VM (and member) name. */
  readonly name: string;
  readonly systemd: ServiceManager;
}

/** Options of a deployment. */
export interface DeployOptions {
  readonly config: EtcdConfig;
  readonly token?: string;
  readonly unit?: EtcdUnitOptions;
}

/** Installs the `etcd` unit on every machine and returns the registry that observes them. */
export function deployEtcd(
  sim: Simulation,
  network: Network,
  machines: readonly EtcdMachine[],
  options: DeployOptions,
): EtcdCluster {
  const cluster = new EtcdCluster(sim, network);
  const setup: MemberSetup = { network, config: options.config, observer: cluster };
  const initialCluster = machines.map((m) => ({ name: m.name, host: m.name }));
  for (const m of machines) {
    const unit: EtcdUnitConfig = {
      name: m.name,
      initialCluster: [...initialCluster],
      initialClusterState: "new",
      token: options.token ?? DEFAULT_CLUSTER_TOKEN,
      forceNewCluster: false,
    };
    cluster.units.set(m.name, unit);
    cluster.setups.set(m.name, setup);
    m.systemd.add(etcdUnitSpec(unit, setup, options.unit));
  }
  return cluster;
}
