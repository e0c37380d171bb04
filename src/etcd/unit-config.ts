/**
 * The settings an etcd unit starts with — what `/etc/etcd/etcd.conf` or the static-pod manifest
 * says (etcd flags `--name`, `--initial-cluster`, `--initial-cluster-state`,
 * `--initial-cluster-token`, `--force-new-cluster`). One mutable object per VM: runbook steps edit
 * it the way an operator edits the file before `systemctl start etcd` (seed 003's restore, the
 * `member add` output an operator pastes), and every start of the unit reads it.
 *
 * The flags only matter when the data directory is empty (or for --force-new-cluster): a member
 * with data ignores the initial-cluster settings and restarts from its WAL, as etcd does.
 */

/** One `name=peerURL` item of `--initial-cluster`, with the VM it runs on. */
export interface InitialMember {
  readonly name: string;
  /** Network host (VM name). */
  readonly host: string;
}

/** The flags of one etcd unit. */
export interface EtcdUnitConfig {
  /** `--name`. */
  name: string;
  /** `--initial-cluster`. */
  initialCluster: InitialMember[];
  /** `--initial-cluster-state`: bootstrap a new cluster, or join an existing one. */
  initialClusterState: "new" | "existing";
  /** `--initial-cluster-token`. */
  token: string;
  /** `--force-new-cluster` (cleared by the runbook after one start). */
  forceNewCluster: boolean;
}
