/**
 * The etcd layer's parameters (spread into the registry in parameters.ts): etcd's flags with their
 * defaults and sources (../shared/reference/etcd-raft.md §1), the client workload, and the backup
 * operator of seed 002. `etcd.preVote` and `etcd.snapshotCount` follow `etcd.version` unless a
 * model, experiment or `--set` gives them explicitly.
 */
import type { Distribution } from "../sim/distribution.js";
import { MILLISECOND, SECOND } from "../sim/time.js";
import type { ParameterSpec } from "./parameters.js";

const constant = (value: number): Distribution => ({ kind: "constant", value });

/** etcd, workload and backup-operator parameters. */
export const ETCD_PARAMETERS: readonly ParameterSpec[] = [
  {
    key: "etcd.version",
    type: { kind: "enum", values: ["3.4", "3.5", "3.6"] },
    default: "3.5",
    unit: "",
    summary: "etcd minor version: decides the pre-vote and snapshot-count defaults and log wording",
    source:
      "CHANGELOG-3.5 (pre-vote on by default, PR 12770); CHANGELOG-3.6 (snapshot-count 100,000 → 10,000, PR 15408) (etcd-raft.md §1.2–1.3)",
  },
  {
    key: "etcd.heartbeatInterval",
    type: { kind: "duration" },
    default: 100 * MILLISECOND,
    unit: "µs",
    summary: "--heartbeat-interval: one Raft tick; the leader sends heartbeats every tick",
    source: "etcd server/etcdmain/help.go default 100 ms (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.electionTimeout",
    type: { kind: "duration" },
    default: 1000 * MILLISECOND,
    unit: "µs",
    summary: "--election-timeout: ElectionTicks = election-timeout / heartbeat-interval",
    source: "etcd server/etcdmain/help.go default 1000 ms; embed/config.go ElectionTicks (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.preVote",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary: "--pre-vote (default: false for 3.4, true for 3.5+ unless set explicitly)",
    source: "CHANGELOG-3.4 (--pre-vote=false by default), CHANGELOG-3.5 PR 12770 (etcd-raft.md §1.3)",
  },
  {
    key: "etcd.snapshotCount",
    type: { kind: "integer", min: 1, max: 10_000_000 },
    default: 100_000,
    unit: "entries",
    summary:
      "--snapshot-count: applied entries between snapshots (default: 100,000 for 3.4/3.5, 10,000 for 3.6)",
    source: "release-3.5 DefaultSnapshotCount = 100000; CHANGELOG-3.6 PR 15408 (etcd-raft.md §1.2)",
  },
  {
    key: "etcd.snapshotCatchUpEntries",
    type: { kind: "integer", min: 1, max: 10_000_000 },
    default: 5000,
    unit: "entries",
    summary: "Entries kept after a log compaction so slow followers can catch up without a snapshot",
    source: "etcd server.go DefaultSnapshotCatchUpEntries = 5000 (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.initialElectionTickAdvance",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary: "--initial-election-tick-advance: a booting member fast-forwards its election ticks",
    source: "etcd server.go adjustTicks (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.strictReconfigCheck",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary: "--strict-reconfig-check: refuse membership changes that could lose quorum",
    source: "etcd help.go:163 (etcd-raft.md §1.1, §1.5)",
  },
  {
    key: "etcd.maxLearners",
    type: { kind: "integer", min: 0, max: 10 },
    default: 1,
    unit: "members",
    summary: "--max-learners",
    source: "etcd help.go:283 (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.dbBaseSize",
    type: { kind: "bytes" },
    default: 78_524_416,
    unit: "bytes",
    summary: "Backend database size besides the keys the simulation writes (decides snapshot transfer times)",
    source: "seed 004: 'saved database snapshot to disk [total bytes: 78524416]'",
  },
  {
    key: "etcd.startDuration",
    type: { kind: "distribution" },
    default: constant(1 * SECOND),
    unit: "µs",
    summary: "From `systemctl start etcd` to the member serving (open the backend, replay the WAL)",
    source: "assumption (no public measurement; grows with the WAL to replay)",
  },
  {
    key: "etcd.restartSec",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "RestartSec of the etcd unit (Restart=always): delay before a crashed etcd starts again",
    source: "assumption: common etcd.service units use Restart=always with RestartSec=10s",
  },
  {
    key: "workload.writes",
    type: { kind: "number", min: 0, max: 100_000 },
    default: 20,
    unit: "writes/s",
    summary: "Open-loop client writes per second (0: none)",
    source: "design sketch example `workload: { writes: 20/s }` (docs/design.md)",
  },
  {
    key: "workload.linearizableReads",
    type: { kind: "number", min: 0, max: 100_000 },
    default: 5,
    unit: "reads/s",
    summary: "Open-loop linearizable (default consistency) reads per second",
    source: "assumption: a light background read load next to the writes (no public default; 0 disables it)",
  },
  {
    key: "workload.serializableReads",
    type: { kind: "number", min: 0, max: 100_000 },
    default: 5,
    unit: "reads/s",
    summary: "Open-loop serializable reads per second (served locally, may be stale)",
    source: "assumption: a light background read load next to the writes (no public default; 0 disables it)",
  },
  {
    key: "workload.valueSize",
    type: { kind: "bytes" },
    default: 256,
    unit: "bytes",
    summary: "Size of each value the workload writes",
    source: "assumption (etcd functional tester KV_WRITE_SMALL)",
  },
  {
    key: "workload.keys",
    type: { kind: "integer", min: 1, max: 10_000_000 },
    default: 1000,
    unit: "keys",
    summary: "Distinct keys the workload writes in turn",
    source:
      "assumption: a small working set, like the etcd functional tester's stresser keys (reference/etcd-raft.md §4.2)",
  },
  {
    key: "workload.start",
    type: { kind: "duration" },
    default: 5 * SECOND,
    unit: "µs",
    summary: "When the client workload starts (the cluster elects its first leader before)",
    source:
      "assumption: after the first election (etcd elects within ~1-2 s at defaults, reference/etcd-raft.md §1.3)",
  },
  {
    key: "workload.slowThreshold",
    type: { kind: "duration" },
    default: 1 * SECOND,
    unit: "µs",
    summary: "A request that succeeds but takes longer than this counts as unavailable at its issue time",
    source: "assumption (an SLI's latency bound; etcd's FAQ expects requests to apply within 100 ms)",
  },
  {
    key: "workload.requestTimeout",
    type: { kind: "duration" },
    default: 10 * SECOND,
    unit: "µs",
    summary: "Client-side deadline of each workload request (longer than etcd's 7 s request timeout)",
    source: "assumption; etcd ReqTimeout = 5 s + 2 × election timeout (etcd-raft.md §1.1)",
  },
  {
    key: "etcd.backupOperator.enabled",
    type: { kind: "boolean" },
    default: false,
    unit: "",
    summary: "Run an etcd-operator-style backup operator (snapshots, restore on quorum loss)",
    source: "seed 002 (self-hosted etcd operator)",
  },
  {
    key: "etcd.backupOperator.interval",
    type: { kind: "duration" },
    default: 30 * SECOND,
    unit: "µs",
    summary: "backupIntervalInSecond: time between snapshots",
    source: "seed 002 example spec 'backupIntervalInSecond: 30'",
  },
  {
    key: "etcd.backupOperator.maxBackups",
    type: { kind: "integer", min: 1, max: 1000 },
    default: 5,
    unit: "backups",
    summary: "maxBackups: snapshots kept",
    source: "seed 002 example spec 'maxBackups: 5'",
  },
  {
    key: "etcd.backupOperator.reconcileInterval",
    type: { kind: "duration" },
    default: 8 * SECOND,
    unit: "µs",
    summary: "How often the operator checks the members' health",
    source: "coreos/etcd-operator pkg/cluster/cluster.go: reconcileInterval = 8 * time.Second",
  },
  {
    key: "etcd.backupOperator.newPods",
    type: { kind: "boolean" },
    default: false,
    unit: "",
    summary:
      "The operator's members are pods: a removed dead member's pod is deleted and its replacement is a new pod (a new host with the next name), not the old VM reused",
    source:
      "seed 002: the operator recovers 'by creating a new pod example-etcd-cluster-0003'; coreos/etcd-operator pkg/cluster/reconcile.go (removeDeadMember deletes the pod; addOneMember: member add, then a new pod named by the member counter)",
  },
  {
    key: "etcd.backupOperator.restorePodInit",
    type: { kind: "distribution" },
    default: { kind: "uniform", min: 12 * SECOND, max: 30 * SECOND },
    unit: "µs",
    summary:
      "With newPods: from the seed member's pod being created (disaster recovery) to its init containers done (fetch-backup from the backup sidecar, restore-datadir), when its etcd starts",
    source:
      "seed 002: the seed member pod is still 'Init:0/2' at AGE 11s (coreos/etcd-operator k8sutil.go makeRestoreInitContainerSpec: fetch-backup, restore-datadir); the upper bound is an assumption (the init containers' image pulls)",
  },
  {
    key: "etcd.backupOperator.replaceDeadMembers",
    type: { kind: "boolean" },
    default: true,
    unit: "",
    summary:
      "While quorum holds, remove a member whose pod died and add a new, empty one in its place (etcd-operator's minority recovery)",
    source:
      "seed 002 'Minority of etcd members crashed'; coreos/etcd-operator pkg/cluster/reconcile.go (reconcileMembers: removeDeadMember, then resize → addOneMember)",
  },
];
