import { describe, expect, it } from "vitest";
import { SECOND } from "../../src/sim/time.js";
import { awaitLeader, call, testCluster } from "./helpers.js";

describe("smoke", () => {
  it("elects a leader and serves a write", () => {
    const t = testCluster();
    const leader = awaitLeader(t);
    console.log("leader", leader.name, t.sim.now);
    const r = call(t, (done) => t.client.put("/a", "x", 1, done));
    console.log(r);
    const g = call(t, (done) => t.client.get("/a", done));
    console.log(JSON.stringify(g));
    t.sim.runUntil(t.sim.now + 5 * SECOND);
    for (const rec of t.sink.records.filter((x) => x.kind.startsWith("etcd")).slice(0, 60)) console.log(JSON.stringify(rec));
    expect(r.ok).toBe(true);
  });
});
