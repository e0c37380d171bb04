import { describe, expect, it } from "vitest";
import { ProgressTracker } from "../../src/raft/tracker.js";

function tracker(voters: number[], learners: number[] = []): ProgressTracker {
  const t = new ProgressTracker(8, 0);
  t.reset({ voters, learners }, 1);
  return t;
}

describe("ProgressTracker", () => {
  it("commits what a majority of voters matched; learners do not count", () => {
    const t = tracker([1, 2, 3], [4]);
    t.get(1)!.match = 10;
    t.get(4)!.match = 10;
    expect(t.committedIndex()).toBe(0);
    t.get(2)!.match = 7;
    expect(t.committedIndex()).toBe(7);
  });

  it("applies one-at-a-time membership changes", () => {
    const t = tracker([1, 2, 3]);
    expect(t.apply({ type: "addLearner", nodeId: 4 }, 5)).toBe(true);
    expect(t.isVoter(4)).toBe(false);
    expect(t.get(4)!.next).toBe(5);
    expect(t.get(4)!.recentActive).toBe(true);
    expect(t.apply({ type: "addLearner", nodeId: 4 }, 5)).toBe(false);
    expect(t.apply({ type: "promoteLearner", nodeId: 4 }, 5)).toBe(true);
    expect(t.voters).toBe(4);
    expect(t.apply({ type: "addVoter", nodeId: 4 }, 5)).toBe(false);
    expect(t.apply({ type: "addLearner", nodeId: 2 }, 5)).toBe(false); // no demotion
    expect(t.apply({ type: "remove", nodeId: 1 }, 5)).toBe(true);
    expect(t.confState()).toEqual({ voters: [2, 3, 4], learners: [] });
    expect(t.members.map((p) => p.id)).toEqual([2, 3, 4]);
    expect(t.apply({ type: "remove", nodeId: 9 }, 5)).toBe(false);
  });

  it("keeps members sorted by id whatever the insertion order", () => {
    const t = tracker([5, 1]);
    t.apply({ type: "addVoter", nodeId: 3 }, 1);
    expect(t.members.map((p) => p.id)).toEqual([1, 3, 5]);
  });

  it("quorum active counts self and recently active voters", () => {
    const t = tracker([1, 2, 3, 4, 5]);
    expect(t.quorumActive(1)).toBe(false);
    t.get(2)!.recentActive = true;
    expect(t.quorumActive(1)).toBe(false);
    t.get(3)!.recentActive = true;
    expect(t.quorumActive(1)).toBe(true);
  });

  it("tallies only the first vote of each voter", () => {
    const t = tracker([1, 2, 3], [4]);
    t.recordVote(1, true);
    t.recordVote(4, true);
    expect(t.tally().result).toBe("pending");
    t.recordVote(2, false);
    t.recordVote(2, true);
    expect(t.tally()).toEqual({ granted: 1, rejected: 1, result: "pending" });
    t.recordVote(3, false);
    expect(t.tally().result).toBe("lost");
  });
});
