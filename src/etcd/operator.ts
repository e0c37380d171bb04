/**
 * What an operator does to etcd, as functions: `etcdctl` over the network from an admin host
 * (member list/add/remove/promote, endpoint health/status, snapshot save from one endpoint),
 * `etcdutl snapshot restore` on a VM's disk, `systemctl stop|start|kill etcd`, wiping the data
 * directory, `--force-new-cluster`, and the replace-a-member runbook (`rejoin`). Sources:
 * ../shared/reference/etcd-raft.md §1.5–1.7, §1.9; seeds 003 (backup/restore), 004 (member
 * replacement).
 *
 * Every etcdctl command leaves an `etcd.etcdctl {command, ok, output}` record with etcdctl's own
 * output (tables in `-w table` form), so the timeline shows what the operator saw.
 * Offline tools (`etcdutl`) work on the disk directly and refuse what etcdutl refuses (the member
 * running, an existing data dir); those refusals are thrown as {@link OperatorError}.
 */
import type { Hypervisor } from "../infra/hypervisor.js";
import type { Network } from "../infra/network.js";
import type { ServiceManager } from "../infra/services.js";
import type { Snapshot } from "../raft/types.js";
import type { Simulation } from "../sim/simulation.js";
import { SECOND } from "../sim/time.js";
import type { BackupStore } from "./backups.js";
import { EtcdNetworkClient } from "./client.js";
import type { Result } from "./client-api.js";
import type { EtcdCluster } from "./cluster.js";
import { ETCD_UNIT } from "./etcd-unit.js";
import {
  endpointHealthTable,
  endpointStatusTable,
  type HealthRow,
  humanBytes,
  memberListTable,
  type StatusRow,
} from "./etcdctl-format.js";
import { clientUrlOf, clusterIdOf, memberIdOf, peerUrlOf } from "./ids.js";
import type { MemberInfo } from "./membership.js";
import { DATA_DIR, type MemberIdentity, MemberStorage, type SnapshotData } from "./storage.js";
import type { MemberListEntry } from "./wire.js";

/** An operation the world refuses (recorded as a failed step, never a crash). */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OperatorError";
  }
}

/** etcdctl's default `--command-timeout`. */
const COMMAND_TIMEOUT_US = 5 * SECOND;
/** How often and how long a runbook retries a refused membership change. */
const RETRY_US = 2 * SECOND;
const RETRIES = 15;

/** Options of `snapshotRestore`. */
export interface RestoreOptions {
  /** Backup name (default: the latest). */
  readonly backup?: string;
  /** VMs of the new cluster (`--initial-cluster`); default just the target. */
  readonly members?: readonly string[];
  /** `--initial-cluster-token`; default a new token, so every member gets a new ID. */
  readonly token?: string;
}

/** The operator of one etcd cluster. */
export class EtcdOperator {
  private readonly clients = new Map<string, EtcdNetworkClient>();
  private restores = 0;
  private readonly restoreLineages = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    private readonly hypervisor: Hypervisor,
    private readonly cluster: EtcdCluster,
    private readonly systemd: ReadonlyMap<string, ServiceManager>,
    readonly backups: BackupStore,
    /** The host etcdctl runs on. */
    readonly host = "admin",
  ) {}

  /** VMs that have the etcd unit. */
  etcdHosts(): string[] {
    return [...this.cluster.units.keys()];
  }

  private client(endpoints: readonly string[]): EtcdNetworkClient {
    const key = endpoints.join(",");
    let c = this.clients.get(key);
    if (c === undefined) {
      c = new EtcdNetworkClient(this.sim, this.network, this.host, {
        endpoints,
        requestTimeoutUs: COMMAND_TIMEOUT_US,
      });
      this.clients.set(key, c);
    }
    return c;
  }

  private all(): EtcdNetworkClient {
    return this.client(this.etcdHosts());
  }

  private record(command: string, ok: boolean, output: string): void {
    this.sim.emit("etcd.etcdctl", this.host, { command, ok, output });
  }

  private endpointUrl(vm: string): string {
    return clientUrlOf(this.network.hostAddress(vm));
  }

  private peerUrl(vm: string): string {
    return peerUrlOf(this.network.hostAddress(vm));
  }

  private units(vm: string): ServiceManager {
    const s = this.systemd.get(vm);
    if (s === undefined || !s.has(ETCD_UNIT)) throw new OperatorError(`${vm} has no etcd unit`);
    return s;
  }

  // ---------------------------------------------------------------- etcdctl

  /** `etcdctl member list -w table`. */
  memberList(done?: (r: Result<MemberListEntry[]>) => void): void {
    this.all().memberList((r) => {
      this.record(
        "etcdctl member list -w table",
        r.ok,
        r.ok ? memberListTable(r.value) : `Error: ${r.error.message}`,
      );
      done?.(r);
    });
  }

  /** `etcdctl member add <vm> --peer-urls=https://IP:2380 [--learner]`. */
  memberAdd(vm: string, learner: boolean, done?: (r: Result<MemberListEntry[]>) => void): void {
    const peerUrl = this.peerUrl(vm);
    const command = `etcdctl member add ${vm} --peer-urls=${peerUrl}${learner ? " --learner" : ""}`;
    this.all().memberAdd(vm, peerUrl, learner, (r) => {
      if (r.ok) {
        const added = r.value.find((m) => m.peerUrl === peerUrl);
        this.record(
          command,
          true,
          `Member ${added?.idHex ?? "?"} added to cluster\n\nETCD_NAME="${vm}"\nETCD_INITIAL_CLUSTER_STATE="existing"`,
        );
      } else this.record(command, false, `Error: ${r.error.message}`);
      done?.(r);
    });
  }

  /** `etcdctl member remove <id of the member on vm>` (looks the ID up with member list first). */
  memberRemove(vm: string, done?: (r: Result<MemberListEntry[]>) => void): void {
    this.findMember(vm, (id, err) => {
      if (id === undefined) {
        this.record(`etcdctl member remove <${vm}>`, false, `Error: ${err}`);
        done?.({ ok: false, error: { code: "other", message: err } });
        return;
      }
      this.all().memberRemove(id, (r) => {
        this.record(
          `etcdctl member remove ${id}`,
          r.ok,
          r.ok ? `Member ${id} removed from cluster` : `Error: ${r.error.message}`,
        );
        done?.(r);
      });
    });
  }

  /** `etcdctl member promote <id of the learner on vm>`. */
  memberPromote(vm: string, done?: (r: Result<MemberListEntry[]>) => void): void {
    this.findMember(vm, (id, err) => {
      if (id === undefined) {
        this.record(`etcdctl member promote <${vm}>`, false, `Error: ${err}`);
        done?.({ ok: false, error: { code: "other", message: err } });
        return;
      }
      this.all().memberPromote(id, (r) => {
        this.record(
          `etcdctl member promote ${id}`,
          r.ok,
          r.ok ? `Member ${id} promoted in cluster` : `Error: ${r.error.message}`,
        );
        done?.(r);
      });
    });
  }

  private findMember(vm: string, done: (idHex: string | undefined, error: string) => void): void {
    const peerUrl = this.peerUrl(vm);
    this.all().memberList((r) => {
      if (!r.ok) {
        done(undefined, r.error.message);
        return;
      }
      const m = r.value.find((x) => x.peerUrl === peerUrl);
      done(m?.idHex, m ? "" : `no member with peer URL ${peerUrl}`);
    });
  }

  /** `etcdctl endpoint health -w table` (a linearizable read per endpoint, like etcdctl). */
  endpointHealth(endpoints: readonly string[] = this.etcdHosts(), done?: (rows: HealthRow[]) => void): void {
    this.health(endpoints, true, done);
  }

  /** The same check without a trace record (a controller polling, not a person typing). */
  endpointHealthQuiet(endpoints: readonly string[], done: (rows: HealthRow[]) => void): void {
    this.health(endpoints, false, done);
  }

  /** The IP address of a VM. */
  addressOf(vm: string): string {
    return this.network.hostAddress(vm);
  }

  private health(endpoints: readonly string[], traced: boolean, done?: (rows: HealthRow[]) => void): void {
    const rows: (HealthRow | undefined)[] = endpoints.map(() => undefined);
    let left = endpoints.length;
    const start = this.sim.now;
    endpoints.forEach((vm, i) => {
      this.client([vm]).get(
        "health",
        (r) => {
          rows[i] = {
            endpoint: this.endpointUrl(vm),
            healthy: r.ok,
            tookUs: this.sim.now - start,
            error: r.ok ? "" : r.error.message,
          };
          if (--left === 0) {
            const all = rows as HealthRow[];
            const bad = all.some((x) => !x.healthy);
            if (traced)
              this.record(
                "etcdctl endpoint health -w table",
                !bad,
                endpointHealthTable(all) + (bad ? "\nError: unhealthy cluster" : ""),
              );
            done?.(all);
          }
        },
        { timeoutUs: COMMAND_TIMEOUT_US },
      );
    });
  }

  /** `etcdctl endpoint status -w table`. */
  endpointStatus(endpoints: readonly string[] = this.etcdHosts(), done?: (rows: StatusRow[]) => void): void {
    const rows: (StatusRow | undefined)[] = endpoints.map(() => undefined);
    let left = endpoints.length;
    endpoints.forEach((vm, i) => {
      this.client([vm]).status(vm, (r) => {
        const endpoint = this.endpointUrl(vm);
        rows[i] = r.ok ? { endpoint, status: r.value } : { endpoint, error: r.error.message };
        if (--left === 0) {
          const all = rows as StatusRow[];
          this.record(
            "etcdctl endpoint status -w table",
            all.every((x) => "status" in x),
            endpointStatusTable(all),
          );
          done?.(all);
        }
      });
    });
  }

  /**
   * `etcdctl --endpoints=<one> snapshot save <name>`: streams the member's database (transfer time
   * = size ÷ bandwidth) into the backup store.
   */
  snapshotSave(endpoint: string, name?: string, done?: (ok: boolean) => void): void {
    this.units(endpoint);
    this.client([endpoint]).snapshot(
      endpoint,
      (r) => {
        const file = name ?? `snapshot-${Math.round(this.sim.now / SECOND)}s.db`;
        if (!r.ok) {
          this.record(
            `etcdctl --endpoints=${this.endpointUrl(endpoint)} snapshot save ${file}`,
            false,
            `Error: ${r.error.message}`,
          );
          done?.(false);
          return;
        }
        this.backups.save(file, r.value, this.sim.now);
        this.record(
          `etcdctl --endpoints=${this.endpointUrl(endpoint)} snapshot save ${file}`,
          true,
          `Snapshot saved at ${file} (revision ${r.value.revision}, ${humanBytes(r.value.bytes)})`,
        );
        done?.(true);
      },
      { timeoutUs: 10 * 60 * SECOND },
    );
  }

  // ---------------------------------------------------------------- systemctl and the disk

  /** `systemctl stop etcd` (SIGTERM: a leader hands over leadership first). */
  stop(vm: string): void {
    this.units(vm).stop(ETCD_UNIT);
  }

  /** `systemctl start etcd`. */
  start(vm: string): void {
    const s = this.units(vm);
    if (!s.vm.isGuestRunning)
      throw new OperatorError(`${vm} is not running (its guest OS is ${s.vm.guestState})`);
    s.start(ETCD_UNIT);
  }

  /** `systemctl kill -s SIGKILL etcd`. */
  kill(vm: string): void {
    this.units(vm).kill(ETCD_UNIT);
  }

  /** `rm -rf /var/lib/etcd` on the VM (the process, if running, keeps its memory until it stops). */
  wipe(vm: string): void {
    const v = this.hypervisor.vm(vm);
    if (v === undefined) throw new OperatorError(`no VM named ${vm} exists now`);
    v.disk.wipe(DATA_DIR);
  }

  /**
   * `etcdutl snapshot restore <backup> --name <vm> --initial-cluster … --initial-cluster-token …
   * --data-dir /var/lib/etcd` (../shared/reference §1.7): writes a new data directory holding the
   * backup's keyspace as a new logical cluster — new member and cluster IDs (with a new token) —
   * and points the unit's flags at it. Refused while etcd runs or when the data dir exists.
   */
  snapshotRestore(vm: string, options: RestoreOptions = {}): void {
    const s = this.units(vm);
    const backup = options.backup === undefined ? this.backups.latest() : this.backups.get(options.backup);
    if (backup === undefined) {
      throw new OperatorError(
        options.backup ? `no backup named ${options.backup}` : "no backup has been saved",
      );
    }
    if (s.state(ETCD_UNIT) === "active" || s.state(ETCD_UNIT) === "activating") {
      throw new OperatorError(`etcd is running on ${vm}; stop it before restoring`);
    }
    const v = this.hypervisor.vm(vm);
    if (v === undefined) throw new OperatorError(`no VM named ${vm} exists now`);
    const storage = new MemberStorage(v.disk);
    if (storage.hasData()) throw new OperatorError(`data-dir "/var/lib/etcd" exists on ${vm}`);
    const members = options.members ?? [vm];
    if (!members.includes(vm)) throw new OperatorError(`--initial-cluster must include ${vm}`);
    const token = options.token ?? `etcd-cluster-restore-${backup.name}`;
    const infos: MemberInfo[] = members.map((name) => {
      const address = this.network.hostAddress(name);
      const peerUrl = peerUrlOf(address);
      return {
        id: memberIdOf([peerUrl], token),
        name,
        host: name,
        peerUrl,
        clientUrl: clientUrlOf(address),
        isLearner: false,
      };
    });
    const me = infos.find((i) => i.name === vm)!;
    const clusterId = clusterIdOf(infos.map((i) => i.id.hex));
    const lineageKey = `${clusterId}/${backup.name}/${backup.savedAtUs}`;
    let incarnation = this.restoreLineages.get(lineageKey);
    if (incarnation === undefined) {
      incarnation = this.cluster.restoredIncarnation(clusterId);
      this.restoreLineages.set(lineageKey, incarnation);
      this.restores++;
      this.cluster.markDataDestroyed(`snapshot restore from ${backup.name}`);
    }
    // etcdutl writes the members as the first entries of a new log and a snapshot at that index.
    const n = infos.length;
    const data: SnapshotData = {
      store: backup.file.store,
      membership: { clusterId, members: infos, removed: [] },
    };
    const snap: Snapshot = {
      index: n,
      term: 1,
      confState: { voters: infos.map((i) => i.id.raft).sort((a, b) => a - b), learners: [] },
      data,
      bytes: backup.file.bytes,
    };
    const identity: MemberIdentity = { name: vm, id: me.id, clusterId, incarnation, initialMembers: infos };
    storage.writeIdentity(identity);
    storage.rewrite({ term: 1, vote: 0, commit: n }, snap, []);
    v.disk.flushAll();
    const unit = this.cluster.units.get(vm);
    if (unit !== undefined) {
      unit.initialCluster = members.map((name) => ({ name, host: name }));
      unit.initialClusterState = "new";
      unit.token = token;
      unit.forceNewCluster = false;
    }
    this.sim.emit("etcd.etcdctl", vm, {
      command: `etcdutl snapshot restore ${backup.name} --name ${vm} --initial-cluster ${infos.map((i) => `${i.name}=${i.peerUrl}`).join(",")} --initial-cluster-token ${token} --data-dir /var/lib/etcd`,
      ok: true,
      output: `restored snapshot (revision ${backup.file.revision}) as member ${me.id.hex} of new cluster ${clusterId}`,
    });
  }

  /**
   * Restarts the member with `--force-new-cluster` once (stopping it first if it runs), then
   * clears the flag as an operator removes it from the unit after the forced start.
   */
  forceNewCluster(vm: string): void {
    const s = this.units(vm);
    const unit = this.cluster.units.get(vm);
    if (unit === undefined) throw new OperatorError(`${vm} has no etcd unit`);
    unit.forceNewCluster = true;
    const off = s.onChange((name, _from, to) => {
      if (name !== ETCD_UNIT) return;
      if (to === "inactive" || to === "failed") s.start(ETCD_UNIT, "--force-new-cluster");
      if (to === "active") {
        unit.forceNewCluster = false;
        off();
      }
    });
    const state = s.state(ETCD_UNIT);
    if (state === "active") s.stop(ETCD_UNIT, "restart with --force-new-cluster");
    else s.start(ETCD_UNIT, "--force-new-cluster");
  }

  /**
   * Replaces the member on `vm` by a fresh one with an empty data dir, the safe way (etcd FAQ and
   * runtime-reconfiguration guide, ../shared/reference §1.5; seed 004 scenario 1): stop it, remove
   * it, wipe its data dir, add it back (new member ID), start it with `--initial-cluster-state
   * existing`. It then catches up from the leader (by snapshot if the log was compacted).
   * The unit is disabled meanwhile, so a reboot cannot start the old member on an empty data dir.
   * Membership changes refused by the strict check are retried every 2 s for 30 s; on failure the
   * unit stays disabled (the operator must finish by hand).
   */
  rejoin(vm: string, done?: (ok: boolean) => void): void {
    const s = this.units(vm);
    // Disabled until the new member is added: a reboot meanwhile must not start the old one.
    s.setEnabled(ETCD_UNIT, false);
    s.kill(ETCD_UNIT, "rejoin: stop the old member");
    const finish = (ok: boolean): void => done?.(ok);
    const add = (attempt: number): void => {
      this.memberAdd(vm, false, (r) => {
        if (!r.ok) {
          if (attempt < RETRIES) this.sim.after(RETRY_US, () => add(attempt + 1));
          else finish(false);
          return;
        }
        const unit = this.cluster.units.get(vm);
        if (unit !== undefined) {
          unit.initialClusterState = "existing";
          unit.initialCluster = this.etcdHosts().map((h) => ({ name: h, host: h }));
        }
        s.setEnabled(ETCD_UNIT, true);
        if (s.vm.isGuestRunning) s.start(ETCD_UNIT, "rejoin");
        finish(true);
      });
    };
    const remove = (attempt: number): void => {
      this.findMember(vm, (id, err) => {
        if (id === undefined) {
          if (err.startsWith("no member with peer URL")) {
            // Not a member (any more): wipe and add.
            this.wipeIfPresent(vm);
            add(0);
          } else if (attempt < RETRIES) this.sim.after(RETRY_US, () => remove(attempt + 1));
          else finish(false);
          return;
        }
        this.memberRemove(vm, (r) => {
          if (r.ok) {
            this.wipeIfPresent(vm);
            add(0);
          } else if (attempt < RETRIES) this.sim.after(RETRY_US, () => remove(attempt + 1));
          else finish(false);
        });
      });
    };
    remove(0);
  }

  /** Wipes the data dir if the VM has one (no record otherwise). */
  wipeIfPresent(vm: string): void {
    const v = this.hypervisor.vm(vm);
    if (v?.disk.dirs().includes(DATA_DIR)) v.disk.wipe(DATA_DIR);
  }

  /** Number of restores performed. */
  get restoreCount(): number {
    return this.restores;
  }
}
