import { describe, expect, it } from "vitest";
import { RaftInvariantChecker } from "../../src/raft/invariants.js";
import type { Entry } from "../../src/raft/types.js";

function ent(index: number, term: number, data: string | null = null): Entry {
  return { index, term, type: "normal", data, bytes: 0 };
}

/** A log view over explicit terms at indexes 1..n. */
function view(...terms: number[]) {
  return { lastIndex: terms.length, termAt: (i: number) => (i === 0 ? 0 : (terms[i - 1] ?? -1)) };
}

describe("RaftInvariantChecker", () => {
  it("accepts a consistent history", () => {
    const c = new RaftInvariantChecker();
    c.leaderElected(1, 2, view(1, 2));
    c.entriesAppended(1, 1, [ent(2, 2), ent(3, 2, "x")]);
    c.entriesAppended(2, 1, [ent(2, 2), ent(3, 2, "x")]);
    c.entriesCommitted(1, 2, [ent(1, 1), ent(2, 2), ent(3, 2, "x")]);
    c.entriesCommitted(2, 2, [ent(1, 1), ent(2, 2), ent(3, 2, "x")]);
    c.leaderElected(2, 3, view(1, 2, 2));
    expect(c.findings).toEqual([]);
    expect(c.ok).toBe(true);
  });

  it("detects two leaders in one term", () => {
    const c = new RaftInvariantChecker();
    c.leaderElected(1, 2, view());
    c.leaderElected(1, 2, view()); // the same leader observed twice is fine
    c.leaderElected(3, 2, view());
    expect(c.findings.map((f) => f.kind)).toEqual(["electionSafety"]);
    expect(c.findings[0]!.nodes).toEqual([1, 3]);
  });

  it("detects different content at the same index and term", () => {
    const c = new RaftInvariantChecker();
    c.entriesAppended(1, 0, [ent(1, 1, "a")]);
    c.entriesAppended(2, 0, [ent(1, 1, "b")]);
    expect(c.findings.map((f) => f.kind)).toEqual(["logMatching"]);
  });

  it("detects an entry that follows different predecessors on two nodes", () => {
    const c = new RaftInvariantChecker();
    c.entriesAppended(1, 0, [ent(1, 1), ent(2, 3, "x")]);
    c.entriesAppended(2, 0, [ent(1, 2), ent(2, 3, "x")]);
    expect(c.findings.map((f) => f.kind)).toEqual(["logMatching"]);
    expect(c.findings[0]!.message).toMatch(/follows term 1 on node 1 but term 2 on node 2/);
  });

  it("detects a leader missing an entry committed in an earlier term", () => {
    const c = new RaftInvariantChecker();
    c.entriesCommitted(1, 2, [ent(1, 1), ent(2, 2, "x")]);
    c.leaderElected(3, 3, view(1)); // lacks index 2
    c.leaderElected(2, 4, view(1, 3)); // has a different term at index 2
    expect(c.findings.map((f) => f.kind)).toEqual(["leaderCompleteness", "leaderCompleteness"]);
  });

  it("does not flag a stale-term leader elected after a later commit", () => {
    const c = new RaftInvariantChecker();
    c.entriesCommitted(1, 5, [ent(1, 5, "x")]); // committed no earlier than term 5
    c.leaderElected(2, 4, view()); // a term-4 election completing late is legal
    expect(c.ok).toBe(true);
  });

  it("detects different entries applied at one index", () => {
    const c = new RaftInvariantChecker();
    c.entriesCommitted(1, 2, [ent(1, 2, "a")]);
    c.entriesCommitted(2, 2, [ent(1, 2, "b")]);
    c.snapshotApplied(3, 1, 7);
    expect(c.findings.map((f) => f.kind)).toEqual(["stateMachineSafety", "stateMachineSafety"]);
  });

  it("caps stored findings but counts all of them, and never throws", () => {
    const c = new RaftInvariantChecker({ maxFindings: 2 });
    for (let t = 1; t <= 5; t++) {
      c.leaderElected(1, t, view());
      c.leaderElected(2, t, view());
    }
    expect(c.findings).toHaveLength(2);
    expect(c.violationCount).toBe(5);
  });

  it("forgets observations below an index", () => {
    const c = new RaftInvariantChecker();
    c.entriesCommitted(1, 1, [ent(1, 1, "a"), ent(2, 1, "b")]);
    c.forgetBelow(2);
    c.entriesCommitted(2, 1, [ent(1, 1, "zzz")]); // forgotten: not compared
    c.entriesCommitted(2, 1, [ent(2, 1, "b")]);
    expect(c.ok).toBe(true);
  });
});
