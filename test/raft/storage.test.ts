import { describe, expect, it } from "vitest";
import type { Ready } from "../../src/raft/ready.js";
import { RaftStorage } from "../../src/raft/storage.js";
import type { Entry } from "../../src/raft/types.js";

function ent(index: number, term: number): Entry {
  return { index, term, type: "normal", data: `${index}/${term}`, bytes: 1 };
}

function ready(part: Partial<Ready>): Ready {
  return {
    softState: null,
    hardState: null,
    snapshot: null,
    entries: [],
    committedEntries: [],
    messages: [],
    readStates: [],
    mustSync: true,
    ...part,
  };
}

describe("RaftStorage", () => {
  it("a later append at index i replaces stored entries from i on", () => {
    const s = new RaftStorage();
    s.save(ready({ entries: [ent(1, 1), ent(2, 1), ent(3, 1)], hardState: { term: 1, vote: 0, commit: 1 } }));
    s.save(ready({ entries: [ent(2, 2)] }));
    expect(s.entries().map((e) => `${e.index}/${e.term}`)).toEqual(["1/1", "2/2"]);
    expect(s.startState().hardState).toEqual({ term: 1, vote: 0, commit: 1 });
  });

  it("refuses a gap", () => {
    const s = new RaftStorage();
    expect(() => s.save(ready({ entries: [ent(2, 1)] }))).toThrow(/gap/);
  });

  it("a received snapshot replaces the log; compaction drops covered entries", () => {
    const s = new RaftStorage();
    s.save(ready({ entries: [ent(1, 1), ent(2, 1)] }));
    const snap = { index: 5, term: 2, confState: { voters: [1], learners: [] }, data: null, bytes: 10 };
    s.save(ready({ snapshot: snap, entries: [ent(6, 2)] }));
    expect(s.lastIndex()).toBe(6);
    expect(s.entries().map((e) => e.index)).toEqual([6]);
    s.save(ready({ entries: [ent(7, 2), ent(8, 2)] }));
    s.compact(7);
    expect(s.entries().map((e) => e.index)).toEqual([8]);
    expect(s.startState().snapshot).toBe(snap);
  });
});
