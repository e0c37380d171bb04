/**
 * The backup operator's disaster recovery (etcd-operator `disasterRecovery`, coreos/etcd-operator
 * pkg/cluster/cluster.go): with a member's pod still running at a quorum loss it restores from a
 * backup made from that member right then; if that backup fails, from the latest periodic one.
 * (The pod variant and the case with no pod left: test/library/etcd-operator.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { BackupOperator } from "../../src/etcd/backup-operator.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import type { EtcdOperator } from "../../src/etcd/operator.js";
import { SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import {
  awaitLeader,
  call,
  operatorFor,
  recordsOf,
  runUntil,
  type TestCluster,
  testCluster,
} from "./helpers.js";

/** 1 Gbit/s, as in the etcd-operator model. */
const BANDWIDTH = 125_000_000;

interface Setup {
  readonly t: TestCluster;
  readonly op: EtcdOperator;
  /** The member left running after both followers' VMs were powered off. */
  readonly survivor: string;
}

/**
 * Three members and a backup operator on VMs; `a0..a4` are written before the first periodic
 * backup (at 30 s), `b0..b4` after it; then both followers' VMs are powered off.
 */
function majorityLost(seed: number): Setup {
  const t = testCluster({ seed, bandwidthBytesPerSec: BANDWIDTH });
  awaitLeader(t);
  const op = operatorFor(t);
  new BackupOperator(t.sim, op, t.cluster, t.hypervisor, t.systemd, {
    intervalUs: 30 * SECOND,
    maxBackups: 5,
    reconcileUs: 8 * SECOND,
    unhealthyRounds: 2,
    replaceDeadMembers: false,
  }).start();
  const put = (key: string): void => {
    expect(call(t, (d) => t.client.put(key, key, 100, d)).ok).toBe(true);
  };
  for (let i = 0; i < 5; i++) put(`a${i}`);
  runUntil(t, () => saved(t).length > 0, 40 * SECOND);
  expect(saved(t)).toHaveLength(1);
  for (let i = 0; i < 5; i++) put(`b${i}`);
  const leader = t.cluster.leader()!.host;
  for (const h of t.names) if (h !== leader) t.hypervisor.powerOff(h);
  return { t, op, survivor: leader };
}

function saved(t: TestCluster): TraceRecord[] {
  return recordsOf(t, "etcd.backup").filter((r) => r.phase === "saved");
}

function phase(t: TestCluster, p: string): TraceRecord | undefined {
  return recordsOf(t, "etcd.backup").find((r) => r.phase === p);
}

/** The keys of `prefix` the restored seed member holds once it runs again. */
function keys(t: TestCluster, prefix: string): string[] {
  const seed = (): string => String(phase(t, "restoring")?.seed ?? "");
  runUntil(t, () => t.cluster.member(seed())?.isReady === true, 60 * SECOND);
  const m = t.cluster.member(seed());
  if (m === undefined) throw new Error(`the seed member ${seed()} does not run`);
  return m.store
    .range(prefix, true)
    .kvs.map((kv) => kv.key)
    .sort();
}

describe("backup operator disaster recovery", () => {
  it("with a member still running, backs it up at the quorum loss and restores from that backup", () => {
    const { t, survivor } = majorityLost(31);
    const appliedAtLoss = t.cluster.member(survivor)!.raft!.applied;
    const revisionAtLoss = t.cluster.member(survivor)!.store.revision;
    const periodic = saved(t)[0]!;
    runUntil(t, () => phase(t, "restoring") !== undefined, 60 * SECOND);

    const now = phase(t, "backupNow")!;
    expect(now.pods).toEqual([survivor]);
    expect(now.from).toBe(survivor);
    const latest = saved(t).find((r) => r.disaster === true)!;
    expect(latest.from).toBe(survivor);
    // The member's whole database crosses the network: at least size ÷ bandwidth.
    expect(latest.bytes as number).toBeGreaterThan(0);
    expect(latest.t - now.t).toBeGreaterThanOrEqual(((latest.bytes as number) / BANDWIDTH) * SECOND);
    expect(latest.raftIndex as number).toBeGreaterThanOrEqual(appliedAtLoss);
    expect(latest.revision as number).toBeGreaterThanOrEqual(revisionAtLoss);
    expect(latest.revision as number).toBeGreaterThan(periodic.revision as number);
    const restoring = phase(t, "restoring")!;
    expect(restoring.backup).toBe(latest.name);
    expect(restoring.t).toBeGreaterThanOrEqual(latest.t);
    // Nothing acknowledged is lost: the writes after the periodic backup are there too.
    expect(keys(t, "b")).toEqual(["b0", "b1", "b2", "b3", "b4"]);
    expect(keys(t, "a")).toEqual(["a0", "a1", "a2", "a3", "a4"]);
  });

  it("when that backup fails, restores from the latest periodic backup and loses the writes after it", () => {
    const { t, survivor } = majorityLost(32);
    runUntil(t, () => phase(t, "backupNow") !== undefined, 60 * SECOND);
    // The survivor dies while the operator asks it for a snapshot.
    t.systemd.get(survivor)!.kill(ETCD_UNIT);
    runUntil(t, () => phase(t, "restoring") !== undefined, 15 * 60 * SECOND);

    expect(phase(t, "backupNowFailed")?.from).toBe(survivor);
    expect(saved(t).some((r) => r.disaster === true)).toBe(false);
    expect(phase(t, "restoring")?.backup).toBe(saved(t).at(-1)?.name);
    expect(keys(t, "a")).toEqual(["a0", "a1", "a2", "a3", "a4"]);
    expect(keys(t, "b")).toEqual([]);
  });
});
