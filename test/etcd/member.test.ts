import { describe, expect, it } from "vitest";
import { EtcdNetworkClient } from "../../src/etcd/client.js";
import type { RangeResponse } from "../../src/etcd/client-api.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import { WorkloadValue } from "../../src/etcd/mvcc.js";
import { DATA_DIR } from "../../src/etcd/storage.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { awaitLeader, call, logLines, recordsOf, runUntil, testCluster } from "./helpers.js";

describe("etcd member", () => {
  it("elects a leader shortly after boot and serves writes and reads", () => {
    const t = testCluster();
    awaitLeader(t, 3 * SECOND);
    expect(t.sim.now).toBeLessThan(2 * SECOND);
    const put = call(t, (done) => t.client.put("/a", "x", 1, done));
    expect(put.ok).toBe(true);
    const got = call<RangeResponse>(t, (done) => t.client.get("/a", done));
    expect(got.ok && got.value.kvs[0]?.value).toBe("x");
    expect(logLines(t, /became leader at term/)).toHaveLength(1);
    expect(t.cluster.violations).toBe(0);
  });

  it("restarts from its WAL after SIGKILL and after a power cycle, keeping every acknowledged write", () => {
    const t = testCluster({ seed: 2 });
    awaitLeader(t);
    for (let i = 0; i < 20; i++) expect(call(t, (d) => t.client.put(`/k${i}`, i, 8, d)).ok).toBe(true);
    const victim = t.names.find((n) => t.cluster.leader()?.host !== n)!;
    t.systemd.get(victim)!.kill(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + SECOND);
    t.systemd.get(victim)!.start(ETCD_UNIT);
    expect(
      runUntil(
        t,
        () => t.cluster.member(victim)?.raft?.applied === t.cluster.leader()?.raft?.applied,
        10 * SECOND,
      ),
    ).toBe(true);
    expect(logLines(t, /restarting member/).length).toBeGreaterThan(0);
    expect(t.cluster.member(victim)!.store.getKey("/k19")?.value).toBe(19);
    // Power loss: only unsynced writes could be lost, and nothing acknowledged was unsynced.
    t.hypervisor.powerOff(victim);
    t.hypervisor.powerOn(victim);
    expect(
      runUntil(
        t,
        () => t.cluster.member(victim)?.raft?.applied === t.cluster.leader()?.raft?.applied,
        60 * SECOND,
      ),
    ).toBe(true);
    expect(t.cluster.member(victim)!.store.getKey("/k19")?.value).toBe(19);
    expect(t.cluster.violations).toBe(0);
  });

  it("catches a member up by database snapshot, taking db size ÷ bandwidth", () => {
    const t = testCluster({
      seed: 3,
      bandwidthBytesPerSec: 10_000_000,
      config: { snapshotCount: 200, snapshotCatchUpEntries: 50, dbBaseBytes: 50_000_000 },
    });
    awaitLeader(t);
    const lagging = t.names.find((n) => t.cluster.leader()?.host !== n)!;
    t.systemd.get(lagging)!.kill(ETCD_UNIT);
    for (let i = 0; i < 600; i++) t.client.put(`/k${i % 50}`, new WorkloadValue(i + 1), 100, () => {});
    t.sim.runUntil(t.sim.now + 20 * SECOND);
    const leader = t.cluster.leader()!;
    expect(leader.raft!.firstIndex).toBeGreaterThan(2);
    t.systemd.get(lagging)!.start(ETCD_UNIT);
    expect(
      runUntil(t, () => recordsOf(t, "etcd.snapshot").some((r) => r.phase === "received"), 30 * SECOND),
    ).toBe(true);
    const snaps = recordsOf(t, "etcd.snapshot");
    const start = snaps.find((r) => r.phase === "receiving")!;
    const end = snaps.find((r) => r.phase === "received")!;
    const bytes = Number(start.bytes);
    expect(bytes).toBeGreaterThan(50_000_000);
    // 50 MB at 10 MB/s: 5 s, plus latency and an fsync.
    const took = end.t - start.t;
    expect(took).toBeGreaterThan((bytes / 10_000_000) * SECOND - 10 * MILLISECOND);
    expect(took).toBeLessThan((bytes / 10_000_000) * SECOND + 100 * MILLISECOND);
    expect(
      runUntil(t, () => t.cluster.member(lagging)?.raft?.applied === leader.raft!.applied, 10 * SECOND),
    ).toBe(true);
    expect(
      logLines(t, /^sent database snapshot \[index: \d+, to: [0-9a-f]{16}\] successfully$/),
    ).toHaveLength(1);
    expect(
      logLines(t, /^received and saved database snapshot \[index: \d+, from: [0-9a-f]{16}\] successfully$/),
    ).toHaveLength(1);
    expect(t.cluster.member(lagging)!.store.keyCount).toBe(leader.store.keyCount);
    expect(t.cluster.violations).toBe(0);
  });

  it("moves leadership within a few round trips on SIGTERM, but takes an election timeout after a crash", () => {
    const graceful = testCluster({ seed: 4 });
    const l1 = awaitLeader(graceful);
    const t0 = graceful.sim.now;
    graceful.systemd.get(l1.host)!.stop(ETCD_UNIT);
    expect(
      runUntil(
        graceful,
        () => graceful.cluster.leader() !== undefined && graceful.cluster.leader() !== l1,
        5 * SECOND,
      ),
    ).toBe(true);
    const transferUs = graceful.sim.now - t0;
    // A few one-way latencies of ≤ 0.6 ms plus an fsync or two.
    expect(transferUs).toBeLessThan(50 * MILLISECOND);
    graceful.sim.runUntil(graceful.sim.now + SECOND);
    expect(logLines(graceful, /leadership transfer finished/)).toHaveLength(1);
    expect(graceful.systemd.get(l1.host)!.state(ETCD_UNIT)).toBe("inactive");

    const crash = testCluster({ seed: 4 });
    const l2 = awaitLeader(crash);
    const t1 = crash.sim.now;
    crash.systemd.get(l2.host)!.kill(ETCD_UNIT);
    expect(
      runUntil(
        crash,
        () => crash.cluster.leader() !== undefined && crash.cluster.leader() !== l2,
        5 * SECOND,
      ),
    ).toBe(true);
    const electionUs = crash.sim.now - t1;
    expect(electionUs).toBeGreaterThan(800 * MILLISECOND);
    expect(electionUs).toBeLessThan(2200 * MILLISECOND);
  });

  it("times writes out after ReqTimeout (7 s) without quorum, drops them once no leader is known", () => {
    const t = testCluster({ seed: 5 });
    const leader = awaitLeader(t);
    for (const n of t.names) if (n !== leader.host) t.hypervisor.powerOff(n);
    const only = new EtcdNetworkClient(t.sim, t.network, "client", {
      endpoints: [leader.host],
      requestTimeoutUs: 30 * SECOND,
    });
    const r = call(t, (done) => only.put("/x", 1, 1, done));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe("etcdserver: request timed out");
    expect(r.atUs - r.startUs).toBeGreaterThanOrEqual(7 * SECOND);
    expect(r.atUs - r.startUs).toBeLessThan(7 * SECOND + 5 * MILLISECOND);
    // The isolated leader has stepped down (check-quorum): proposals are now dropped at once.
    const d = call(t, (done) => only.put("/y", 1, 1, done));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.message).toBe("etcdserver: raft proposal dropped");
    expect(d.atUs - d.startUs).toBeLessThan(10 * MILLISECOND);
  });

  it("serves serializable reads without quorum while linearizable reads time out", () => {
    const t = testCluster({ seed: 6 });
    const leader = awaitLeader(t);
    expect(call(t, (d) => t.client.put("/s", "v", 1, d)).ok).toBe(true);
    t.sim.runUntil(t.sim.now + SECOND);
    for (const n of t.names) if (n !== leader.host) t.hypervisor.powerOff(n);
    const only = new EtcdNetworkClient(t.sim, t.network, "client", {
      endpoints: [leader.host],
      requestTimeoutUs: 30 * SECOND,
    });
    const ser = call<RangeResponse>(t, (done) => only.get("/s", done, { serializable: true }));
    expect(ser.ok && ser.value.kvs[0]?.value).toBe("v");
    const lin = call<RangeResponse>(t, (done) => only.get("/s", done));
    expect(lin.ok).toBe(false);
    if (!lin.ok)
      expect(["etcdserver: request timed out", "etcdserver: leader changed"]).toContain(lin.error.message);
  });

  it("compare-and-swap transactions succeed only when the comparison holds", () => {
    const t = testCluster({ seed: 7 });
    awaitLeader(t);
    const put = call(t, (d) => t.client.put("/lock", "a", 1, d));
    expect(put.ok).toBe(true);
    const rev = put.ok ? (put.value as { revision: number }).revision : 0;
    const ok = call(t, (d) =>
      t.client.txn(
        [{ key: "/lock", target: "modRevision", op: "=", operand: rev }],
        [{ type: "put", key: "/lock", value: "b", bytes: 1 }],
        [],
        d,
      ),
    );
    expect(ok.ok && (ok.value as { succeeded: boolean }).succeeded).toBe(true);
    const stale = call(t, (d) =>
      t.client.txn(
        [{ key: "/lock", target: "modRevision", op: "=", operand: rev }],
        [{ type: "put", key: "/lock", value: "c", bytes: 1 }],
        [{ type: "range", key: "/lock" }],
        d,
      ),
    );
    expect(stale.ok && (stale.value as { succeeded: boolean }).succeeded).toBe(false);
    const got = call<RangeResponse>(t, (d) => t.client.get("/lock", d));
    expect(got.ok && got.value.kvs[0]?.value).toBe("b");
  });

  it("delivers watch events in revision order from a past revision, and cancels watches without a leader", () => {
    const t = testCluster({ seed: 8 });
    const leader = awaitLeader(t);
    const first = call(t, (d) => t.client.put("/w/a", 1, 1, d));
    const from = first.ok ? (first.value as { revision: number }).revision : 0;
    for (let i = 2; i <= 5; i++) call(t, (d) => t.client.put(`/w/${i}`, i, 1, d));
    const seen: number[] = [];
    const errors: string[] = [];
    const only = new EtcdNetworkClient(t.sim, t.network, "client", { endpoints: [leader.host] });
    only.watch(
      "/w/",
      { prefix: true, fromRevision: from },
      {
        onEvents: (events) => {
          for (const e of events) seen.push(e.kv.modRevision);
        },
        onError: (e) => errors.push(e.message),
      },
    );
    t.sim.runUntil(t.sim.now + SECOND);
    call(t, (d) => t.client.put("/w/6", 6, 1, d));
    t.sim.runUntil(t.sim.now + SECOND);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toHaveLength(6);
    expect(seen[0]).toBe(from);
    // Without a leader for 3 election timeouts the member cancels the watch ("no leader").
    for (const n of t.names) if (n !== leader.host) t.systemd.get(n)!.kill(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + 6 * SECOND);
    expect(errors).toEqual(["etcdserver: no leader"]);
  });

  it("refuses a watch from a revision older than its history ('compacted')", () => {
    const t = testCluster({ seed: 9, config: { watchHistoryEvents: 5 } });
    awaitLeader(t);
    for (let i = 0; i < 10; i++) call(t, (d) => t.client.put(`/c/${i}`, i, 1, d));
    const errors: string[] = [];
    t.client.watch(
      "/c/",
      { prefix: true, fromRevision: 2 },
      { onEvents: () => {}, onError: (e) => errors.push(e.message) },
    );
    t.sim.runUntil(t.sim.now + SECOND);
    expect(errors).toEqual(["mvcc: required revision has been compacted"]);
  });

  it("logs 'cannot get the version of member' when a peer's VM is up but etcd is not, and 'became active' when it is back", () => {
    const t = testCluster({ seed: 10 });
    const leader = awaitLeader(t);
    const other = t.names.find((n) => n !== leader.host)!;
    t.systemd.get(other)!.kill(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + 10 * SECOND);
    const refused = logLines(
      t,
      /cannot get the version of member [0-9a-f]{16} \(Get https:\/\/[\d.]+:2380\/version: dial tcp [\d.]+:2380: connect: connection refused\)/,
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.level === "W" && r.subject === leader.host)).toBe(true);
    const before = logLines(t, /became active/).length;
    t.systemd.get(other)!.start(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + 3 * SECOND);
    expect(logLines(t, /peer [0-9a-f]{16} became active/).length).toBeGreaterThan(before);
  });

  it("a member that lost its data dir but kept its ID panics while the leader remembers its log", () => {
    const t = testCluster({ seed: 11 });
    const leader = awaitLeader(t);
    const other = t.names.find((n) => n !== leader.host)!;
    for (let i = 0; i < 5; i++) call(t, (d) => t.client.put(`/j${i}`, i, 1, d));
    t.systemd.get(other)!.kill(ETCD_UNIT);
    t.hypervisor.vm(other)!.disk.wipe(DATA_DIR);
    t.systemd.get(other)!.start(ETCD_UNIT);
    t.sim.runUntil(t.sim.now + 3 * SECOND);
    // etcd: "tocommit(N) is out of range [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?"
    const panics = logLines(t, /^panic: commit \d+ is beyond the last index 0/);
    expect(panics.length).toBeGreaterThan(0);
    expect(panics[0]!.subject).toBe(other);
    expect(logLines(t, /joining existing cluster/).length).toBeGreaterThan(0);
    expect(t.cluster.violations).toBe(0);
  });

  it("a member that restarts empty after a quorum loss rejoins with the same ID and catches up", () => {
    const t = testCluster({ seed: 12 });
    const leader = awaitLeader(t);
    const others = t.names.filter((n) => n !== leader.host);
    for (let i = 0; i < 5; i++) call(t, (d) => t.client.put(`/q${i}`, i, 1, d));
    const id = t.cluster.member(others[0]!)!.idHex;
    for (const o of others) {
      t.systemd.get(o)!.kill(ETCD_UNIT);
      t.hypervisor.vm(o)!.disk.wipe(DATA_DIR);
    }
    // The leader steps down (no quorum): a new leader starts with fresh progress for everyone.
    t.sim.runUntil(t.sim.now + 5 * SECOND);
    t.systemd.get(others[0]!)!.start(ETCD_UNIT);
    expect(
      runUntil(t, () => t.cluster.member(others[0]!)?.store.getKey("/q4") !== undefined, 20 * SECOND),
    ).toBe(true);
    expect(t.cluster.member(others[0]!)!.idHex).toBe(id);
    expect(logLines(t, /panic/)).toHaveLength(0);
    expect(t.cluster.violations).toBe(0);
  });
});
