/**
 * The backup operator's disaster recovery (etcd-operator `disasterRecovery`, coreos/etcd-operator
 * pkg/cluster/cluster.go): with a member's pod still running at a quorum loss it restores from a
 * backup made from that member right then; if that backup fails, from the latest periodic one.
 * (The pod variant and the case with no pod left: test/library/etcd-operator.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { BackupOperator } from "../../src/etcd/backup-operator.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import type { EtcdOperator } from "../../src/etcd/operator.js";
import { describe as describeRecord } from "../../src/report/describe.js";
import { SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import "../../src/report/describe-etcd.js";
import type { RunResult } from "../../src/world/result.js";
import type { World } from "../../src/world/world.js";
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

/**
 * Runs the etcd-operator model (members are pods) with these steps; `react` sees every trace
 * record as it is written and may act on the world (at the same instant, after the record).
 */
function runPods(
  steps: string,
  react: (r: TraceRecord, world: World) => void = () => {},
  overrides: { key: string; value: string }[] = [],
): RunResult {
  const dir = mkdtempSync(join(tmpdir(), "quorate-backup-operator-"));
  try {
    const file = join(dir, "x.yaml");
    writeFileSync(
      file,
      `apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata:\n  name: x\nspec:\n  model: etcd-operator\n  duration: 8m\n  steps:\n${steps}`,
    );
    const prepared = prepareRun(file, { seed: 3, overrides });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
    const world = prepared.run.world;
    return executeRun(prepared.run, {
      sinks: [{ write: (r) => world.sim.after(0, () => react(r, world)) }],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const podPhases = (r: RunResult): string[] =>
  r.records
    .filter((x) => x.kind === "etcd.backup" && x.phase !== "saved")
    .map(
      (x) =>
        `${x.phase}${x.member !== undefined ? ` ${x.member}` : x.seed !== undefined ? ` ${x.seed}` : ""}`,
    );

describe("backup operator with pods", () => {
  const killCp1 = "    - at: 2m\n      do: etcd.kill\n      target: cp-1\n";

  it("a new pod whose node goes off before its etcd starts is replaced again", () => {
    const r = runPods(killCp1, (rec, world) => {
      if (rec.kind === "vm.created" && rec.subject === "cp-3") world.hypervisor.powerOff("cp-3");
    });
    // cp-3 never runs: it is removed as a dead member and cp-4 takes its place.
    expect(podPhases(r)).toEqual([
      "deadMemberRemoved cp-1",
      "memberAdded cp-3",
      "deadMemberRemoved cp-3",
      "memberAdded cp-4",
      "replaced",
    ]);
  });

  it("a new pod's etcd starts only after its member add, even when the pod boots faster", () => {
    const r = runPods(killCp1, () => {}, [{ key: "vm.bootDuration", value: "1ms" }]);
    const added = r.records.find((x) => x.kind === "etcd.backup" && x.phase === "memberAdded");
    const started = r.records.find(
      (x) => x.kind === "unit.state" && x.subject === "cp-3/etcd" && x.to === "activating",
    );
    const booted = r.records.find((x) => x.kind === "vm.booted" && x.subject === "cp-3");
    expect(added?.member).toBe("cp-3");
    // The pod had booted before the add was through, yet etcd waited for it.
    expect(booted!.t).toBeLessThan(added!.t);
    expect(started!.t).toBeGreaterThanOrEqual(added!.t);
    expect(podPhases(r).at(-1)).toBe("replaced");
  });

  it("a restore whose seed pod's node is deleted during its init containers restores again into a new pod", () => {
    const steps =
      "    - at: 3m\n      do: etcd.kill\n      target: cp-0\n    - at: 3m\n      do: etcd.kill\n      target: cp-1\n    - at: 3m\n      do: etcd.kill\n      target: cp-2\n";
    const r = runPods(steps, (rec, world) => {
      if (rec.kind === "etcd.backup" && rec.phase === "restoring" && rec.seed === "cp-3")
        world.hypervisor.vm("cp-3")?.delete("test: node gone");
    });
    const p = podPhases(r);
    expect(p.filter((x) => x.startsWith("restoring"))).toEqual(["restoring cp-3", "restoring cp-4"]);
    // The names go on in sequence from the second seed, and the cluster is whole again.
    expect(p.filter((x) => x.startsWith("memberAdded"))).toEqual(["memberAdded cp-5", "memberAdded cp-6"]);
    expect(p.at(-1)).toBe("recovered");
  });
});

describe("backupNowFailed in the timeline", () => {
  const text = (fields: Record<string, unknown>): string =>
    describeRecord({
      t: 0,
      kind: "etcd.backup",
      subject: "etcd-operator",
      phase: "backupNowFailed",
      from: "cp-0",
      ...fields,
    })?.text ?? "";

  it("says whether the operator restores the periodic backup or goes back to watching", () => {
    expect(text({ fallback: "etcd-backup-0003", next: "restore" })).toContain(
      "restoring from the latest periodic backup etcd-backup-0003",
    );
    expect(text({ fallback: "", next: "watch" })).toContain(
      "no periodic backup to restore from; watching again",
    );
    expect(text({ fallback: "etcd-backup-0001", next: "watch" })).toContain(
      "etcd-backup-0001 is gone (pruned)",
    );
    expect(text({ fallback: "", next: "watch" })).not.toContain("restoring");
  });
});

describe("the client Service's endpoints follow the pods", () => {
  it("a removed endpoint gets no more requests, and the endpoint count follows", () => {
    const t = testCluster({ seed: 33 });
    awaitLeader(t);
    const gone = t.names.find((h) => h !== t.cluster.leader()!.host)!;
    expect(t.client.endpointCount).toBe(3);
    // The pod is deleted: its VM is gone, and the Service no longer lists it.
    t.client.removeEndpoint(gone);
    t.hypervisor.powerOff(gone);
    expect(t.client.endpointCount).toBe(2);
    for (let i = 0; i < 6; i++) {
      const started = t.sim.now;
      const r = call(t, (d) => t.client.put(`k${i}`, "v", 10, d));
      expect(r.ok, `put ${i}`).toBe(true);
      // None waited on the deleted pod until its deadline.
      expect(t.sim.now - started, `put ${i}`).toBeLessThan(SECOND);
    }
  });
});
