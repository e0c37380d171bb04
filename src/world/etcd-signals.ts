/**
 * Signals of the etcd layer, derived from the trace (the records are defined in src/etcd/cluster.ts
 * and src/etcd/workload.ts; docs/etcd.md defines each signal precisely):
 *
 * - from `etcd.cluster`: `etcd.quorum`, `etcd.leader`, `etcd.leaderName`, `etcd.membersHealthy`,
 *   `etcd.voters`, `etcd.term`;
 * - from `etcd.role`: `etcd.member[].role` and the count `etcd.elections`;
 * - from the workload: `writes.available`, `reads.linearizable.available`,
 *   `reads.serializable.available`;
 * - snapshots, backups and data loss: `etcd.snapshotsSent`, `etcd.snapshotsReceived`,
 *   `etcd.backups`, `etcd.disasterBackups`, `etcd.restoredFromBackup`, `etcd.dataDestroyed`, `etcd.lostWrites`.
 */
import type { TraceRecord } from "../sim/trace.js";
import type { SignalSpec, World } from "./world.js";

type Value = boolean | number | string;

function clusterSignal(
  name: string,
  type: SignalSpec["type"],
  summary: string,
  initial: (w: World) => Value,
  pick: (r: TraceRecord) => Value,
): SignalSpec {
  return {
    name,
    type,
    summary,
    initial: (w) => initial(w),
    kinds: ["etcd.cluster"],
    next: (_v, r) => pick(r),
  };
}

/** A workload availability signal, measured only when the workload issues `rateParameter` > 0. */
function availability(name: string, summary: string, rateParameter: string): SignalSpec {
  return {
    name,
    type: "boolean",
    summary,
    measured: (w) => w.params.has(rateParameter) && w.params.number(rateParameter) > 0,
    initial: () => true,
    kinds: [name],
    next: (_v, r) => r.available as boolean,
    // The workload knows whether a request issued at t succeeded only when it completes: the
    // record carries the issue time the change took effect at.
    timeOf: (r) => (typeof r.atUs === "number" ? r.atUs : r.t),
  };
}

function counter(
  name: string,
  summary: string,
  kind: string,
  counts: (r: TraceRecord) => boolean,
): SignalSpec {
  return {
    name,
    type: "number",
    summary,
    initial: () => 0,
    kinds: [kind],
    next: (v, r) => (counts(r) ? (v as number) + 1 : undefined),
  };
}

/** Registers the etcd signals. */
export function installEtcdSignals(world: World): void {
  const cps = (w: World) => w.topology.controlPlanes;
  const add = (s: SignalSpec) => world.addSignal(s);
  // With the etcd operator's pods the members are pods it deletes and replaces behind a client
  // Service: the infra layer's HAProxy in front of the first VMs measures nothing there.
  const endpoint = world.signals.get("endpoint.available");
  if (endpoint !== undefined && world.params.boolean("etcd.backupOperator.newPods"))
    add({ ...endpoint, measured: () => false });
  add(
    clusterSignal(
      "etcd.quorum",
      "boolean",
      "A quorum of the voting members is running and mutually reachable on the peer port (a leader exists or can be elected)",
      () => true,
      (r) => r.quorum as boolean,
    ),
  );
  add(
    clusterSignal(
      "etcd.leader",
      "boolean",
      "Some member is leader and a quorum of the voters (itself included) follow it in its term and reach it now",
      () => true,
      (r) => r.leader !== "",
    ),
  );
  add(
    clusterSignal(
      "etcd.leaderName",
      "string",
      "Name of the leader recognised by a quorum (empty when there is none)",
      () => "",
      (r) => r.leader as string,
    ),
  );
  add(
    clusterSignal(
      "etcd.membersHealthy",
      "number",
      "Members (voters and learners) following the quorum-recognised leader, itself included: what `etcdctl endpoint health` calls healthy",
      (w) => w.topology.controlPlanes.length,
      (r) => r.healthy as number,
    ),
  );
  add(
    clusterSignal(
      "etcd.voters",
      "number",
      "Voting members in the configuration",
      (w) => w.topology.controlPlanes.length,
      (r) => r.voters as number,
    ),
  );
  add(
    clusterSignal(
      "etcd.term",
      "number",
      "Term of the quorum-recognised leader (0 without one)",
      () => 0,
      (r) => r.term as number,
    ),
  );
  add({
    name: "etcd.member[].role",
    type: "string",
    summary:
      "Raft role of the member on this VM: leader, follower, learner, candidate, preCandidate, or stopped",
    subjects: cps,
    initial: () => "follower",
    kinds: ["etcd.role"],
    next: (_v, r, subject) => (r.subject === subject ? (r.role as string) : undefined),
  });
  add(
    counter(
      "etcd.elections",
      "Leader elections so far (a member became leader)",
      "etcd.role",
      (r) => r.role === "leader",
    ),
  );
  add(
    availability(
      "writes.available",
      "A write the workload issues at this instant succeeds (by issue time; an unreachable endpoint alone does not count, the client fails over)",
      "workload.writes",
    ),
  );
  add(
    availability(
      "reads.linearizable.available",
      "A linearizable read issued at this instant succeeds (by issue time)",
      "workload.linearizableReads",
    ),
  );
  add(
    availability(
      "reads.serializable.available",
      "A serializable (local, possibly stale) read issued at this instant succeeds (by issue time)",
      "workload.serializableReads",
    ),
  );
  add(
    counter(
      "etcd.snapshotsSent",
      "Database snapshots a leader finished sending to a follower",
      "etcd.snapshot",
      (r) => r.phase === "sent",
    ),
  );
  add(
    counter(
      "etcd.snapshotsReceived",
      "Database snapshots a follower received and saved",
      "etcd.snapshot",
      (r) => r.phase === "received",
    ),
  );
  add(
    counter(
      "etcd.backups",
      "Backups saved by the backup operator",
      "etcd.backup",
      (r) => r.phase === "saved",
    ),
  );
  add(
    counter(
      "etcd.disasterBackups",
      "Backups the backup operator took from a still-running member when quorum was lost",
      "etcd.backup",
      (r) => r.phase === "saved" && r.disaster === true,
    ),
  );
  add({
    name: "etcd.restoredFromBackup",
    type: "boolean",
    summary: "The backup operator restored the cluster from a backup and re-added every member",
    initial: () => false,
    kinds: ["etcd.backup"],
    next: (_v, r) => (r.phase === "recovered" ? true : undefined),
  });
  add({
    name: "etcd.dataDestroyed",
    type: "boolean",
    summary:
      "The experiment destroyed data: majority data-dir loss, a restore from backup, or --force-new-cluster",
    initial: () => false,
    kinds: ["etcd.dataLoss"],
    next: () => true,
  });
  add({
    name: "etcd.lostWrites",
    type: "number",
    summary: "Acknowledged writes missing from the surviving state (known at the end of the run)",
    initial: () => 0,
    kinds: ["metric"],
    next: (_v, r) => (r.name === "lostWrites" ? (r.value as number) : undefined),
  });
}
