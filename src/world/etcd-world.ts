/**
 * The etcd layer of a world (models with `layers: [infra, etcd]`): an etcd member as the systemd
 * unit `etcd` on every control-plane VM (stacked topology), the registry that watches them
 * (invariants, roles, cluster state), an operator host `admin` for etcdctl, a client host `client`
 * running the open-loop workload, the lost-write check, and optionally the backup operator of
 * seed 002. Also the role targets `etcd.leader`, `etcd.follower`, `etcd.followers` and `etcd.down`
 * (lists take an index: `etcd.down[0]`).
 *
 * The layer's objects hang off the world in a WeakMap ({@link etcdOf}), so World itself needs no
 * etcd fields.
 */
import { BackupOperator, type MemberPods } from "../etcd/backup-operator.js";
import { BackupStore } from "../etcd/backups.js";
import { EtcdNetworkClient } from "../etcd/client.js";
import type { EtcdCluster } from "../etcd/cluster.js";
import {
  type EtcdConfig,
  EtcdConfigError,
  type EtcdVersion,
  etcdConfig,
  versionDefaults,
} from "../etcd/config.js";
import { deployEtcd } from "../etcd/deploy.js";
import { ETCD_UNIT } from "../etcd/etcd-unit.js";
import { LostWriteMonitor } from "../etcd/lost-writes.js";
import { EtcdOperator } from "../etcd/operator.js";
import { ClientWorkload } from "../etcd/workload.js";
import { WriteLedger } from "../etcd/write-ledger.js";
import type { ServiceManager } from "../infra/services.js";
import { NONE } from "../raft/types.js";
import { sample } from "../sim/distribution.js";
import { MINUTE } from "../sim/time.js";
import { addEtcdHost, removeEtcdHost } from "./etcd-member-host.js";
import type { ParameterSet } from "./parameter-set.js";
import type { World } from "./world.js";

/** Host of etcdctl (outside the cluster, like the load balancer). */
export const ADMIN_HOST = "admin";
/** Host of the client workload. */
export const CLIENT_HOST = "client";

/** Everything the etcd layer adds to a world. */
export interface EtcdLayer {
  readonly config: EtcdConfig;
  readonly cluster: EtcdCluster;
  readonly operator: EtcdOperator;
  readonly backups: BackupStore;
  readonly ledger: WriteLedger;
  readonly lostWrites: LostWriteMonitor;
  readonly workload: ClientWorkload | undefined;
  readonly backupOperator: BackupOperator | undefined;
  /**
   * The VMs whose members the roles `etcd.follower(s)` and `etcd.down` consider: the control
   * planes, plus hosts added later by {@link addEtcdHost} (OpenShift machines, etcd-operator pods).
   */
  readonly hosts: string[];
}

const layers = new WeakMap<World, EtcdLayer>();

/** The etcd layer of a world, if it has one. */
export function etcdOf(world: World): EtcdLayer | undefined {
  return layers.get(world);
}

/**
 * etcd's configuration from the parameters. Pre-vote and snapshot-count follow the version unless
 * set explicitly. Throws EtcdConfigError for a configuration etcd refuses.
 */
export function etcdConfigFrom(p: ParameterSet): EtcdConfig {
  const version = p.string("etcd.version") as EtcdVersion;
  const v = versionDefaults(version);
  const explicit = (key: string) => p.get(key).origin !== "default";
  return etcdConfig({
    version,
    heartbeatUs: p.duration("etcd.heartbeatInterval"),
    electionTimeoutUs: p.duration("etcd.electionTimeout"),
    preVote: explicit("etcd.preVote") ? p.boolean("etcd.preVote") : v.preVote,
    snapshotCount: explicit("etcd.snapshotCount") ? p.integer("etcd.snapshotCount") : v.snapshotCount,
    snapshotCatchUpEntries: p.integer("etcd.snapshotCatchUpEntries"),
    initialElectionTickAdvance: p.boolean("etcd.initialElectionTickAdvance"),
    strictReconfigCheck: p.boolean("etcd.strictReconfigCheck"),
    maxLearners: p.integer("etcd.maxLearners"),
    dbBaseBytes: p.number("etcd.dbBaseSize"),
  });
}

/** A problem with the etcd parameters etcd itself would refuse, or undefined. */
export function checkEtcdParameters(p: ParameterSet): string | undefined {
  try {
    etcdConfigFrom(p);
    return undefined;
  } catch (e) {
    if (e instanceof EtcdConfigError) return e.message;
    throw e;
  }
}

/** Installs etcd on the control-plane VMs of an infrastructure world. */
export function installEtcdLayer(world: World): EtcdLayer {
  const { sim, network, params: p } = world;
  const config = etcdConfigFrom(p);
  const machines = world.topology.controlPlanes.map((name) => ({
    name,
    systemd: world.services.get(name) as ServiceManager,
  }));
  const cluster = deployEtcd(sim, network, machines, {
    config,
    unit: { startDelay: p.distribution("etcd.startDuration"), restartAfterUs: p.duration("etcd.restartSec") },
  });
  network.addHost(ADMIN_HOST);
  network.addHost(CLIENT_HOST);
  const backups = new BackupStore();
  const operator = new EtcdOperator(
    sim,
    network,
    world.hypervisor,
    cluster,
    world.services,
    backups,
    ADMIN_HOST,
  );
  const ledger = new WriteLedger();
  const lostWrites = new LostWriteMonitor(sim, cluster, ledger);
  lostWrites.start();

  let workload: ClientWorkload | undefined;
  let workloadClient: EtcdNetworkClient | undefined;
  const writes = p.number("workload.writes");
  const linReads = p.number("workload.linearizableReads");
  const serReads = p.number("workload.serializableReads");
  if (writes > 0 || linReads > 0 || serReads > 0) {
    const client = new EtcdNetworkClient(sim, network, CLIENT_HOST, {
      endpoints: world.topology.controlPlanes,
      requestTimeoutUs: p.duration("workload.requestTimeout"),
    });
    workloadClient = client;
    workload = new ClientWorkload(
      sim,
      client,
      {
        writesPerSec: writes,
        linearizableReadsPerSec: linReads,
        serializableReadsPerSec: serReads,
        valueBytes: p.number("workload.valueSize"),
        keys: p.integer("workload.keys"),
        startUs: p.duration("workload.start"),
        statsIntervalUs: MINUTE,
        slowUs: p.duration("workload.slowThreshold"),
        // Live: etcd-operator pods join and leave the client Service's endpoints.
        endpointCount: () => client.endpointCount,
      },
      ledger,
    );
    workload.start();
  }

  let backupOperator: BackupOperator | undefined;
  const hosts = [...world.topology.controlPlanes];
  if (p.boolean("etcd.backupOperator.enabled")) {
    // etcd-operator's pods: the VMs cp-N stand for example-etcd-cluster-000N, and a new pod is a
    // new host with the next number (src/world/etcd-member-host.ts).
    let counter = hosts.length;
    const pods: MemberPods | undefined = p.boolean("etcd.backupOperator.newPods")
      ? {
          nextName: () => `cp-${counter++}`,
          create: (name) => {
            addEtcdHost(world, layer, name);
            const systemd = world.services.get(name) as ServiceManager;
            // The workload reaches the pods through the cluster's client Service, whose endpoints
            // are the pods that are ready: a new pod from the moment its etcd runs.
            const off = systemd.onChange((unit, _from, to) => {
              if (unit !== ETCD_UNIT || to !== "active") return;
              workloadClient?.addEndpoint(name);
              off();
            });
            return systemd;
          },
          delete: (name) => {
            world.hypervisor.vm(name)?.delete("etcd-operator: delete pod");
            // The pod's flags go with it: etcdctl no longer lists it as an endpoint, nor does the
            // client Service.
            workloadClient?.removeEndpoint(name);
            cluster.units.delete(name);
            cluster.setups.delete(name);
            removeEtcdHost(layer, name);
          },
        }
      : undefined;
    const restoreInit = p.distribution("etcd.backupOperator.restorePodInit");
    const restoreRng = sim.rng.stream("etcd/backup-operator");
    backupOperator = new BackupOperator(
      sim,
      operator,
      cluster,
      world.hypervisor,
      world.services,
      {
        intervalUs: p.duration("etcd.backupOperator.interval"),
        maxBackups: p.integer("etcd.backupOperator.maxBackups"),
        reconcileUs: p.duration("etcd.backupOperator.reconcileInterval"),
        unhealthyRounds: 2,
        replaceDeadMembers: p.boolean("etcd.backupOperator.replaceDeadMembers"),
        restorePodInitUs: () => sample(restoreInit, restoreRng),
      },
      pods,
    );
    backupOperator.start();
  }

  world.roleTargets.set("etcd.leader", {
    kinds: ["vm", "host"],
    summary: "the VM of the current etcd leader",
    resolve: () => cluster.leader()?.host,
  });
  world.roleTargets.set("etcd.follower", {
    kinds: ["vm", "host"],
    summary: "the first control-plane VM whose etcd member follows the current leader",
    resolve: () => {
      const leader = cluster.leader();
      if (leader === undefined) return undefined;
      for (const name of hosts) {
        const m = cluster.member(name);
        const r = m?.raft;
        if (m === undefined || m === leader || r == null) continue;
        if (r.leader === leader.selfId && r.leader !== NONE && !r.isLearner) return name;
      }
      return undefined;
    },
  });

  world.roleTargets.set("etcd.followers", {
    kinds: ["vm", "host"],
    summary:
      "every control-plane VM whose etcd member follows the current leader (etcd.followers[1]: the second)",
    resolve: () => {
      const leader = cluster.leader();
      if (leader === undefined) return [];
      return hosts.filter((name) => {
        const r = cluster.member(name)?.raft;
        return r != null && name !== leader.host && r.leader === leader.selfId && !r.isLearner;
      });
    },
  });
  world.roleTargets.set("etcd.down", {
    kinds: ["vm", "host"],
    summary: "every control-plane VM whose etcd member is not running (etcd.down[0]: the first)",
    resolve: () => hosts.filter((name) => cluster.member(name) === undefined),
  });

  world.finishers.push(() => {
    workload?.stop();
    const lost = lostWrites.finish();
    const span =
      lost.firstAckUs !== undefined && lost.lastAckUs !== undefined ? lost.lastAckUs - lost.firstAckUs : null;
    sim.emit("metric", "lostWritesSpan", { name: "lostWritesSpan", value: lost.count > 0 ? span : 0 });
    sim.emit("metric", "elections", { name: "elections", value: cluster.elections });
  });
  const metric = (name: string, unit: "duration" | "count", summary: string) =>
    world.metrics.set(name, { name, unit, summary });
  metric(
    "lostWrites",
    "count",
    "Acknowledged writes missing from the surviving state at the end (RPO count)",
  );
  metric(
    "lostWritesSpan",
    "duration",
    "Time between the first and the last lost write's acknowledgement (RPO span)",
  );
  metric("elections", "count", "etcd leader elections (a member became leader of a new term)");
  const kinds: [string, string][] = [
    ["etcd.log", "an etcd log line (member, level, package, message)"],
    ["etcd.role", "a member's Raft role or leader changed, or its process stopped"],
    ["etcd.cluster", "the cluster's leader, quorum or healthy-member count changed"],
    ["etcd.member", "a membership change was applied (added, learnerAdded, promoted, removed)"],
    ["etcd.snapshot", "a database snapshot transfer phase (sending, sent, failed, receiving, received)"],
    ["etcd.etcdctl", "an etcdctl/etcdutl command and its output"],
    ["etcd.backup", "the backup operator saved a backup or recovered the cluster"],
    ["etcd.dataLoss", "the experiment destroyed data (majority data-dir loss, restore, force-new-cluster)"],
    ["etcd.writes.lost", "acknowledged writes were lost (count and span, at the end)"],
    ["writes.available", "write availability changed (by issue time)"],
    ["reads.linearizable.available", "linearizable read availability changed"],
    ["reads.serializable.available", "serializable read availability changed"],
    ["workload.stats", "the workload's counts and latencies over the last interval"],
  ];
  for (const [k, meaning] of kinds) world.eventKinds.set(k, meaning);

  const layer: EtcdLayer = {
    config,
    cluster,
    operator,
    backups,
    ledger,
    lostWrites,
    workload,
    backupOperator,
    hosts,
  };
  layers.set(world, layer);
  return layer;
}
