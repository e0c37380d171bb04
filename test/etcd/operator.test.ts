import { describe, expect, it } from "vitest";
import { EtcdNetworkClient } from "../../src/etcd/client.js";
import type { RangeResponse, Result } from "../../src/etcd/client-api.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import type { MemberListEntry } from "../../src/etcd/wire.js";
import { SECOND } from "../../src/sim/time.js";
import {
  addSpareMachine,
  awaitLeader,
  call,
  logLines,
  operatorFor,
  recordsOf,
  runUntil,
  testCluster,
} from "./helpers.js";

type Members = Result<MemberListEntry[]>;

function errorOf(r: Result<unknown>): string {
  return r.ok ? "ok" : r.error.message;
}

describe("etcd operator actions", () => {
  it("strict reconfig check refuses removing a member when that would lose quorum, allows removing a down one", () => {
    const t = testCluster({ seed: 21 });
    const op = operatorFor(t);
    const leader = awaitLeader(t);
    const [down, healthy] = t.names.filter((n) => n !== leader.host) as [string, string];
    t.sim.runUntil(t.sim.now + 6 * SECOND); // connected for longer than HealthInterval (5 s)
    t.systemd.get(down)!.kill(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + SECOND);
    const refused = call(t, (d) => op.memberRemove(healthy, d as (r: Members) => void));
    expect(errorOf(refused)).toBe("etcdserver: unhealthy cluster");
    const removed = call(t, (d) => op.memberRemove(down, d as (r: Members) => void));
    expect(errorOf(removed)).toBe("ok");
    expect(runUntil(t, () => t.cluster.leader()?.membership.voterCount === 2, 5 * SECOND)).toBe(true);
    expect(recordsOf(t, "etcd.member").some((r) => r.change === "removed")).toBe(true);
  });

  it("allows one learner at most, and promotes it only once it is in sync", () => {
    const t = testCluster({ seed: 22 });
    const op = operatorFor(t);
    addSpareMachine(t, "cp-3");
    addSpareMachine(t, "cp-4");
    awaitLeader(t);
    for (let i = 0; i < 30; i++) call(t, (d) => t.client.put(`/p${i}`, i, 100, d));
    t.sim.runUntil(t.sim.now + 6 * SECOND);
    const added = call(t, (d) => op.memberAdd("cp-3", true, d as (r: Members) => void));
    expect(errorOf(added)).toBe("ok");
    const second = call(t, (d) => op.memberAdd("cp-4", true, d as (r: Members) => void));
    expect(errorOf(second)).toBe("etcdserver: too many learner members in cluster");
    // Not started yet: its log is empty, far from 90 % of the leader's.
    const early = call(t, (d) => op.memberPromote("cp-3", d as (r: Members) => void));
    expect(errorOf(early)).toBe("etcdserver: can only promote a learner member which is in sync with leader");
    t.systemd.get("cp-3")!.start(ETCD_UNIT);
    expect(
      runUntil(
        t,
        () => t.cluster.member("cp-3")?.raft?.applied === t.cluster.leader()?.raft?.applied,
        20 * SECOND,
      ),
    ).toBe(true);
    expect(t.cluster.member("cp-3")!.raft!.isLearner).toBe(true);
    // A learner refuses linearizable reads and writes but serves serializable reads.
    const promoted = call(t, (d) => op.memberPromote("cp-3", d as (r: Members) => void));
    expect(errorOf(promoted)).toBe("ok");
    expect(runUntil(t, () => t.cluster.member("cp-3")?.raft?.isLearner === false, 5 * SECOND)).toBe(true);
    expect(t.cluster.leader()!.membership.voterCount).toBe(4);
  });

  it("snapshot restore makes a new cluster with new member and cluster IDs holding exactly the backup", () => {
    const t = testCluster({ seed: 23 });
    const op = operatorFor(t);
    awaitLeader(t);
    for (let i = 0; i < 10; i++) call(t, (d) => t.client.put(`/before/${i}`, i, 10, d));
    const oldId = t.cluster.member("cp-0")!.idHex;
    const oldCluster = t.cluster.member("cp-0")!.membership.clusterId;
    let saved = false;
    op.snapshotSave("cp-0", "backup.db", (ok) => {
      saved = ok;
    });
    expect(runUntil(t, () => saved, 10 * SECOND)).toBe(true);
    call(t, (d) => t.client.put("/after", 1, 10, d));
    for (const n of t.names) t.systemd.get(n)!.kill(ETCD_UNIT);
    expect(() => op.snapshotRestore("cp-0", { backup: "backup.db" })).toThrow(/data-dir .* exists/);
    op.wipe("cp-0");
    op.snapshotRestore("cp-0", { backup: "backup.db", members: ["cp-0"], token: "restored" });
    op.start("cp-0");
    expect(runUntil(t, () => t.cluster.state.leader === "cp-0", 10 * SECOND)).toBe(true);
    const m = t.cluster.member("cp-0")!;
    expect(m.idHex).not.toBe(oldId);
    expect(m.membership.clusterId).not.toBe(oldCluster);
    expect(m.membership.list()).toHaveLength(1);
    expect(m.store.getKey("/before/9")?.value).toBe(9);
    expect(m.store.getKey("/after")).toBeUndefined();
    expect(t.cluster.destructions.map((d) => d.reason)).toContain("snapshot restore from backup.db");
    // Writes work in the new cluster.
    const put = call(t, (d) => t.client.put("/new", 1, 1, d));
    expect(put.ok).toBe(true);
    expect(t.cluster.violations).toBe(0);
  });

  it("--force-new-cluster turns the last member into a one-member cluster that keeps the committed data", () => {
    const t = testCluster({ seed: 24 });
    const op = operatorFor(t);
    const leader = awaitLeader(t);
    for (let i = 0; i < 10; i++) call(t, (d) => t.client.put(`/f/${i}`, i, 10, d));
    t.sim.runUntil(t.sim.now + SECOND);
    const survivor = t.names.find((n) => n !== leader.host)!;
    const id = t.cluster.member(survivor)!.idHex;
    for (const n of t.names) if (n !== survivor) t.hypervisor.powerOff(n);
    t.sim.runUntil(t.sim.now + 3 * SECOND);
    op.forceNewCluster(survivor);
    expect(runUntil(t, () => t.cluster.state.leader === survivor, 30 * SECOND)).toBe(true);
    const m = t.cluster.member(survivor)!;
    expect(m.idHex).toBe(id);
    expect(m.membership.voterCount).toBe(1);
    expect(m.store.getKey("/f/9")?.value).toBe(9);
    expect(logLines(t, /forcing restart member/)).toHaveLength(1);
    expect(t.cluster.units.get(survivor)!.forceNewCluster).toBe(false);
    const local = new EtcdNetworkClient(t.sim, t.network, "client", { endpoints: [survivor] });
    const got = call<RangeResponse>(t, (d) => local.get("/f/", d, { prefix: true }));
    expect(got.ok && got.value.count).toBe(10);
    expect(t.cluster.violations).toBe(0);
  });

  it("rejoin replaces a member whose data dir is gone: new ID, caught up, no panic", () => {
    const t = testCluster({ seed: 25 });
    const op = operatorFor(t);
    const leader = awaitLeader(t);
    for (let i = 0; i < 10; i++) call(t, (d) => t.client.put(`/r/${i}`, i, 10, d));
    const victim = t.names.find((n) => n !== leader.host)!;
    const oldId = t.cluster.member(victim)!.idHex;
    op.wipe(victim);
    let done: boolean | undefined;
    op.rejoin(victim, (ok) => {
      done = ok;
    });
    expect(runUntil(t, () => done !== undefined, 60 * SECOND)).toBe(true);
    expect(done).toBe(true);
    expect(runUntil(t, () => t.cluster.member(victim)?.store.getKey("/r/9") !== undefined, 20 * SECOND)).toBe(
      true,
    );
    expect(t.cluster.member(victim)!.idHex).not.toBe(oldId);
    expect(logLines(t, /panic/)).toHaveLength(0);
    expect(runUntil(t, () => t.cluster.state.healthy === 3, 10 * SECOND)).toBe(true);
    expect(t.cluster.violations).toBe(0);
  });

  it("prints etcdctl tables for member list, endpoint status and endpoint health", () => {
    const t = testCluster({ seed: 26 });
    const op = operatorFor(t);
    const leader = awaitLeader(t);
    op.memberList();
    op.endpointStatus();
    t.sim.runUntil(t.sim.now + SECOND);
    t.systemd.get(t.names.find((n) => n !== leader.host)!)!.kill(ETCD_UNIT);
    op.endpointHealth();
    t.sim.runUntil(t.sim.now + 10 * SECOND);
    const out = recordsOf(t, "etcd.etcdctl");
    expect(out.map((r) => r.command)).toEqual([
      "etcdctl member list -w table",
      "etcdctl endpoint status -w table",
      "etcdctl endpoint health -w table",
    ]);
    expect(String(out[0]!.output)).toMatch(
      /\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/,
    );
    expect(String(out[0]!.output).match(/\| started \|/g)).toHaveLength(3);
    expect(String(out[1]!.output)).toMatch(/IS LEADER/);
    expect(String(out[1]!.output).match(/\| +true \| +false \|/g)).toHaveLength(1);
    const health = String(out[2]!.output);
    expect(health.match(/\| +true \|/g)).toHaveLength(2);
    expect(health).toMatch(/\| +false \|.*\|/);
    expect(health).toMatch(/Error: unhealthy cluster/);
    expect(out[2]!.ok).toBe(false);
  });
});
