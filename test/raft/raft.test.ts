import { describe, expect, it } from "vitest";
import { RaftConfigError, resolveConfig } from "../../src/raft/config.js";
import { MESSAGE_OVERHEAD_BYTES, messageBytes, newMessage } from "../../src/raft/messages.js";
import { RaftNode } from "../../src/raft/raft.js";
import { RaftStorage } from "../../src/raft/storage.js";
import { Cluster } from "./harness.js";

const zero = () => 0;

describe("config", () => {
  it("defaults to etcd's values", () => {
    const c = resolveConfig({ id: 1, randomInt: zero });
    expect(c.electionTicks).toBe(10);
    expect(c.heartbeatTicks).toBe(1);
    expect(c.electionTimeoutRange).toEqual({ minTicks: 10, maxTicksExclusive: 20 });
    expect(c.preVote).toBe(true);
    expect(c.checkQuorum).toBe(true);
    expect(c.maxInflightMsgs).toBe(512);
    expect(c.maxSizePerMsgBytes).toBe(1024 * 1024);
  });

  it("refuses configurations etcd-io/raft refuses", () => {
    expect(() => resolveConfig({ id: 0, randomInt: zero })).toThrow(RaftConfigError);
    expect(() => resolveConfig({ id: 1, randomInt: zero, electionTicks: 1, heartbeatTicks: 1 })).toThrow(
      /greater than heartbeatTicks/,
    );
    expect(() =>
      resolveConfig({ id: 1, randomInt: zero, electionTimeoutRange: { minTicks: 5, maxTicksExclusive: 5 } }),
    ).toThrow(RaftConfigError);
  });
});

/** A single-voter node, bootstrapped and with its first Ready processed. */
function singleton(randomInt: (n: number) => number = zero): { node: RaftNode; storage: RaftStorage } {
  const node = new RaftNode({ id: 1, randomInt }, { bootstrap: { voters: [1], learners: [] } });
  const storage = new RaftStorage();
  drain(node, storage);
  return { node, storage };
}

function drain(node: RaftNode, storage: RaftStorage): void {
  while (node.hasReady()) {
    const rd = node.ready();
    storage.save(rd);
    for (const e of rd.committedEntries) if (e.type === "confChange") node.applyConfChange(e.data as never);
    node.advance(rd);
  }
}

describe("election timeout", () => {
  it("fires after exactly E + draw ticks, drawn uniformly from [E, 2E)", () => {
    const draws: number[] = [];
    const { node } = singleton((max) => {
      draws.push(max);
      return 3;
    });
    expect(draws.every((m) => m === 10)).toBe(true);
    for (let i = 0; i < 12; i++) node.tick();
    expect(node.role).toBe("follower");
    node.tick();
    expect(node.role).toBe("leader");
  });

  it("is drawn from a custom range (non-etcd timing)", () => {
    const draws: number[] = [];
    const node = new RaftNode(
      {
        id: 1,
        randomInt: (max) => {
          draws.push(max);
          return max - 1;
        },
        electionTimeoutRange: { minTicks: 15, maxTicksExclusive: 30 },
      },
      { bootstrap: { voters: [1], learners: [] } },
    );
    drain(node, new RaftStorage());
    expect(draws[draws.length - 1]).toBe(15);
    for (let i = 0; i < 28; i++) node.tick();
    expect(node.role).toBe("follower");
    node.tick();
    expect(node.role).toBe("leader");
  });

  it("is re-drawn on becoming follower, candidate and leader, but not pre-candidate (etcd reset())", () => {
    let draws = 0;
    const { node } = singleton(() => {
      draws++;
      return 0;
    });
    const before = draws;
    node.campaign(); // pre-candidate (no draw) → candidate (draw) → leader (draw)
    expect(node.role).toBe("leader");
    expect(draws - before).toBe(2);
  });
});

describe("single-member cluster", () => {
  it("elects itself and commits only once its own copy is persisted", () => {
    const { node, storage } = singleton();
    node.campaign();
    drain(node, storage);
    expect(node.propose("x", 1)).toBe("appended");
    const rd = node.ready();
    expect(rd.entries.map((e) => e.data)).toEqual(["x"]);
    expect(node.commit).toBe(rd.entries[0]!.index - 1); // not committed before the fsync
    storage.save(rd);
    node.advance(rd);
    expect(node.commit).toBe(rd.entries[0]!.index);
    const rd2 = node.ready();
    expect(rd2.committedEntries.map((e) => e.data)).toEqual(["x"]);
  });

  it("serves a ReadIndex at once", () => {
    const { node, storage } = singleton();
    node.campaign();
    drain(node, storage);
    expect(node.readIndex("r")).toBe("accepted");
    expect(node.ready().readStates).toEqual([{ requestId: "r", index: node.commit }]);
  });
});

describe("proposals", () => {
  it("are dropped when no leader is known", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [] });
    c.stabilize();
    expect(c.propose(2, "x")).toBe("dropped");
    expect(c.node(2).readIndex("r")).toBe("dropped");
  });

  it("wait for a quorum that includes the leader's own durable copy", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [] });
    c.stabilize();
    c.node(1).campaign();
    c.stabilize();
    const leader = c.node(1);
    const commitBefore = leader.commit;
    leader.propose("x", 1);
    const rd = leader.ready(); // handed to the "disk", not yet durable
    c.member(1).storage.save(rd);
    for (const m of rd.messages) c.inflight.push(m);
    c.cut(3, 1); // only 2's ack gets back
    c.deliverAll();
    c.processReady(2);
    c.processReady(3);
    c.deliverAll();
    expect(leader.commit).toBe(commitBefore); // 2 alone is not a quorum without the leader's fsync
    leader.advance(rd);
    expect(leader.commit).toBe(commitBefore + 1);
  });
});

describe("persistence contract", () => {
  it("puts the vote in the same Ready as the vote response, marked mustSync", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [] }, { preVote: false });
    c.stabilize();
    c.node(1).campaign();
    c.processReady(1);
    c.deliverAll();
    const rd = c.node(2).ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 3 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => m.type)).toEqual(["MsgVoteResp"]);
  });

  it("a restarted member keeps its term and vote and will not vote twice in a term", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [] }, { preVote: false, checkQuorum: false });
    c.stabilize();
    c.node(1).campaign();
    c.processReady(1);
    c.deliverAll(); // 2 and 3 vote for 1
    c.processAll();
    c.crash(2);
    c.restart(2);
    const two = c.node(2);
    expect(two.term).toBe(2);
    expect(two.vote).toBe(1);
    // 3 campaigns in the same term 2: impossible, it would need term 3. Forge a term-2 vote request.
    const req = newMessage("MsgVote", 3, 2, 2);
    req.index = 100;
    req.logTerm = 2;
    two.step(req);
    const resp = two.ready().messages.find((m) => m.type === "MsgVoteResp");
    expect(resp?.reject).toBe(true);
  });

  it("re-delivers committed entries after a restart so the host can rebuild its state", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1], learners: [] });
    c.stabilize();
    c.node(1).campaign();
    c.stabilize();
    c.propose(1, "a");
    c.propose(1, "b");
    c.stabilize();
    c.crash(1);
    c.restart(1);
    expect(c.node(1).confState()).toEqual({ voters: [], learners: [] });
    c.stabilize();
    expect(c.member(1).app.items).toEqual(["a", "b"]);
    expect(c.node(1).confState()).toEqual({ voters: [1], learners: [] });
  });
});

describe("learners", () => {
  it("never campaign and do not count towards commit", () => {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [4] });
    c.stabilize();
    for (let i = 0; i < 100; i++) c.node(4).tick();
    c.stabilize();
    expect(c.node(4).role).toBe("follower");
    expect(c.node(4).isLearner).toBe(true);
    expect(c.node(4).term).toBe(1);
    c.node(1).campaign();
    c.stabilize();
    c.crash(2);
    c.crash(3);
    c.propose(1, "x");
    c.stabilize();
    expect(c.node(4).lastIndex).toBe(c.node(1).lastIndex); // it receives the log
    expect(c.node(1).commit).toBeLessThan(c.node(1).lastIndex); // but 1 + learner is no quorum
  });
});

describe("messageBytes", () => {
  it("adds entry and snapshot payloads to a fixed overhead", () => {
    const m = newMessage("MsgApp", 1, 2, 1);
    expect(messageBytes(m)).toBe(MESSAGE_OVERHEAD_BYTES);
    m.entries = [{ term: 1, index: 1, type: "normal", data: null, bytes: 100 }];
    expect(messageBytes(m)).toBe(MESSAGE_OVERHEAD_BYTES + 116);
  });
});

describe("leader-side reports", () => {
  function threeNodeLeader(): Cluster {
    const c = new Cluster();
    c.bootstrap({ voters: [1, 2, 3], learners: [4] });
    c.stabilize();
    c.node(1).campaign();
    c.stabilize();
    return c;
  }

  it("an unreachable follower in replicate state falls back to probing", () => {
    const c = threeNodeLeader();
    expect(c.node(1).progressOf(2)?.state).toBe("replicate");
    c.node(1).reportUnreachable(2);
    expect(c.node(1).progressOf(2)?.state).toBe("probe");
    expect(c.node(1).progressOf(2)?.next).toBe(c.node(1).progressOf(2)!.match + 1);
  });

  it("a failed snapshot transfer goes back to probing from match + 1", () => {
    const c = threeNodeLeader();
    const pr = c.node(1).progressOf(3)!;
    pr.becomeSnapshot(50);
    c.node(1).reportSnapshot(3, false);
    expect(pr.state).toBe("probe");
    expect(pr.next).toBe(pr.match + 1);
    expect(pr.isPaused()).toBe(true); // wait a heartbeat before probing again
  });

  it("tells when a learner is in sync enough for promotion (etcd: 90% of the leader's match)", () => {
    const c = threeNodeLeader();
    expect(c.node(1).learnerInSync(4)).toBe(true);
    c.crash(4);
    for (let i = 0; i < 20; i++) c.propose(1, `w${i}`);
    c.stabilize();
    expect(c.node(1).learnerInSync(4)).toBe(false);
    expect(c.node(1).learnerInSync(2)).toBe(false); // not a learner
    expect(c.node(2).learnerInSync(4)).toBe(false); // not the leader
  });

  it("reports status for observers", () => {
    const c = threeNodeLeader();
    const s = c.node(1).status();
    expect(s.role).toBe("leader");
    expect(s.progress.map((p) => [p.id, p.isLearner])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(c.node(2).status().progress).toEqual([]);
  });
});
