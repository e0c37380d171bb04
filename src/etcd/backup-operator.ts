/**
 * A backup operator in the style of the (CoreOS) etcd-operator that seed 002 runs
 * ("backupIntervalInSecond: 30, maxBackups: 5"): it saves a snapshot every interval, keeping the
 * newest `maxBackups`, and reconciles every 8 s (etcd-operator's reconcile interval). When a
 * majority of the members stay unhealthy (quorum loss), it recovers the cluster from the latest
 * backup, as the seed describes: "Creating a new seed member to recover from the backup", then
 * "Adding more members until the size reaches to a specified number" — one at a time, each added
 * only once the cluster is healthy again.
 *
 * With `replaceDeadMembers` (etcd-operator's `reconcileMembers`, coreos/etcd-operator
 * pkg/cluster/reconcile.go) it also handles the minority case of seed 002 ("If a minority of the
 * etcd members crash, the etcd operator will automatically recover from the failure by creating
 * new pods"): while a quorum of member pods runs, one dead member (its etcd process gone) is
 * removed per reconcile (`removeDeadMember`), and the next reconcile adds a new member in its
 * place with an empty data dir (`resize` → `addOneMember`). The operator's pods have
 * restartPolicy Never, so a crashed etcd counts as dead just like a deleted pod.
 *
 * On VMs (where the operator cannot create new pods) a "new seed member" is the first running VM,
 * with its etcd stopped and its data dir wiped; the other VMs are wiped and re-added as they are
 * (or become) running. Writes acknowledged after the backup that was restored are lost; the run
 * measures how many and over what span (RPO). Records: `etcd.backup {phase, …}` — `saved`,
 * `quorumLost`, `restoring`, `memberAdded`, `recovered` (after a restore), `deadMemberRemoved`,
 * `replaced` (after a dead member's replacement joined).
 */
import type { Hypervisor } from "../infra/hypervisor.js";
import type { ServiceManager } from "../infra/services.js";
import type { Simulation } from "../sim/simulation.js";
import { type Micros, SECOND } from "../sim/time.js";
import type { EtcdCluster } from "./cluster.js";
import { ETCD_UNIT } from "./etcd-unit.js";
import type { HealthRow } from "./etcdctl-format.js";
import type { EtcdOperator } from "./operator.js";

/** Settings of the backup operator. */
export interface BackupOperatorOptions {
  /** `backupIntervalInSecond`. */
  readonly intervalUs: Micros;
  /** `maxBackups`. */
  readonly maxBackups: number;
  /** How often the operator checks the cluster (etcd-operator: 8 s). */
  readonly reconcileUs: Micros;
  /** Consecutive reconciles with a majority unhealthy before recovering from backup. */
  readonly unhealthyRounds: number;
  /** Replace dead members while quorum holds (etcd-operator's minority recovery). */
  readonly replaceDeadMembers?: boolean;
}

/** Default settings: seed 002's example spec and etcd-operator's reconcile interval. */
export const DEFAULT_BACKUP_OPERATOR: BackupOperatorOptions = {
  intervalUs: 30 * SECOND,
  maxBackups: 5,
  reconcileUs: 8 * SECOND,
  unhealthyRounds: 2,
  replaceDeadMembers: true,
};

type Phase = "watching" | "restoring" | "growing";

/** The backup operator of one cluster. */
export class BackupOperator {
  private phase: Phase = "watching";
  private unhealthyFor = 0;
  private busy = false;
  private seed = "";
  private saved = 0;
  /** Why the operator is growing the cluster: after a restore or after removing a dead member. */
  private growingAfter: "restore" | "deadMember" = "restore";

  constructor(
    private readonly sim: Simulation,
    private readonly operator: EtcdOperator,
    private readonly cluster: EtcdCluster,
    private readonly hypervisor: Hypervisor,
    private readonly systemd: ReadonlyMap<string, ServiceManager>,
    private readonly options: BackupOperatorOptions = DEFAULT_BACKUP_OPERATOR,
  ) {}

  /** Starts the backup and reconcile loops. */
  start(): void {
    const backup = (): void => {
      this.backupOnce();
      this.sim.after(this.options.intervalUs, backup);
    };
    this.sim.after(this.options.intervalUs, backup);
    const reconcile = (): void => {
      this.reconcile();
      this.sim.after(this.options.reconcileUs, reconcile);
    };
    this.sim.after(this.options.reconcileUs, reconcile);
  }

  private hosts(): string[] {
    return this.operator.etcdHosts();
  }

  private running(vm: string): boolean {
    return this.hypervisor.vm(vm)?.isGuestRunning === true;
  }

  /** Saves a snapshot from the member with the highest revision (etcd-operator's backup sidecar). */
  private backupOnce(): void {
    if (this.phase !== "watching") return;
    let best: { host: string; revision: number } | undefined;
    for (const h of this.hosts()) {
      const m = this.cluster.member(h);
      if (m === undefined || m.raft === null) continue;
      if (best === undefined || m.store.revision > best.revision)
        best = { host: h, revision: m.store.revision };
    }
    if (best === undefined || this.cluster.state.leader === "") return;
    const name = `etcd-backup-${String(++this.saved).padStart(4, "0")}`;
    this.operator.snapshotSave(best.host, name, (ok) => {
      if (!ok) return;
      this.operator.backups.prune(this.options.maxBackups);
      const b = this.operator.backups.get(name);
      this.sim.emit("etcd.backup", "etcd-operator", {
        phase: "saved",
        name,
        from: best.host,
        revision: b?.file.revision ?? 0,
        bytes: b?.file.bytes ?? 0,
        kept: this.operator.backups.list().length,
      });
    });
  }

  private reconcile(): void {
    if (this.busy) return;
    this.busy = true;
    this.operator.endpointHealthQuiet(this.hosts(), (rows) => {
      this.busy = false;
      this.decide(rows);
    });
  }

  private decide(rows: readonly HealthRow[]): void {
    const size = this.hosts().length;
    const healthy = rows.filter((r) => r.healthy).length;
    const quorum = Math.floor(size / 2) + 1;
    if (this.phase === "watching") {
      if (healthy >= quorum) {
        this.unhealthyFor = 0;
        if (this.options.replaceDeadMembers === true) this.removeDeadMember();
        return;
      }
      if (++this.unhealthyFor < this.options.unhealthyRounds) return;
      const latest = this.operator.backups.latest();
      if (latest === undefined) return;
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "quorumLost", healthy, size });
      this.restore(latest.name);
      return;
    }
    if (this.phase === "growing") this.grow(rows);
  }

  private restore(backup: string): void {
    const seed = this.hosts().find((h) => this.running(h));
    if (seed === undefined) return;
    this.phase = "restoring";
    this.seed = seed;
    this.sim.emit("etcd.backup", "etcd-operator", { phase: "restoring", backup, seed });
    for (const h of this.hosts()) {
      const s = this.systemd.get(h);
      if (s !== undefined && this.running(h)) s.kill(ETCD_UNIT, "etcd-operator: disaster recovery");
      this.operator.wipeIfPresent(h);
    }
    this.operator.snapshotRestore(seed, {
      backup,
      members: [seed],
      token: `etcd-operator-restore-${backup}`,
    });
    this.operator.start(seed);
    this.phase = "growing";
    this.growingAfter = "restore";
  }

  /** True while the member's "pod" runs: its VM is up and its etcd unit has not died. */
  private podRunning(host: string): boolean {
    if (!this.running(host)) return false;
    const state = this.systemd.get(host)?.state(ETCD_UNIT);
    return state === "active" || state === "activating";
  }

  /**
   * `reconcileMembers` with quorum held: removes one member whose pod is gone; the next reconcile
   * (phase `growing`) adds a new member with an empty data dir in its place.
   */
  private removeDeadMember(): void {
    const leader = this.cluster.leader();
    if (leader === undefined || this.cluster.state.leader === "") return;
    const members = leader.membership.list().map((m) => m.host);
    const dead = members.find((h) => !this.podRunning(h));
    if (dead === undefined) return;
    const alive = members.find((h) => h !== dead && this.podRunning(h));
    if (alive === undefined) return;
    this.busy = true;
    this.operator.memberRemove(dead, (r) => {
      this.busy = false;
      if (!r.ok) return;
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "deadMemberRemoved", member: dead });
      this.seed = alive;
      this.phase = "growing";
      this.growingAfter = "deadMember";
    });
  }

  /** Adds one running VM that is not yet a member, once the cluster is healthy. */
  private grow(rows: readonly HealthRow[]): void {
    const leader = this.cluster.leader();
    if (leader === undefined || this.cluster.state.leader === "") return;
    const members = new Set(leader.membership.list().map((m) => m.host));
    // Wait until every member is healthy before adding the next one.
    const unhealthyMember = rows.some((r) => !r.healthy && members.has(this.hostOfEndpoint(r.endpoint)));
    if (unhealthyMember) return;
    const next = this.hosts().find((h) => !members.has(h) && this.running(h));
    if (next === undefined) {
      if (members.size === this.hosts().length) {
        this.phase = "watching";
        this.unhealthyFor = 0;
        this.sim.emit("etcd.backup", "etcd-operator", {
          phase: this.growingAfter === "restore" ? "recovered" : "replaced",
          members: members.size,
        });
      }
      return;
    }
    this.busy = true;
    this.systemd.get(next)?.kill(ETCD_UNIT, "etcd-operator: replace member");
    this.operator.wipeIfPresent(next);
    this.operator.memberAdd(next, false, (r) => {
      this.busy = false;
      if (!r.ok) return;
      const unit = this.cluster.units.get(next);
      if (unit !== undefined) {
        unit.initialClusterState = "existing";
        unit.initialCluster = [...members, next].map((h) => ({ name: h, host: h }));
        unit.token = this.cluster.units.get(this.seed)?.token ?? unit.token;
      }
      this.operator.start(next);
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "memberAdded", member: next });
    });
  }

  private hostOfEndpoint(endpoint: string): string {
    for (const h of this.hosts()) if (endpoint.includes(`//${this.operator.addressOf(h)}:`)) return h;
    return "";
  }
}
