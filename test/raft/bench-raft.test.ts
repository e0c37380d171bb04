import { describe, expect, it } from "vitest";
import { runMessageLoop, runRaftCluster, runRaftCoreSynchronous } from "../../bench/raft.js";

// The `raft` benchmark's three contenders must do the work their numbers claim: a replicating
// cluster with etcd-io/raft's message mix, a bare loop of exactly N deliveries, and the core
// alone replicating the same proposals with free delivery.
describe("raft benchmark workloads", () => {
  it("the timed cluster elects a leader, commits every proposal and sends etcd-io/raft's 400 messages per second", () => {
    const o = runRaftCluster(20, 3, true);
    expect(o.leaderAtEnd).toBe(true);
    expect(o.sameLogs).toBe(true);
    expect(o.violations).toBe(0);
    expect(o.proposals).toBeGreaterThan(180);
    // `proposals` counts those made before the end; the last second lets them (and a few more) commit.
    expect(o.committed).toBeGreaterThanOrEqual(o.proposals);
    // 160 heartbeat messages/s + 16 per proposal (10/s) + the appends answering heartbeat responses.
    expect(o.messages / o.simSeconds).toBeGreaterThan(330);
    expect(o.messages / o.simSeconds).toBeLessThan(450);
  });

  it("the core-only run replicates with free delivery: heartbeats plus 16 messages per proposal", () => {
    const delivered = runRaftCoreSynchronous(20, 3);
    // No latency, so no heartbeat overlaps an append: close to 160 + 160 per simulated second.
    expect(delivered / 20).toBeGreaterThan(280);
    expect(delivered / 20).toBeLessThan(340);
  });

  it("the bare loop delivers exactly the messages asked for", () => {
    expect(runMessageLoop(5000, 7)).toBe(5000);
  });
});
