/**
 * An etcd member's data directory on its VM's disk (etcd `member/wal`, `member/snap`; the
 * simulator keeps them as values in the disk directory `etcd`):
 *
 * - `member`: the member's identity (name, member ID, cluster ID) — present once it has started;
 * - `hardstate`: the latest Raft term, vote and commit;
 * - `wal.N`: one record per persisted Ready (the entries it appended; a later record replaces
 *   entries at the same or higher indexes, as a WAL replay does);
 * - `snap`: the latest snapshot on disk (Raft snapshot with the keyspace and membership image).
 *
 * Writes go to the page cache; the member fsyncs before it acknowledges anything (etcd's
 * `wal.Save` with `MustSync`), so a power loss loses only what no one was told about. Records
 * wholly covered by the disk snapshot are removed (etcd purges old WAL files). A `disk.wipe("etcd")`
 * is `rm -rf /var/lib/etcd`.
 */
import type { Disk } from "../infra/disk.js";
import type { Entry, HardState, Snapshot } from "../raft/types.js";
import type { MemberId } from "./ids.js";
import type { MemberInfo, MembershipImage } from "./membership.js";
import type { StoreImage } from "./mvcc.js";

/** The disk directory of etcd's data (`--data-dir`). */
export const DATA_DIR = "etcd";

/** Who this data directory belongs to. */
export interface MemberIdentity {
  readonly name: string;
  readonly id: MemberId;
  readonly clusterId: string;
  /**
   * Which logical cluster this is (new clusters from a restore or --force-new-cluster get a new
   * one), so invariants are checked per cluster lineage.
   */
  readonly incarnation: number;
  /** The members this one knew when it started (bootstrap entries carry no member details). */
  readonly initialMembers: readonly MemberInfo[];
}

/** The application state a snapshot carries: keyspace and membership. */
export interface SnapshotData {
  readonly store: StoreImage;
  readonly membership: MembershipImage;
}

/** What a restarting member reads back. */
export interface PersistedState {
  readonly identity: MemberIdentity;
  readonly hardState: HardState | undefined;
  readonly snapshot: Snapshot | null;
  readonly entries: Entry[];
}

interface WalRecord {
  readonly entries: readonly Entry[];
}

/** Reads and writes one member's data directory. */
export class MemberStorage {
  private nextRecord = 1;
  /** WAL record keys and the last index each holds, in append order. */
  private records: { key: string; first: number; last: number }[] = [];

  constructor(private readonly disk: Disk) {}

  /** True when the data directory holds a member (etcd: `member/` exists). */
  hasData(): boolean {
    return this.disk.has(DATA_DIR, "member");
  }

  /** Writes the identity of a new member. */
  writeIdentity(identity: MemberIdentity): void {
    this.disk.write(DATA_DIR, "member", identity);
  }

  /** Appends a Ready's durable parts (caller fsyncs). */
  save(hardState: HardState | null, entries: readonly Entry[], snapshot: Snapshot | null): void {
    if (snapshot !== null) this.writeSnapshot(snapshot);
    if (entries.length > 0) {
      const key = `wal.${this.nextRecord++}`;
      const record: WalRecord = { entries };
      this.disk.write(DATA_DIR, key, record);
      this.records.push({ key, first: entries[0]!.index, last: entries[entries.length - 1]!.index });
    }
    if (hardState !== null) this.disk.write(DATA_DIR, "hardstate", hardState);
  }

  /** Saves a snapshot to disk and drops WAL records it covers (caller fsyncs). */
  writeSnapshot(snapshot: Snapshot): void {
    this.disk.write(DATA_DIR, "snap", snapshot);
    let n = 0;
    while (n < this.records.length && this.records[n]!.last <= snapshot.index) {
      this.disk.remove(DATA_DIR, this.records[n]!.key);
      n++;
    }
    if (n > 0) this.records = this.records.slice(n);
  }

  /** Makes everything written so far durable; `done` runs then (never, after a power loss). */
  fsync(done: () => void): void {
    this.disk.fsync(done);
  }

  /** Reads the data directory back (etcd restart: snapshot, then WAL replay). */
  load(): PersistedState | undefined {
    const identity = this.disk.read<MemberIdentity>(DATA_DIR, "member");
    if (identity === undefined) return undefined;
    const snapshot = this.disk.read<Snapshot>(DATA_DIR, "snap") ?? null;
    const hardState = this.disk.read<HardState>(DATA_DIR, "hardstate");
    const base = snapshot?.index ?? 0;
    const entries: Entry[] = [];
    this.records = [];
    let maxRecord = 0;
    for (const key of this.disk.keys(DATA_DIR)) {
      if (!key.startsWith("wal.")) continue;
      const n = Number(key.slice(4));
      if (n > maxRecord) maxRecord = n;
      const rec = this.disk.read<WalRecord>(DATA_DIR, key);
      if (!rec || rec.entries.length === 0) continue;
      const first = rec.entries[0]!.index;
      const last = rec.entries[rec.entries.length - 1]!.index;
      this.records.push({ key, first, last });
      // A record replaces whatever was logged at its indexes and after (a follower's truncation).
      const lastKept = entries.length > 0 ? entries[entries.length - 1]!.index : base;
      if (first <= lastKept) {
        let keep = entries.length;
        while (keep > 0 && entries[keep - 1]!.index >= first) keep--;
        entries.length = keep;
      }
      for (const e of rec.entries) {
        if (e.index <= base) continue;
        const tail = entries.length > 0 ? entries[entries.length - 1]!.index : base;
        if (e.index === tail + 1) entries.push(e);
      }
    }
    this.nextRecord = maxRecord + 1;
    // Entries must continue the snapshot without a gap; anything after a gap is unusable.
    let expect = base + 1;
    let n = 0;
    while (n < entries.length && entries[n]!.index === expect) {
      n++;
      expect++;
    }
    entries.length = n;
    let hs = hardState;
    if (hs !== undefined && hs.commit > base + entries.length) {
      // The commit index can never point past what is on disk (fsync order guarantees it); clamp
      // defensively so a restart never fails on it.
      hs = { ...hs, commit: base + entries.length };
    }
    return { identity, hardState: hs, snapshot, entries };
  }

  /**
   * Replaces the on-disk Raft state (`--force-new-cluster` rewrites the WAL; a restore writes a
   * new one). Caller fsyncs.
   */
  rewrite(hardState: HardState, snapshot: Snapshot | null, entries: readonly Entry[]): void {
    for (const r of this.records) this.disk.remove(DATA_DIR, r.key);
    this.records = [];
    if (snapshot !== null) this.disk.write(DATA_DIR, "snap", snapshot);
    else this.disk.remove(DATA_DIR, "snap");
    if (entries.length > 0) this.save(null, entries, null);
    this.disk.write(DATA_DIR, "hardstate", hardState);
  }
}
