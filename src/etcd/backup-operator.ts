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
 * new pods"). Every reconcile is one step of `reconcileMembers`: quorum lost → disaster recovery;
 * else a dead member (its etcd process gone) → remove it (`removeDeadMember`); else fewer members
 * than VMs → add one with an empty data dir (`resize` → `addOneMember`). The operator's pods have
 * restartPolicy Never, so an etcd that exited counts as dead until it is removed, even if systemd
 * has restarted it since, just like a deleted pod. A removal etcd refuses (strict reconfig check:
 * a member that reconnected less than 5 s ago does not count as active) is retried next reconcile.
 *
 * With {@link MemberPods} (the etcd-operator profile, `etcd.backupOperator.newPods`) the members
 * are pods, as in seed 002: removing a dead member deletes its pod (host and data dir gone), and
 * the replacement is a new pod with the next name of the cluster's sequence (`addOneMember`:
 * `etcdctl member add` of the new member, then the pod is created with `--initial-cluster-state
 * existing`; the seed's "example-etcd-cluster-0003" after 0000..0002). The pod starts after its
 * host's boot duration.
 *
 * Disaster recovery with {@link MemberPods} is `disasterRecovery` + `restoreSeedMember`
 * (coreos/etcd-operator pkg/cluster/cluster.go and pkg/util/k8sutil/k8sutil.go): every pod still
 * left is deleted, and the seed member is a new pod with the next name (seed 002:
 * "example-etcd-cluster-with-backup-0003", with 0000–0002 gone) whose two init containers fetch the
 * backup from the backup sidecar (`fetch-backup`, curl) and restore the data dir from it
 * (`restore-datadir`, `etcdctl snapshot restore`) before etcd starts: the seed shows it
 * "Init:0/2" at an age of 11 s (seed 002 lines 133–137). The members added afterwards are new pods
 * too (0004, 0005: seed 002 lines 143–148).
 *
 * Before restoring, `disasterRecovery` takes a backup now if any member's pod still runs
 * (coreos/etcd-operator pkg/cluster/cluster.go: it logs that pods are still running and that it
 * will try to make a latest backup from one of them, then `RequestBackupNow` on the backup
 * sidecar): a snapshot of the surviving member with the highest applied index, which needs no
 * quorum (etcd's Maintenance.Snapshot streams the member's local backend). The restore then uses
 * that backup, so only what the survivor itself had not applied is lost (usually nothing). With no
 * pod left, or if that snapshot fails, the restore uses the latest periodic backup as before.
 *
 * On VMs (where the operator cannot create new pods) a "new seed member" is the first running VM,
 * with its etcd stopped and its data dir wiped; the other VMs are wiped and re-added as they are
 * (or become) running. Writes acknowledged after the backup that was restored are lost; the run
 * measures how many and over what span (RPO). Records: `etcd.backup {phase, …}` — `saved`
 * (`disaster: true` for the backup taken at a quorum loss), `quorumLost`, `backupNow` (pods still
 * run: a backup is requested from `from`), `backupNowFailed` (`next`: `restore` the periodic
 * backup, or `watch` again when there is none left), `restoring`, `memberAdded`,
 * `recovered` (after a restore), `deadMemberRemoved`, `replaced` (after a dead member's
 * replacement joined).
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
  /**
   * With {@link MemberPods}: from the seed member's pod being created to its init containers
   * being done (`fetch-backup` from the backup sidecar, `restore-datadir`), when etcd starts in it.
   * Each call draws one; without it etcd starts as soon as the pod's host has booted.
   */
  readonly restorePodInitUs?: () => Micros;
}

/**
 * The operator's pods, when it can create and delete them (etcd-operator; on VMs it reuses them).
 * A pod is a host of its own, named after the pod.
 */
export interface MemberPods {
  /** The next pod name of the cluster's sequence (etcd-operator's member counter). */
  nextName(): string;
  /** Creates the pod: a new host with the etcd unit, which runs once the pod has started. */
  create(name: string): ServiceManager;
  /** Deletes the pod: its host and data dir are gone. */
  delete(name: string): void;
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
  /** A dead member was removed and its replacement has not joined yet. */
  private replacing = false;
  /**
   * Members whose etcd exited on its own or was killed by someone else (a crash or a deleted pod):
   * dead until the operator has removed them, even if systemd restarted the process meanwhile.
   */
  private readonly exited = new Set<string>();
  /** True while the operator itself stops members (those exits are not crashes). */
  private stopping = false;
  /** Pods the operator deleted (with {@link MemberPods}): no longer hosts of the cluster. */
  private readonly deletedPods = new Set<string>();
  /**
   * Pods created for a member added to the cluster, not yet seen running; whether one is still
   * pending is judged from its state at each reconcile ({@link podsPending}).
   */
  private readonly pendingPods = new Set<string>();
  /** A new pod whose `member add` was refused: the next try reuses its name. */
  private refusedPod: string | undefined;
  /** The cluster's size (`spec.size`): the hosts it started with. */
  private size = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly operator: EtcdOperator,
    private readonly cluster: EtcdCluster,
    private readonly hypervisor: Hypervisor,
    private readonly systemd: ReadonlyMap<string, ServiceManager>,
    private readonly options: BackupOperatorOptions = DEFAULT_BACKUP_OPERATOR,
    private readonly pods?: MemberPods,
  ) {}

  /** Starts the backup and reconcile loops. */
  start(): void {
    this.size = this.hosts().length;
    for (const [host, systemd] of this.systemd) this.watchExits(host, systemd);
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

  private watchExits(host: string, systemd: ServiceManager): void {
    systemd.onChange((unit, from, to) => {
      const wasUp = from === "active" || from === "activating";
      if (unit === ETCD_UNIT && wasUp && (to === "failed" || to === "inactive") && !this.stopping)
        this.exited.add(host);
    });
  }

  private hosts(): string[] {
    const all = this.operator.etcdHosts();
    return this.deletedPods.size === 0 ? all : all.filter((h) => !this.deletedPods.has(h));
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
    this.saveBackup(best.host, false, () => {});
  }

  /**
   * `etcdctl snapshot save` of `from` into the backup store under the next name, pruned to
   * `maxBackups`; `done(name)` with the backup's name, or undefined when the snapshot failed.
   */
  private saveBackup(from: string, disaster: boolean, done: (name: string | undefined) => void): void {
    const name = `etcd-backup-${String(++this.saved).padStart(4, "0")}`;
    this.operator.snapshotSave(from, name, (ok) => {
      if (!ok) return done(undefined);
      this.operator.backups.prune(this.options.maxBackups);
      const b = this.operator.backups.get(name);
      this.sim.emit("etcd.backup", "etcd-operator", {
        phase: "saved",
        name,
        from,
        revision: b?.file.revision ?? 0,
        raftIndex: b?.file.raftIndex ?? 0,
        bytes: b?.file.bytes ?? 0,
        kept: this.operator.backups.list().length,
        ...(disaster ? { disaster: true } : {}),
      });
      done(name);
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
    if (this.phase === "growing") {
      this.grow(rows);
      return;
    }
    if (this.phase !== "watching") return;
    if (healthy < quorum) {
      if (++this.unhealthyFor < this.options.unhealthyRounds) return;
      const latest = this.operator.backups.latest();
      const survivors = this.survivingPods();
      if (latest === undefined && survivors.length === 0) return;
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "quorumLost", healthy, size });
      this.replacing = false;
      this.exited.clear();
      if (survivors.length > 0) this.backupNowThenRestore(survivors, latest?.name);
      else if (latest !== undefined) this.restore(latest.name);
      return;
    }
    this.unhealthyFor = 0;
    if (this.options.replaceDeadMembers !== true) return;
    // etcd-operator does not reconcile members while one of its pods is still pending
    // (coreos/etcd-operator pkg/cluster/reconcile.go).
    if (this.podsPending()) return;
    if (this.removeDeadMember([...this.exited])) return;
    this.grow(rows);
  }

  /**
   * Whether a new pod is still on its way: it exists (not deleted, its VM powered on) and its etcd
   * has neither become active nor exited. Pods that got there, or never will, are forgotten.
   */
  private podsPending(): boolean {
    for (const name of this.pendingPods) {
      const vm = this.hypervisor.vm(name);
      const unit = this.systemd.get(name)?.state(ETCD_UNIT);
      const settled =
        this.deletedPods.has(name) ||
        vm === undefined ||
        vm.state !== "poweredOn" ||
        unit === "active" ||
        unit === "failed" ||
        this.exited.has(name);
      if (settled) this.pendingPods.delete(name);
    }
    return this.pendingPods.size > 0;
  }

  /**
   * Members whose pod still runs at a quorum loss: the VM is up, its etcd process is running and has
   * not exited since the operator last looked (restartPolicy Never: a restarted process is a dead pod).
   */
  private survivingPods(): string[] {
    return this.hosts().filter(
      (h) => this.podRunning(h) && !this.exited.has(h) && this.cluster.member(h) !== undefined,
    );
  }

  /**
   * The first part of etcd-operator's `disasterRecovery` (coreos/etcd-operator
   * pkg/cluster/cluster.go): with pods still running, the operator asks the backup sidecar for a
   * backup right now (`RequestBackupNow`) and restores from it when it succeeds; otherwise from the
   * latest periodic backup. The sidecar snapshots the member with the most data (here: the highest
   * applied index); a member's snapshot is its local backend, so it needs no quorum. The transfer
   * takes the usual snapshot time (database size ÷ bandwidth, `snapshotSave`). The new backup joins
   * the store like a periodic one (pruned to `maxBackups`).
   */
  private backupNowThenRestore(survivors: readonly string[], fallback: string | undefined): void {
    this.phase = "restoring";
    let from = survivors[0]!;
    let applied = -1;
    for (const h of survivors) {
      const index = this.cluster.member(h)?.raft?.applied ?? -1;
      if (index > applied) {
        from = h;
        applied = index;
      }
    }
    const revision = this.cluster.member(from)?.store.revision ?? 0;
    // The operator's log: "pods are still running (…); will try to make a latest backup".
    this.sim.emit("etcd.backup", "etcd-operator", {
      phase: "backupNow",
      pods: [...survivors],
      from,
      appliedIndex: Math.max(applied, 0),
      revision,
    });
    this.saveBackup(from, true, (name) => {
      if (name !== undefined) {
        this.restore(name);
        return;
      }
      // `next`: what the operator does instead — restore the periodic backup, or (none, or it was
      // pruned meanwhile) go back to watching.
      const usable = fallback !== undefined && this.operator.backups.get(fallback) !== undefined;
      this.sim.emit("etcd.backup", "etcd-operator", {
        phase: "backupNowFailed",
        from,
        fallback: fallback ?? "",
        next: usable ? "restore" : "watch",
      });
      if (usable) {
        this.restore(fallback);
        return;
      }
      // No backup to restore from: keep watching, as without one at all.
      this.phase = "watching";
      this.unhealthyFor = 0;
    });
  }

  private restore(backup: string): void {
    if (this.pods !== undefined) {
      this.restoreInNewPod(this.pods, backup);
      return;
    }
    const seed = this.hosts().find((h) => this.running(h));
    if (seed === undefined) {
      this.phase = "watching";
      return;
    }
    this.phase = "restoring";
    this.seed = seed;
    this.sim.emit("etcd.backup", "etcd-operator", { phase: "restoring", backup, seed });
    for (const h of this.hosts()) {
      const s = this.systemd.get(h);
      if (s !== undefined && this.running(h)) this.stopMember(s, "etcd-operator: disaster recovery");
      this.operator.wipeIfPresent(h);
    }
    this.operator.snapshotRestore(seed, {
      backup,
      members: [seed],
      token: `etcd-operator-restore-${backup}`,
    });
    this.operator.start(seed);
    this.phase = "growing";
  }

  /**
   * `disasterRecovery` on pods: deletes the pods still left, then `restoreSeedMember` creates the
   * seed member as a new pod. Its etcd does not start with the pod: the init containers fetch the
   * backup and restore the data dir first (`restorePodInitUs`), then etcd starts as a one-member
   * cluster; {@link grow} adds new pods until the size is reached again.
   */
  private restoreInNewPod(pods: MemberPods, backup: string): void {
    this.phase = "restoring";
    const left = this.hosts();
    // Pods of an earlier add are deleted below; the names go on from the seed's.
    this.refusedPod = undefined;
    this.pendingPods.clear();
    const seed = pods.nextName();
    this.seed = seed;
    this.sim.emit("etcd.backup", "etcd-operator", { phase: "restoring", backup, seed, pod: "new" });
    const systemd = pods.create(seed);
    // The pod's etcd container waits for the init containers (Init:0/2, then Init:1/2).
    systemd.setEnabled(ETCD_UNIT, false);
    this.watchExits(seed, systemd);
    for (const h of left) {
      const s = this.systemd.get(h);
      if (s !== undefined && this.running(h)) this.stopMember(s, "etcd-operator: disaster recovery");
      this.deletedPods.add(h);
      pods.delete(h);
    }
    const initUs = this.options.restorePodInitUs?.() ?? 0;
    const run = (): void => {
      if (this.deletedPods.has(seed)) return;
      const vm = this.hypervisor.vm(seed);
      if (vm === undefined || vm.state !== "poweredOn") {
        // The seed pod's node is gone or off: it will not run. Back to watching; the next
        // quorum loss restores into another new pod (this one is deleted with the others).
        this.phase = "watching";
        this.unhealthyFor = 0;
        return;
      }
      if (!this.running(seed)) {
        // Init containers run once the pod's sandbox is up.
        this.sim.after(SECOND, run);
        return;
      }
      this.operator.snapshotRestore(seed, {
        backup,
        members: [seed],
        token: `etcd-operator-restore-${backup}`,
      });
      systemd.setEnabled(ETCD_UNIT, true);
      this.operator.start(seed);
      this.phase = "growing";
    };
    this.sim.after(initUs, run);
  }

  /** Kills a member's etcd as the operator (deleting its pod): not a crash to react to. */
  private stopMember(systemd: ServiceManager, reason: string): void {
    this.stopping = true;
    try {
      systemd.kill(ETCD_UNIT, reason);
    } finally {
      this.stopping = false;
    }
  }

  /** True while the member's "pod" runs: its VM is up and its etcd unit has not died. */
  private podRunning(host: string): boolean {
    if (!this.running(host)) return false;
    const state = this.systemd.get(host)?.state(ETCD_UNIT);
    return state === "active" || state === "activating";
  }

  /**
   * `reconcileMembers` with quorum held: removes one member whose pod is gone (or whose etcd
   * exited since the last reconcile); a later reconcile adds a new member in its place. True when
   * it acted (or there is a dead member but no leader to ask yet).
   */
  private removeDeadMember(exited: readonly string[]): boolean {
    const leader = this.cluster.leader();
    if (leader === undefined || this.cluster.state.leader === "") return false;
    const members = leader.membership.list().map((m) => m.host);
    const dead = members.find((h) => !this.podRunning(h) || exited.includes(h));
    if (dead === undefined) return false;
    const alive = members.find((h) => h !== dead && this.podRunning(h));
    if (alive === undefined) return false;
    this.busy = true;
    this.operator.memberRemove(dead, (r) => {
      this.busy = false;
      if (!r.ok) return;
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "deadMemberRemoved", member: dead });
      if (this.pods !== undefined) {
        this.deletedPods.add(dead);
        this.pods.delete(dead);
      }
      this.exited.delete(dead);
      this.seed = alive;
      this.replacing = true;
    });
    return true;
  }

  /**
   * Adds one running VM that is not yet a member, once every member is healthy (after a restore,
   * or `resize` after a dead member was removed); says when the cluster is whole again.
   */
  private grow(rows: readonly HealthRow[]): void {
    const leader = this.cluster.leader();
    if (leader === undefined || this.cluster.state.leader === "") return;
    const members = new Set(leader.membership.list().map((m) => m.host));
    // Wait until every member is healthy before adding the next one.
    const unhealthyMember = rows.some((r) => !r.healthy && members.has(this.hostOfEndpoint(r.endpoint)));
    if (unhealthyMember) return;
    const next = this.hosts().find((h) => !members.has(h) && this.running(h));
    const addingPods = this.replacing || this.phase === "growing";
    if (next === undefined && this.pods !== undefined && addingPods && members.size < this.size) {
      this.addPod(this.pods, members);
      return;
    }
    if (next === undefined) {
      if (members.size !== this.hosts().length) return;
      if (this.phase === "growing") {
        this.phase = "watching";
        this.unhealthyFor = 0;
        this.sim.emit("etcd.backup", "etcd-operator", { phase: "recovered", members: members.size });
      } else if (this.replacing) {
        this.replacing = false;
        this.sim.emit("etcd.backup", "etcd-operator", { phase: "replaced", members: members.size });
      }
      return;
    }
    this.busy = true;
    this.exited.delete(next);
    const systemd = this.systemd.get(next);
    if (systemd !== undefined) this.stopMember(systemd, "etcd-operator: replace member");
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

  /**
   * `addOneMember` on pods: a new pod with the next name, `member add` of it, and its etcd joins
   * when the pod has started. The real operator creates the pod only after the add, so the pod's
   * etcd unit stays disabled until the add succeeded (its flags are set then): a pod that boots
   * faster than the add does not start etcd with the wrong flags. A refused `member add` deletes
   * the pod again; the next reconcile tries again under the same name.
   */
  private addPod(pods: MemberPods, members: ReadonlySet<string>): void {
    // A refused add does not use up the name: etcd-operator counts a member only once added.
    const name = this.refusedPod ?? pods.nextName();
    this.refusedPod = undefined;
    this.deletedPods.delete(name);
    this.busy = true;
    const systemd = pods.create(name);
    systemd.setEnabled(ETCD_UNIT, false);
    this.watchExits(name, systemd);
    this.pendingPods.add(name);
    this.operator.memberAdd(name, false, (r) => {
      this.busy = false;
      if (!r.ok) {
        this.pendingPods.delete(name);
        this.deletedPods.add(name);
        pods.delete(name);
        this.refusedPod = name;
        return;
      }
      const unit = this.cluster.units.get(name);
      if (unit !== undefined) {
        unit.initialClusterState = "existing";
        unit.initialCluster = [...members, name].map((h) => ({ name: h, host: h }));
        unit.token = this.cluster.units.get(this.seed)?.token ?? unit.token;
      }
      // The pod is created now, with the flags of the member just added: etcd starts once its
      // node has booted (now, if it already has).
      systemd.setEnabled(ETCD_UNIT, true);
      if (this.running(name) && systemd.state(ETCD_UNIT) === "inactive") this.operator.start(name);
      this.sim.emit("etcd.backup", "etcd-operator", { phase: "memberAdded", member: name, pod: "new" });
    });
  }

  private hostOfEndpoint(endpoint: string): string {
    for (const h of this.hosts()) if (endpoint.includes(`//${this.operator.addressOf(h)}:`)) return h;
    return "";
  }
}
