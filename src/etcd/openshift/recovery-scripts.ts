/**
 * OpenShift's etcd recovery scripts on a master (cluster-etcd-operator `bindata/etcd/`,
 * reference/capi-kube.md §8), written from their documented behaviour:
 *
 * - `cluster-backup.sh`: a snapshot of the local member (`etcdctl snapshot save`), kept as the
 *   backup the restore uses (the static-resources tarball is not modelled);
 * - `quorum-restore.sh`: moves `etcd-pod.yaml` away, waits for the containers to stop, and starts
 *   etcd with `--force-new-cluster` from the local data dir — "No backup is needed"; a new
 *   one-member cluster ("You might experience data loss if the host that runs the restoration does
 *   not have all data replicated to it");
 * - `cluster-restore.sh <backup>`: moves `etcd-pod.yaml` away, waits for the containers to stop,
 *   moves the old `/var/lib/etcd/member` away, and starts a one-member etcd restored from the
 *   snapshot (seed 004 scenario 2-1: "This will start single member etcd").
 *
 * After either restore the cluster-etcd-operator scales out to the other masters (§8). The
 * restore pod's revision bump and mark-compaction are not modelled (the simulated keyspace has no
 * watchers that could be confused by a revision going back).
 */
import type { Hypervisor } from "../../infra/hypervisor.js";
import type { ServiceManager } from "../../infra/services.js";
import type { Simulation } from "../../sim/simulation.js";
import type { Micros } from "../../sim/time.js";
import { ETCD_UNIT } from "../etcd-unit.js";
import { type EtcdOperator, OperatorError } from "../operator.js";
import { MemberStorage } from "../storage.js";
import type { ClusterEtcdOperator } from "./cluster-etcd-operator.js";
import type { EtcdStaticPods } from "./static-pods.js";

/** Subject of the scripts' records is the host they run on; the kind is `ocp.script`. */
export const SCRIPT_KIND = "ocp.script";

/** What the scripts need. */
export interface RecoveryScriptContext {
  readonly sim: Simulation;
  readonly operator: EtcdOperator;
  readonly ceo: ClusterEtcdOperator;
  readonly pods: EtcdStaticPods;
  readonly hypervisor: Hypervisor;
  readonly systemd: ReadonlyMap<string, ServiceManager>;
  /** Waiting for the etcd containers to stop after the manifest is moved away. */
  readonly podStopUs: () => Micros;
}

function requireRunningMaster(ctx: RecoveryScriptContext, host: string): void {
  const vm = ctx.hypervisor.vm(host);
  if (vm === undefined || vm.state === "deleted") throw new OperatorError(`no VM named ${host} exists now`);
  if (!vm.isGuestRunning)
    throw new OperatorError(`${host} is not running (its guest OS is ${vm.guestState})`);
  if (!ctx.systemd.get(host)?.has(ETCD_UNIT)) throw new OperatorError(`${host} is not a master with etcd`);
}

/** `sudo -E /usr/local/bin/cluster-backup.sh /home/core/assets/backup` on `host`. */
export function clusterBackup(ctx: RecoveryScriptContext, host: string, name?: string): void {
  requireRunningMaster(ctx, host);
  const file = name ?? `snapshot_${Math.round(ctx.sim.now / 1_000_000)}s.db`;
  ctx.sim.emit(SCRIPT_KIND, host, { script: "cluster-backup.sh", phase: "started", backup: file });
  ctx.operator.snapshotSave(host, file, (ok) => {
    ctx.sim.emit(SCRIPT_KIND, host, {
      script: "cluster-backup.sh",
      phase: ok ? "done" : "failed",
      backup: file,
    });
  });
}

/** `sudo -E /usr/local/bin/quorum-restore.sh` on `host`. */
export function quorumRestore(ctx: RecoveryScriptContext, host: string): void {
  requireRunningMaster(ctx, host);
  const vm = ctx.hypervisor.vm(host)!;
  if (!new MemberStorage(vm.disk).hasData()) {
    throw new OperatorError(`quorum-restore.sh needs the local etcd data dir, and ${host} has none`);
  }
  ctx.sim.emit(SCRIPT_KIND, host, { script: "quorum-restore.sh", phase: "stopping" });
  ctx.pods.removeManifest(host);
  ctx.sim.after(ctx.podStopUs(), () => {
    if (!vm.isGuestRunning) {
      ctx.sim.emit(SCRIPT_KIND, host, {
        script: "quorum-restore.sh",
        phase: "failed",
        reason: "node went down",
      });
      return;
    }
    ctx.sim.emit(SCRIPT_KIND, host, { script: "quorum-restore.sh", phase: "forceNewCluster" });
    ctx.pods.installManifest(host, "quorum-restore-pod.yaml");
    ctx.operator.forceNewCluster(host);
    ctx.ceo.restored();
  });
}

/** `sudo -E /usr/local/bin/cluster-restore.sh /home/core/backup` on `host`. */
export function clusterRestore(ctx: RecoveryScriptContext, host: string, backup?: string): void {
  requireRunningMaster(ctx, host);
  const b = backup === undefined ? ctx.operator.backups.latest() : ctx.operator.backups.get(backup);
  if (b === undefined) {
    throw new OperatorError(
      backup ? `no backup named ${backup}` : "cluster-restore.sh needs a backup: none was saved",
    );
  }
  const vm = ctx.hypervisor.vm(host)!;
  ctx.sim.emit(SCRIPT_KIND, host, { script: "cluster-restore.sh", phase: "stopping", backup: b.name });
  ctx.pods.removeManifest(host);
  ctx.sim.after(ctx.podStopUs(), () => {
    if (!vm.isGuestRunning) {
      ctx.sim.emit(SCRIPT_KIND, host, {
        script: "cluster-restore.sh",
        phase: "failed",
        reason: "node went down",
      });
      return;
    }
    // The script moves /var/lib/etcd/member to the backup dir, then the restore pod writes a new
    // data dir from the snapshot as a one-member cluster.
    ctx.operator.wipeIfPresent(host);
    try {
      ctx.operator.snapshotRestore(host, {
        backup: b.name,
        members: [host],
        token: `openshift-etcd-restore-${Math.round(ctx.sim.now / 1_000_000)}`,
      });
    } catch (e) {
      if (!(e instanceof OperatorError)) throw e;
      ctx.sim.emit(SCRIPT_KIND, host, { script: "cluster-restore.sh", phase: "failed", reason: e.message });
      return;
    }
    ctx.sim.emit(SCRIPT_KIND, host, { script: "cluster-restore.sh", phase: "restored", backup: b.name });
    ctx.pods.installManifest(host, "restore-etcd-pod");
    ctx.ceo.restored();
  });
}
