import { describe, expect, it } from "vitest";
import { Progress } from "../../src/raft/progress.js";

function fresh(next = 10): Progress {
  const pr = new Progress(2, false, 4, 0);
  pr.next = next;
  return pr;
}

describe("Progress", () => {
  it("probe sends one message per heartbeat interval", () => {
    const pr = fresh();
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(3, 30);
    expect(pr.isPaused()).toBe(true);
    expect(pr.next).toBe(10); // probing does not advance next
  });

  it("probe → replicate on an ack, then streams optimistically up to the inflight limit", () => {
    const pr = fresh();
    expect(pr.maybeUpdate(9)).toBe(true);
    pr.becomeReplicate();
    expect(pr.next).toBe(10);
    for (let i = 0; i < 4; i++) pr.sentEntries(1, 10);
    expect(pr.next).toBe(14);
    expect(pr.isPaused()).toBe(true); // 4 in flight = maxInflightMsgs
    pr.maybeUpdate(11);
    pr.inflights.freeLE(11);
    pr.msgAppFlowPaused = pr.inflights.full();
    expect(pr.isPaused()).toBe(false);
  });

  it("a rejection in replicate falls back to match+1; stale rejections are ignored", () => {
    const pr = fresh();
    pr.maybeUpdate(9);
    pr.becomeReplicate();
    pr.sentEntries(5, 50);
    expect(pr.maybeDecrTo(8, 0)).toBe(false); // rejected index ≤ match: stale
    expect(pr.maybeDecrTo(12, 0)).toBe(true);
    expect(pr.next).toBe(10);
  });

  it("a probe rejection jumps to the hint, never below match+1", () => {
    const pr = fresh(20);
    pr.match = 5;
    expect(pr.maybeDecrTo(18, 12)).toBe(false); // not the probe we sent (next-1 = 19)
    expect(pr.maybeDecrTo(19, 12)).toBe(true);
    expect(pr.next).toBe(13);
    pr.next = 13;
    expect(pr.maybeDecrTo(12, 0)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it("snapshot state pauses everything and probes after the snapshot on success", () => {
    const pr = fresh();
    pr.match = 3;
    pr.becomeSnapshot(50);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.state).toBe("probe");
    expect(pr.next).toBe(51);
    pr.becomeSnapshot(50);
    pr.pendingSnapshot = 0; // failed transfer
    pr.becomeProbe();
    expect(pr.next).toBe(4);
  });

  it("canBumpCommit only while the member may still be behind the sent commit", () => {
    const pr = fresh(10);
    expect(pr.canBumpCommit(5)).toBe(true);
    pr.sentCommitIndex(9);
    expect(pr.canBumpCommit(12)).toBe(false); // already told it commit = next-1
    pr.next = 15;
    expect(pr.canBumpCommit(12)).toBe(true);
  });
});
