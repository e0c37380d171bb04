import { describe, expect, it } from "vitest";
import { RaftAssertionError, RaftLog, TERM_UNAVAILABLE } from "../../src/raft/log.js";
import type { Entry } from "../../src/raft/types.js";

function ent(index: number, term: number, data: string | null = null): Entry {
  return { index, term, type: "normal", data, bytes: data === null ? 0 : data.length };
}

/** A log holding entries with the given terms at indexes 1..n. */
function logOf(...terms: number[]): RaftLog {
  const log = new RaftLog();
  for (let i = 0; i < terms.length; i++) log.push(ent(i + 1, terms[i]!));
  return log;
}

describe("RaftLog", () => {
  it("answers terms, including the compacted boundary and out-of-range indexes", () => {
    const log = logOf(1, 1, 2);
    expect(log.term(0)).toBe(0);
    expect(log.term(3)).toBe(2);
    expect(log.term(4)).toBe(TERM_UNAVAILABLE);
    expect(log.lastIndex()).toBe(3);
    expect(log.lastTerm()).toBe(2);
  });

  it("appends after a matching entry, truncating a conflicting uncommitted suffix", () => {
    const log = logOf(1, 1, 2, 2);
    log.stable = 4;
    log.handed = 4;
    expect(log.maybeAppend(2, 1, 0, [ent(3, 3, "x"), ent(4, 3)])).toBe(4);
    expect(log.term(3)).toBe(3);
    expect(log.entry(3)?.data).toBe("x");
    expect(log.stable).toBe(2); // the replaced entries must be persisted again
    expect(log.handed).toBe(2);
  });

  it("rejects an append whose previous entry does not match", () => {
    const log = logOf(1, 1, 2);
    expect(log.maybeAppend(3, 3, 0, [ent(4, 3)])).toBe(-1);
    expect(log.maybeAppend(5, 2, 0, [])).toBe(-1);
    expect(log.lastIndex()).toBe(3);
  });

  it("ignores entries it already has and never commits past the new entries", () => {
    const log = logOf(1, 1, 2);
    expect(log.maybeAppend(1, 1, 10, [ent(2, 1)])).toBe(2);
    expect(log.lastIndex()).toBe(3); // entry 3 kept: no conflict
    expect(log.committed).toBe(2);
  });

  it("refuses to overwrite a committed entry", () => {
    const log = logOf(1, 1, 2);
    log.committed = 3;
    expect(() => log.maybeAppend(2, 1, 3, [ent(3, 5)])).toThrow(RaftAssertionError);
  });

  it("findConflictByTerm walks back to the last entry with a term ≤ the given one", () => {
    const log = logOf(1, 1, 2, 2, 4, 4, 5);
    expect(log.findConflictByTerm(7, 4)).toBe(6);
    expect(log.findConflictByTerm(7, 3)).toBe(4);
    expect(log.findConflictByTerm(7, 0)).toBe(0);
    expect(log.findConflictByTerm(9, 1)).toBe(9); // beyond the log: unknown, unchanged
  });

  it("isUpToDate compares last term, then length (Raft §5.4.1)", () => {
    const log = logOf(1, 2, 2);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  it("slices by size and count, always at least one entry", () => {
    const log = new RaftLog();
    for (let i = 1; i <= 5; i++) log.push(ent(i, 1, "x".repeat(10)));
    expect(log.slice(1, 6, 25, 100).length).toBe(2);
    expect(log.slice(1, 6, 5, 100).length).toBe(1);
    expect(log.slice(2, 6, 1000, 3).map((e) => e.index)).toEqual([2, 3, 4]);
  });

  it("compacts only applied, persisted entries and keeps the boundary term", () => {
    const log = logOf(1, 1, 2, 2, 3);
    log.stable = 5;
    log.applied = 3;
    expect(log.compact(4)).toBe(false);
    expect(log.compact(3)).toBe(true);
    expect(log.firstIndex()).toBe(4);
    expect(log.term(3)).toBe(2);
    expect(log.term(2)).toBe(TERM_UNAVAILABLE);
    expect(log.entry(4)?.term).toBe(2);
    expect(log.compact(3)).toBe(false);
  });

  it("compaction of a long log keeps indexes right after the buffer is copied", () => {
    const log = new RaftLog();
    for (let i = 1; i <= 5000; i++) log.push(ent(i, 1 + Math.floor(i / 1000), String(i)));
    log.stable = 5000;
    log.applied = 5000;
    for (let c = 100; c <= 4900; c += 100) {
      expect(log.compact(c)).toBe(true);
      expect(log.entry(c + 1)?.data).toBe(String(c + 1));
      expect(log.entry(5000)?.data).toBe("5000");
    }
  });

  it("restores from a snapshot: empty log, commit at the snapshot", () => {
    const log = logOf(1, 1);
    log.restore({ index: 10, term: 3, confState: { voters: [1], learners: [] }, data: null, bytes: 0 });
    expect(log.lastIndex()).toBe(10);
    expect(log.firstIndex()).toBe(11);
    expect(log.term(10)).toBe(3);
    expect(log.committed).toBe(10);
    expect(log.pendingSnapshot?.index).toBe(10);
  });

  it("refuses to commit beyond its last entry", () => {
    const log = logOf(1);
    expect(() => log.commitTo(2)).toThrow(/beyond the last index/);
  });
});
