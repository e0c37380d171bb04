/**
 * Applying committed Raft entries and snapshots to a member's state (etcd `server/etcdserver`
 * `applyAll`: `applySnapshot`, `applyEntries`, `applyConfChange`; ../shared/reference/etcd-raft.md
 * §1.4–§1.5): writes go to the MVCC keyspace and wake watches, publish entries name members,
 * configuration changes update the membership; then the member snapshots every `snapshot-count`
 * entries (and compacts in memory every 100 in 3.6), keeping `snapshot-catchup-entries` behind.
 */
import type { ConfChange, Entry, Snapshot } from "../raft/types.js";
import type { Result, WatchEvent } from "./client-api.js";
import type { EtcdMember } from "./member.js";
import type { ConfChangeRequest, Proposal } from "./proposals.js";
import type { SnapshotData } from "./storage.js";

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Applies what Raft committed to one member's keyspace and membership. */
export class EntryApplier {
  private diskSnapshotIndex = 0;
  private memSnapshotIndex = 0;
  private readonly eventScratch: WatchEvent[] = [];
  /** A configuration change removed this member: the loop ends the process after this Ready. */
  removedSelf = false;

  constructor(private readonly m: EtcdMember) {}

  /** The member restarted from a snapshot at `index` (on disk, so no new one is due before it). */
  restoredFrom(index: number): void {
    this.diskSnapshotIndex = index;
    this.memSnapshotIndex = index;
  }

  /** The keyspace and membership as a snapshot's data. */
  snapshotData(): SnapshotData {
    return { store: this.m.store.image(), membership: this.m.membership.image() };
  }

  /** A snapshot from the leader replaces the keyspace (every watch must start again). */
  applySnapshot(snap: Snapshot): void {
    const m = this.m;
    const data = snap.data as SnapshotData | null;
    m.log.info("etcdserver", `applying snapshot at index ${snap.index}...`);
    if (data !== null) {
      m.store.restore(data.store);
      m.membership.reset(data.membership);
    }
    this.diskSnapshotIndex = snap.index;
    this.memSnapshotIndex = snap.index;
    m.watches.cancelAll({ code: "compacted", message: "mvcc: required revision has been compacted" });
    m.observer.membershipChanged(m);
    m.log.info("etcdserver", `finished applying incoming snapshot at index ${snap.index}`);
  }

  /** Applies committed entries in order; answers this member's waiting requests. */
  applyEntries(entries: readonly Entry[]): void {
    const m = this.m;
    const events = this.eventScratch;
    events.length = 0;
    const self = m.selfId;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.type === "confChange") {
        this.applyConfChange(e);
        continue;
      }
      const p = e.data as Proposal | null;
      if (p === null) continue;
      if (p.kind === "write") {
        const result = m.store.apply(p.op, events);
        if (p.origin === self) m.waiters.resolve(p.reqId, ok(result));
      } else {
        m.membership.publish(p.origin, p.name, p.clientUrl);
        if (p.origin === self) m.publisher.applied(p);
        m.observer.membershipChanged(m);
      }
    }
    if (events.length > 0) m.watches.dispatch(events, m.store.revision);
  }

  private applyConfChange(e: Entry): void {
    const m = this.m;
    const cc = e.data as ConfChange;
    const raft = m.raft!;
    m.membership.apply(cc);
    raft.applyConfChange(cc);
    const info = m.membership.details(cc.nodeId);
    const hex = info?.id.hex ?? cc.nodeId.toString(16);
    const cluster = m.membership.clusterId;
    switch (cc.type) {
      case "addVoter":
      case "addLearner":
        m.log.info(
          "membership",
          `added ${cc.type === "addLearner" ? "learner " : ""}member ${hex} [${info?.peerUrl ?? "?"}] to cluster ${cluster}`,
        );
        break;
      case "promoteLearner":
        m.log.info("membership", `promote member ${hex} in cluster ${cluster}`);
        break;
      case "remove":
        m.log.info("membership", `removed member ${hex} from cluster ${cluster}`);
        m.peers.forget(cc.nodeId);
        if (cc.nodeId === m.selfId) this.removedSelf = true;
        break;
    }
    m.observer.confChangeApplied(m, cc, e.index);
    const req = cc.context as ConfChangeRequest | undefined;
    if (req !== undefined && req.origin === m.selfId) m.waiters.resolve(req.reqId, ok(m.memberList()));
  }

  /** Disk snapshot every `snapshot-count` entries; in-memory compaction (3.6) every 100. */
  maybeSnapshot(): void {
    const m = this.m;
    const raft = m.raft!;
    const applied = raft.applied;
    if (applied - this.diskSnapshotIndex > m.config.snapshotCount) {
      const snap = raft.createSnapshot(applied, this.snapshotData(), m.dbBytes);
      if (snap !== null) {
        m.storage.writeSnapshot(snap);
        m.storage.fsync(() => {});
        this.diskSnapshotIndex = applied;
        this.memSnapshotIndex = applied;
        m.log.info("etcdserver", `saved snapshot at index ${applied}`);
        this.compactLog(applied);
      }
      return;
    }
    const every = m.config.memorySnapshotCount;
    if (every > 0 && applied - this.memSnapshotIndex >= every) {
      if (raft.createSnapshot(applied, null, 0) !== null) {
        this.memSnapshotIndex = applied;
        this.compactLog(applied);
      }
    }
  }

  private compactLog(applied: number): void {
    const m = this.m;
    const raft = m.raft!;
    if (m.snapshots.sending || raft.snapshotInFlight()) return; // "skip compaction since there is an inflight snapshot"
    const index = applied - m.config.snapshotCatchUpEntries;
    if (index > raft.firstIndex) raft.compact(index);
  }
}
