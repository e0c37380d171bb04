/** A small etcd world for tests: VMs on one network, the etcd units, the registry and a client. */

import { BackupStore } from "../../src/etcd/backups.js";
import { EtcdNetworkClient } from "../../src/etcd/client.js";
import type { Result } from "../../src/etcd/client-api.js";
import type { EtcdCluster } from "../../src/etcd/cluster.js";
import { type EtcdConfig, etcdConfig } from "../../src/etcd/config.js";
import { DEFAULT_CLUSTER_TOKEN, deployEtcd } from "../../src/etcd/deploy.js";
import { etcdUnitSpec } from "../../src/etcd/etcd-unit.js";
import type { EtcdMember } from "../../src/etcd/member.js";
import { EtcdOperator } from "../../src/etcd/operator.js";
import type { EtcdUnitConfig } from "../../src/etcd/unit-config.js";
import { Hypervisor } from "../../src/infra/hypervisor.js";
import { Network } from "../../src/infra/network.js";
import { ServiceManager } from "../../src/infra/services.js";
import { constant, type Distribution } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { MemorySink, Trace, type TraceRecord } from "../../src/sim/trace.js";

export interface TestClusterOptions {
  readonly members?: number;
  readonly seed?: number | string;
  readonly config?: Partial<EtcdConfig>;
  readonly latency?: Distribution;
  readonly fsync?: Distribution;
  readonly bandwidthBytesPerSec?: number;
  readonly startDelay?: Distribution;
  readonly restartAfterUs?: number;
  /** Keep trace records in memory (default true). */
  readonly keepTrace?: boolean;
}

export interface TestCluster {
  readonly sim: Simulation;
  readonly sink: MemorySink;
  readonly network: Network;
  readonly hypervisor: Hypervisor;
  readonly cluster: EtcdCluster;
  readonly systemd: Map<string, ServiceManager>;
  readonly names: string[];
  readonly client: EtcdNetworkClient;
}

/** `n` VMs cp-0… running etcd, plus a `client` host with a client on every endpoint. */
export function testCluster(o: TestClusterOptions = {}): TestCluster {
  const sink = new MemorySink();
  const trace = new Trace();
  if (o.keepTrace !== false) trace.addSink(sink);
  const sim = new Simulation({ seed: o.seed ?? 1, trace });
  const network = new Network(sim, {
    latency: o.latency ?? { kind: "uniform", min: 200, max: 600 },
    ...(o.bandwidthBytesPerSec !== undefined ? { bandwidthBytesPerSec: o.bandwidthBytesPerSec } : {}),
  });
  const hypervisor = new Hypervisor(sim, {
    network,
    fsyncLatency: o.fsync ?? { kind: "lognormal", p50: 1 * MILLISECOND, p99: 5 * MILLISECOND },
    bootDuration: constant(30 * SECOND),
  });
  const names = Array.from({ length: o.members ?? 3 }, (_, i) => `cp-${i}`);
  const systemd = new Map<string, ServiceManager>();
  const machines = names.map((name) => {
    const vm = hypervisor.create(name, { running: true });
    const s = new ServiceManager(sim, vm, { settled: true });
    systemd.set(name, s);
    return { name, systemd: s };
  });
  network.addHost("client");
  const cluster = deployEtcd(sim, network, machines, {
    config: etcdConfig(o.config),
    unit: {
      startDelay: o.startDelay ?? constant(SECOND),
      restartAfterUs: o.restartAfterUs ?? 5 * SECOND,
    },
  });
  const client = new EtcdNetworkClient(sim, network, "client", { endpoints: names });
  return { sim, sink, network, hypervisor, cluster, systemd, names, client };
}

/** Runs until `pred` holds or `limitUs` of simulated time pass; returns whether it held. */
export function runUntil(t: TestCluster, pred: () => boolean, limitUs: number): boolean {
  return t.sim.runUntilTrue(pred, t.sim.now + limitUs);
}

/** The leader process (newest lineage), if any. */
export function leaderOf(t: TestCluster): EtcdMember | undefined {
  return t.cluster.leader();
}

/** Waits for a leader recognised by a quorum (the cluster state's `leader`) and every member ready. */
export function awaitLeader(t: TestCluster, limitUs = 10 * SECOND): EtcdMember {
  const ok = runUntil(
    t,
    () => t.cluster.state.leader !== "" && [...t.cluster.members.values()].every((m) => m.isReady),
    limitUs,
  );
  if (!ok) throw new Error(`no leader within ${limitUs}µs`);
  return t.cluster.leader()!;
}

/** Issues a request through `issue` and runs the simulation until it answers. */
export function call<T>(
  t: TestCluster,
  issue: (done: (r: Result<T>) => void) => void,
  limitUs = 30 * SECOND,
): Result<T> & { atUs: number; startUs: number } {
  let got: (Result<T> & { atUs: number; startUs: number }) | undefined;
  const startUs = t.sim.now;
  issue((r) => {
    got = { ...r, atUs: t.sim.now, startUs };
  });
  runUntil(t, () => got !== undefined, limitUs);
  if (got === undefined) throw new Error("no answer");
  return got;
}

/** Records of one kind. */
export function recordsOf(t: TestCluster, kind: string): TraceRecord[] {
  return t.sink.records.filter((r) => r.kind === kind);
}

/** `etcd.log` messages (all members) matching `re`. */
export function logLines(t: TestCluster, re: RegExp): TraceRecord[] {
  return t.sink.records.filter((r) => r.kind === "etcd.log" && re.test(String(r.msg)));
}

/** An etcdctl operator on an `admin` host of the test cluster. */
export function operatorFor(t: TestCluster): EtcdOperator {
  if (!t.network.hasHost("admin")) t.network.addHost("admin");
  return new EtcdOperator(t.sim, t.network, t.hypervisor, t.cluster, t.systemd, new BackupStore(), "admin");
}

/** A running VM with the etcd unit installed but disabled (a spare machine for member add). */
export function addSpareMachine(t: TestCluster, name: string): void {
  const vm = t.hypervisor.create(name, { running: true });
  const s = new ServiceManager(t.sim, vm, { settled: true });
  t.systemd.set(name, s);
  const setup = t.cluster.setups.get(t.names[0]!)!;
  const unit: EtcdUnitConfig = {
    name,
    initialCluster: [...t.names, name].map((n) => ({ name: n, host: n })),
    initialClusterState: "existing",
    token: DEFAULT_CLUSTER_TOKEN,
    forceNewCluster: false,
  };
  t.cluster.units.set(name, unit);
  t.cluster.setups.set(name, setup);
  s.add(etcdUnitSpec(unit, setup, { enabled: false, startDelay: constant(SECOND) }));
  t.sim.runUntil(t.sim.now);
}
