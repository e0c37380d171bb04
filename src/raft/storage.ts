/**
 * What a member has on disk: hard state, last snapshot, log entries after it. A reference for hosts
 * and tests of what "persist a Ready" means (etcd keeps this in its WAL and snap files; etcd-io/raft's
 * `MemoryStorage` has the same semantics): a new entry at index i replaces stored entries at ≥ i,
 * a snapshot replaces the whole log. Time is not modelled here: the host decides when a save is
 * durable (after its simulated fsync) and only then calls `save`.
 */

import type { Ready } from "./ready.js";
import type { RaftStartState } from "./requests.js";
import type { Entry, HardState, Snapshot } from "./types.js";

/** Durable Raft state of one member. */
export class RaftStorage {
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  snapshot: Snapshot | null = null;
  /** Entries after the snapshot, contiguous. */
  private log: Entry[] = [];

  /** Index of the last stored entry (the snapshot index when none). */
  lastIndex(): number {
    const last = this.log[this.log.length - 1];
    return last !== undefined ? last.index : (this.snapshot?.index ?? 0);
  }

  /** Stored entries (read only). */
  entries(): readonly Entry[] {
    return this.log;
  }

  /** Makes a Ready's snapshot, entries and hard state durable (step 2 of the host contract). */
  save(rd: Ready): void {
    if (rd.snapshot !== null) this.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) this.append(rd.entries);
    if (rd.hardState !== null) this.hardState = rd.hardState;
  }

  /** Replaces everything by a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.log = [];
    if (this.hardState.commit < snapshot.index) {
      this.hardState = { term: this.hardState.term, vote: this.hardState.vote, commit: snapshot.index };
    }
  }

  /** Records a snapshot the host made itself (entries stay until `compact`). */
  saveSnapshot(snapshot: Snapshot): void {
    if (this.snapshot !== null && snapshot.index <= this.snapshot.index) return;
    this.snapshot = snapshot;
  }

  /** Drops entries up to `index` (covered by the saved snapshot). */
  compact(index: number): void {
    let n = 0;
    while (n < this.log.length && this.log[n]!.index <= index) n++;
    if (n > 0) this.log = this.log.slice(n);
  }

  private append(entries: readonly Entry[]): void {
    const first = entries[0]!.index;
    const last = this.lastIndex();
    if (first > last + 1) throw new Error(`storage gap: appending ${first} after ${last}`);
    const offset = this.log.length > 0 ? this.log[0]!.index : first;
    if (first <= last) this.log.length = Math.max(0, first - offset);
    for (const e of entries) this.log.push(e);
  }

  /** What a restarting member reads back. */
  startState(): RaftStartState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.log.slice() };
  }
}
