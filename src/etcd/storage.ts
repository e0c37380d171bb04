/**
 * An etcd member's data directory on its VM's disk (etcd `member/wal`, `member/snap`; the
 * simulator keeps them as values in the disk directory `etcd`):
 *
 * - `member`: the member's identity (name, member ID, cluster ID) — present once it has started;
 * - `hardstate`: the latest Raft term, vote and commit;
 * - `wal.N`: WAL segment N, holding up to 1024 records, one per persisted Ready (the entries it
 *   appended; a later record replaces entries at the same or higher indexes, as a WAL replay
 *   does). A segment value is `{records, count}` over an append-only array: appending writes a new
 *   small value with `count + 1` without copying, and a power loss that drops the latest values
 *   leaves an older `count` — the records past it are ignored and overwritten;
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

/** A WAL segment on disk: the first `count` records of an append-only array. */
interface WalSegment {
  readonly records: WalRecord[];
  readonly count: number;
}

/** Records per WAL segment (etcd's WAL files are 64 MB; the count only bounds the disk's keys). */
const SEGMENT_RECORDS = 1024;

/** Reads and writes one member's data directory. */
export class MemberStorage {
  private segNo = 0;
  private seg: WalRecord[] | undefined;
  private segCount = 0;
  /** WAL segments and the last index each holds, in append order. */
  private segments: { key: string; last: number }[] = [];

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
    if (entries.length > 0) this.append(entries);
    if (hardState !== null) this.disk.write(DATA_DIR, "hardstate", hardState);
  }

  private append(entries: readonly Entry[]): void {
    if (this.seg === undefined || this.segCount >= SEGMENT_RECORDS) {
      this.segNo++;
      this.seg = [];
      this.segCount = 0;
      this.segments.push({ key: `wal.${this.segNo}`, last: 0 });
    }
    const arr = this.seg;
    // Records past `count` were written but lost to a power cut: overwrite them.
    if (arr.length > this.segCount) arr.length = this.segCount;
    arr.push({ entries });
    this.segCount++;
    const cur = this.segments[this.segments.length - 1]!;
    cur.last = entries[entries.length - 1]!.index;
    const value: WalSegment = { records: arr, count: this.segCount };
    this.disk.write(DATA_DIR, cur.key, value);
  }

  /** Saves a snapshot to disk and drops WAL segments it covers entirely (caller fsyncs). */
  writeSnapshot(snapshot: Snapshot): void {
    this.disk.write(DATA_DIR, "snap", snapshot);
    let n = 0;
    // Keep the segment being written to.
    while (n < this.segments.length - 1 && this.segments[n]!.last <= snapshot.index) {
      this.disk.remove(DATA_DIR, this.segments[n]!.key);
      n++;
    }
    if (n > 0) this.segments = this.segments.slice(n);
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
    this.segments = [];
    this.seg = undefined;
    this.segCount = 0;
    let maxSeg = 0;
    for (const key of this.disk.keys(DATA_DIR)) {
      if (!key.startsWith("wal.")) continue;
      const n = Number(key.slice(4));
      const seg = this.disk.read<WalSegment>(DATA_DIR, key);
      if (seg === undefined) continue;
      if (seg.records.length > seg.count) seg.records.length = seg.count;
      let last = 0;
      for (let r = 0; r < seg.count; r++) {
        const rec = seg.records[r]!;
        if (rec.entries.length === 0) continue;
        const first = rec.entries[0]!.index;
        last = rec.entries[rec.entries.length - 1]!.index;
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
      this.segments.push({ key, last });
      if (n > maxSeg) {
        maxSeg = n;
        this.seg = seg.records;
        this.segCount = seg.count;
      }
    }
    this.segNo = maxSeg;
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
    for (const seg of this.segments) this.disk.remove(DATA_DIR, seg.key);
    this.segments = [];
    this.seg = undefined;
    this.segCount = 0;
    if (snapshot !== null) this.disk.write(DATA_DIR, "snap", snapshot);
    else this.disk.remove(DATA_DIR, "snap");
    if (entries.length > 0) this.append(entries);
    this.disk.write(DATA_DIR, "hardstate", hardState);
  }
}
