/**
 * The replicated log of one node, in memory, with the bookkeeping the host contract needs.
 *
 * Layout: everything up to `offsetIndex` is compacted (covered by a snapshot; only its term is kept),
 * entries after it live in `buf` from position `head`. Compaction advances `head` and copies the
 * array only once the dead prefix is large, so compaction is amortised O(1) per entry.
 *
 * Cursors, all indexes (etcd-io/raft `raftLog`/`unstable` semantics, ../shared/reference/etcd-raft.md §3.1):
 * `committed` (known committed), `applied` (the host said it applied), `applying` (handed to the host
 * in a Ready, not yet advanced), `stable` (the host said it persisted), `handed` (handed to the host
 * for persistence). A follower that truncates conflicting entries pulls `stable` and `handed` back.
 */
import type { Entry, Snapshot } from "./types.js";

/** Term returned for an index whose term is not known (compacted away or beyond the end). */
export const TERM_UNAVAILABLE = -1;

/** Thrown when a Raft safety assumption is broken (a bug, or a host that lost acknowledged data). */
export class RaftAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RaftAssertionError";
  }
}

/** A node's log: compacted prefix, retained entries, commit/apply/persist cursors. */
export class RaftLog {
  private buf: Entry[] = [];
  private head = 0;
  /** Index of the last compacted entry (the snapshot's index), 0 at the start. */
  offsetIndex = 0;
  /** Term of the entry at `offsetIndex`. */
  offsetTerm = 0;
  committed = 0;
  applied = 0;
  applying = 0;
  stable = 0;
  handed = 0;
  /** A snapshot received from the leader that the host has not been handed yet. */
  pendingSnapshot: Snapshot | null = null;
  /** A snapshot handed to the host but not yet advanced (persisted and applied). */
  handedSnapshot: Snapshot | null = null;

  /** First index still held as an entry. */
  firstIndex(): number {
    return this.offsetIndex + 1;
  }

  /** Index of the last entry (the snapshot index when the log is empty). */
  lastIndex(): number {
    return this.offsetIndex + this.buf.length - this.head;
  }

  /** Term of the last entry. */
  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term of entry `index`, or {@link TERM_UNAVAILABLE} if compacted away or not present. */
  term(index: number): number {
    if (index === this.offsetIndex) return this.offsetTerm;
    if (index < this.offsetIndex || index > this.lastIndex()) return TERM_UNAVAILABLE;
    return this.buf[this.head + index - this.offsetIndex - 1]!.term;
  }

  /** Entry `index` if held (not compacted, not beyond the end). */
  entry(index: number): Entry | undefined {
    if (index <= this.offsetIndex || index > this.lastIndex()) return undefined;
    return this.buf[this.head + index - this.offsetIndex - 1];
  }

  /** True when the entry at `index` exists with `term`. */
  matchTerm(index: number, term: number): boolean {
    const t = this.term(index);
    return t !== TERM_UNAVAILABLE && t === term;
  }

  /** Raft §5.4.1: a candidate whose last entry is (index, term) is at least as up to date as this log. */
  isUpToDate(index: number, term: number): boolean {
    const lastTerm = this.lastTerm();
    return term > lastTerm || (term === lastTerm && index >= this.lastIndex());
  }

  /** Appends one entry at the end (the leader's own proposals). */
  push(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) {
      throw new RaftAssertionError(`append of index ${entry.index} after last index ${this.lastIndex()}`);
    }
    this.buf.push(entry);
  }

  /**
   * Follower append (Raft AppendEntries receiver rules 2–5). The leader says the entry before
   * `entries` is (`prevIndex`, `prevTerm`). Returns the index of the last new entry, or -1 if the
   * log does not contain (prevIndex, prevTerm) and the leader must back off.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, entries: readonly Entry[]): number {
    if (!this.matchTerm(prevIndex, prevTerm)) return -1;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new RaftAssertionError(
          `entry ${conflict} conflicts with committed entry (committed ${this.committed})`,
        );
      }
      this.truncateAndAppend(entries, conflict - prevIndex - 1);
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /**
   * Index of the first entry in `entries` that is missing here or has a different term; 0 when all
   * of them are already present.
   */
  findConflict(entries: readonly Entry[]): number {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term`: where this log can last agree with a log
   * that has `term` at `index` (fast backtracking of rejected appends). Stops at the compacted
   * prefix, returning `index` unchanged when nothing is known there.
   */
  findConflictByTerm(index: number, term: number): number {
    if (index > this.lastIndex()) return index;
    let i = index;
    for (;;) {
      const t = this.term(i);
      if (t === TERM_UNAVAILABLE || t <= term) return i;
      i--;
    }
  }

  /** Drops entries from `entries[from].index` onwards here and appends `entries[from..]`. */
  private truncateAndAppend(entries: readonly Entry[], from: number): void {
    const first = entries[from]!.index;
    if (first <= this.offsetIndex)
      throw new RaftAssertionError(`append at ${first} into compacted log (${this.offsetIndex})`);
    const keep = this.head + first - this.offsetIndex - 1;
    if (keep < this.buf.length) this.buf.length = keep;
    for (let i = from; i < entries.length; i++) this.buf.push(entries[i]!);
    if (this.stable >= first) this.stable = first - 1;
    if (this.handed >= first) this.handed = first - 1;
  }

  /**
   * Entries [lo, hi) for a MsgApp, stopping before `maxBytes` of payload (but always at least one
   * entry) and at `maxCount` entries. Caller guarantees lo > offsetIndex.
   */
  slice(lo: number, hi: number, maxBytes: number, maxCount: number): Entry[] {
    if (lo >= hi) return [];
    const base = this.head - this.offsetIndex - 1;
    const buf = this.buf;
    // Find the end first, then copy once: an exact-size array instead of one grown by pushes.
    let end = lo;
    let bytes = 0;
    while (end < hi && end - lo < maxCount) {
      bytes += buf[base + end]!.bytes;
      if (end > lo && bytes > maxBytes) break;
      end++;
    }
    return buf.slice(base + lo, base + end);
  }

  /** Entries [lo, hi] (inclusive), all held. */
  range(lo: number, hi: number): Entry[] {
    if (lo > hi) return [];
    const base = this.head - this.offsetIndex - 1;
    return this.buf.slice(base + lo, base + hi + 1);
  }

  /** Advances the commit index (never backwards, never past the last entry). */
  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) {
      throw new RaftAssertionError(
        `commit ${index} is beyond the last index ${this.lastIndex()}: was the log truncated or lost?`,
      );
    }
    this.committed = index;
  }

  /** Marks entries up to `index` persisted, if the entry there still has `term` (it may have been replaced since). */
  stableTo(index: number, term: number): void {
    if (!this.matchTerm(index, term)) return;
    if (index > this.stable) this.stable = Math.min(index, this.handed);
  }

  /** Replaces the whole log by a snapshot from the leader (the host persists it through Ready). */
  restore(snapshot: Snapshot): void {
    this.buf = [];
    this.head = 0;
    this.offsetIndex = snapshot.index;
    this.offsetTerm = snapshot.term;
    this.committed = snapshot.index;
    this.stable = snapshot.index;
    this.handed = snapshot.index;
    this.pendingSnapshot = snapshot;
  }

  /**
   * Discards entries up to `index` (they are covered by a snapshot the host made). Only applied,
   * persisted entries can go. Returns false when `index` is not compactable.
   */
  compact(index: number): boolean {
    if (index <= this.offsetIndex || index > this.applied || index > this.stable) return false;
    this.offsetTerm = this.term(index);
    this.head += index - this.offsetIndex;
    this.offsetIndex = index;
    if (this.head >= 1024 && this.head * 2 >= this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** Loads persisted entries on restart (entries at or below the snapshot are skipped). */
  loadPersisted(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index <= this.offsetIndex) continue;
      if (e.index !== this.lastIndex() + 1) {
        throw new RaftAssertionError(
          `persisted entries are not contiguous: ${e.index} after ${this.lastIndex()}`,
        );
      }
      this.buf.push(e);
    }
    this.stable = this.lastIndex();
    this.handed = this.stable;
  }

  /** True if a conf-change entry is committed but not yet applied by the host. */
  hasUnappliedConfChange(): boolean {
    const hi = Math.min(this.committed, this.lastIndex());
    for (let i = Math.max(this.applied + 1, this.firstIndex()); i <= hi; i++) {
      if (this.entry(i)!.type === "confChange") return true;
    }
    return false;
  }
}
