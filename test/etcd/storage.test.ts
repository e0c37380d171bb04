import { describe, expect, it } from "vitest";
import { forceNewClusterState } from "../../src/etcd/force-new-cluster.js";
import { MemberStorage } from "../../src/etcd/storage.js";
import { Disk } from "../../src/infra/disk.js";
import type { Entry } from "../../src/raft/types.js";
import { constant } from "../../src/sim/distribution.js";
import { Simulation } from "../../src/sim/simulation.js";

function entry(index: number, term = 1, data: unknown = index): Entry {
  return { index, term, type: "normal", data, bytes: 8 };
}

const ID = {
  name: "m",
  id: { hex: "0000000000000001", raft: 1 },
  clusterId: "c",
  incarnation: 1,
  initialMembers: [],
};

describe("member storage (WAL and snapshot on the VM disk)", () => {
  it("reads back what was fsynced, replaying truncations, and loses only unsynced records on power loss", () => {
    const sim = new Simulation({ seed: 1 });
    const disk = new Disk(sim, "d", { fsyncLatency: constant(1000) });
    const st = new MemberStorage(disk);
    st.writeIdentity(ID);
    for (let i = 1; i <= 3000; i++) st.save({ term: 1, vote: 0, commit: i - 1 }, [entry(i)], null);
    // A follower's log is rewritten from index 2999 on (entries of a later term replace them).
    st.save({ term: 2, vote: 0, commit: 2998 }, [entry(2999, 2, "x"), entry(3000, 2, "y")], null);
    let synced = false;
    st.fsync(() => {
      synced = true;
    });
    sim.runUntil(10_000);
    expect(synced).toBe(true);
    st.save(null, [entry(3001, 2)], null); // never fsynced
    disk.crash();
    const back = new MemberStorage(disk).load()!;
    expect(back.entries).toHaveLength(3000);
    expect(back.entries[2998]!.data).toBe("x");
    expect(back.entries[2999]!.term).toBe(2);
    expect(back.hardState).toEqual({ term: 2, vote: 0, commit: 2998 });
    // Appending after the crash overwrites the lost record.
    const again = new MemberStorage(disk);
    again.load();
    again.save(null, [entry(3001, 3, "z")], null);
    const third = new MemberStorage(disk).load()!;
    expect(third.entries[3000]!.data).toBe("z");
  });

  it("a disk snapshot drops the WAL segments it covers; restart resumes from the snapshot", () => {
    const sim = new Simulation({ seed: 1 });
    const disk = new Disk(sim, "d", { fsyncLatency: constant(1000) });
    const st = new MemberStorage(disk);
    st.writeIdentity(ID);
    for (let i = 1; i <= 5000; i++) st.save({ term: 1, vote: 0, commit: i }, [entry(i)], null);
    const before = disk.keys("etcd").filter((k) => k.startsWith("wal.")).length;
    st.writeSnapshot({
      index: 4500,
      term: 1,
      confState: { voters: [1], learners: [] },
      data: null,
      bytes: 1,
    });
    const after = disk.keys("etcd").filter((k) => k.startsWith("wal.")).length;
    expect(before).toBe(5);
    expect(after).toBe(1);
    const back = new MemberStorage(disk).load()!;
    expect(back.snapshot?.index).toBe(4500);
    expect(back.entries[0]!.index).toBe(4501);
    expect(back.entries.at(-1)!.index).toBe(5000);
  });
});

describe("--force-new-cluster state", () => {
  it("drops uncommitted entries and force-commits removal of every other member", () => {
    const cc = (index: number, type: "addVoter" | "remove", nodeId: number): Entry => ({
      index,
      term: 1,
      type: "confChange",
      data: { type, nodeId },
      bytes: 0,
    });
    const entries = [
      cc(1, "addVoter", 1),
      cc(2, "addVoter", 2),
      cc(3, "addVoter", 3),
      entry(4, 2),
      entry(5, 2),
      entry(6, 2),
    ];
    const forced = forceNewClusterState(2, { term: 2, vote: 1, commit: 5 }, null, entries);
    expect(forced.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(forced.entries.slice(5).map((e) => e.data)).toEqual([
      { type: "remove", nodeId: 1 },
      { type: "remove", nodeId: 3 },
    ]);
    expect(forced.entries[5]!.term).toBe(2);
    expect(forced.hardState).toEqual({ term: 2, vote: 1, commit: 7 });
  });
});
