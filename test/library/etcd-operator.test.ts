/**
 * The etcd operator incidents of seed 002 (experiments/etcd-operator-*.yaml) hold their
 * expectations for several seeds: backups every 30 s, a deleted pod replaced by a new member, and
 * recovery after quorum loss — from a backup of the pod still running (nothing lost), or with no pod
 * left from the latest periodic backup (the data loss measured).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRun } from "../../src/engine/prepare.js";
import { executeRun } from "../../src/engine/run.js";
import { failures, runExperiment } from "./run-library.js";

const SEEDS = [1, 7, 13];

describe("seed 002 on the etcd-operator model", () => {
  for (const name of [
    "etcd-operator-backup",
    "etcd-operator-minority-crashed",
    "etcd-operator-majority-crashed",
    "etcd-operator-all-crashed",
  ]) {
    it(`${name} passes for seeds ${SEEDS.join(", ")}`, () => {
      for (const seed of SEEDS) {
        expect(failures(runExperiment(`experiments/${name}.yaml`, seed)), `seed ${seed}`).toEqual([]);
      }
    });
  }

  it("majority crashed: the pod still running is backed up at the disaster and restored from; nothing is lost", () => {
    for (const seed of [3, 11]) {
      const r = runExperiment("experiments/etcd-operator-majority-crashed.yaml", seed);
      const backup = r.records.filter((x) => x.kind === "etcd.backup");
      const now = backup.find((x) => x.phase === "backupNow");
      const killed = r.records
        .filter((x) => x.kind === "step" && x.action === "etcd.kill")
        .map((x) => x.target);
      const survivor = ["cp-0", "cp-1", "cp-2"].find((h) => !killed.includes(h));
      expect(now?.pods, `seed ${seed}`).toEqual([survivor]);
      const latest = backup.find((x) => x.phase === "saved" && x.disaster === true);
      expect(latest?.from, `seed ${seed}`).toBe(survivor);
      // The snapshot holds everything the survivor had applied when quorum was lost.
      expect(latest?.raftIndex as number).toBeGreaterThanOrEqual(now?.appliedIndex as number);
      expect(latest?.revision as number).toBeGreaterThanOrEqual(now?.revision as number);
      const periodic = backup.filter(
        (x) => x.phase === "saved" && x.disaster !== true && x.t < (now?.t ?? 0),
      );
      expect(latest?.revision as number).toBeGreaterThan(periodic.at(-1)?.revision as number);
      const restoring = backup.find((x) => x.phase === "restoring");
      expect(restoring?.backup, `seed ${seed}`).toBe(latest?.name);
      // The survivor's pod is deleted only after its snapshot was taken.
      const deleted = r.records.find((x) => x.kind === "vm.deleted" && x.subject === survivor);
      expect(deleted?.t ?? 0).toBeGreaterThanOrEqual(latest?.t ?? Number.POSITIVE_INFINITY);
      expect(r.metrics.lostWrites, `seed ${seed}`).toBe(0);
    }
  });

  it("all crashed: no pod to back up, so the periodic backup is restored and the writes after it are lost", () => {
    const r = runExperiment("experiments/etcd-operator-all-crashed.yaml", 3);
    const lost = r.records.find((x) => x.kind === "metric" && x.name === "lostWrites")?.value as number;
    expect(r.records.some((x) => x.kind === "etcd.backup" && x.phase === "backupNow")).toBe(false);
    const restoring = r.records.find((x) => x.kind === "etcd.backup" && x.phase === "restoring");
    const savedAt = r.records.filter(
      (x) => x.kind === "etcd.backup" && x.phase === "saved" && x.t < (restoring?.t ?? 0),
    );
    const last = savedAt.at(-1);
    expect(last?.disaster).toBeUndefined();
    expect(last?.name).toBe(restoring?.backup);
    // 20 writes/s between the last backup and the failure at 3m10s.
    const window = (190_000_000 - (last?.t ?? 0)) / 1_000_000;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(Math.ceil(window * 20) + 20);
  });

  it("majority crashed: the seed member is a new pod that serves only after its init containers; all final members are new pods", () => {
    for (const seed of [2, 9]) {
      const r = runExperiment("experiments/etcd-operator-majority-crashed.yaml", seed);
      const restoring = r.records.find((x) => x.kind === "etcd.backup" && x.phase === "restoring");
      // seed 002: example-etcd-cluster-with-backup-0003 after 0000..0002.
      expect(restoring?.seed, `seed ${seed}`).toBe("cp-3");
      const seedActive = r.records.find(
        (x) => x.kind === "unit.state" && x.subject === "cp-3/etcd" && x.to === "active",
      );
      // "Init:0/2" at an age of 11 s: fetch-backup had not finished yet.
      expect((seedActive?.t ?? 0) - (restoring?.t ?? 0), `seed ${seed}`).toBeGreaterThan(11_000_000);
      const added = r.records.filter((x) => x.kind === "etcd.backup" && x.phase === "memberAdded");
      expect(added.map((x) => x.member)).toEqual(["cp-4", "cp-5"]);
      // The three original pods, the survivor included, are gone.
      const vms = r.records.filter((x) => x.kind === "vm.deleted").map((x) => x.subject);
      // (A new pod whose `member add` is refused is deleted and made again under the same name.)
      expect(vms.filter((v) => !["cp-5"].includes(String(v))).sort(), `seed ${seed}`).toEqual([
        "cp-0",
        "cp-1",
        "cp-2",
      ]);
      expect(failures(r), `seed ${seed}`).toEqual([]);
    }
  });

  it("minority crashed: the operator itself removes the dead member, then adds a new one (no backup restore)", () => {
    const r = runExperiment("experiments/etcd-operator-minority-crashed.yaml", 5);
    const phases = r.records.filter((x) => x.kind === "etcd.backup" && x.phase !== "saved");
    expect(phases.map((x) => x.phase)).toEqual(["deadMemberRemoved", "memberAdded", "replaced"]);
    const removed = phases[0]!;
    // At the first reconcile (every 8 s) after the pod was deleted at 2m.
    expect(removed.t).toBeGreaterThan(120_000_000);
    expect(removed.t).toBeLessThanOrEqual(128_100_000);
    const kill = r.records.find((x) => x.kind === "step" && x.action === "etcd.kill");
    expect(removed.member).toBe(kill?.target);
    expect(r.records.some((x) => x.kind === "etcd.backup" && x.phase === "restoring")).toBe(false);
    expect(r.metrics.lostWrites).toBe(0);
  });

  it("minority crashed with replaceDeadMembers off: the cluster stays at two healthy members", () => {
    const p = prepareRun("experiments/etcd-operator-minority-crashed.yaml", {
      seed: 5,
      overrides: [{ key: "etcd.backupOperator.replaceDeadMembers", value: "false" }],
    });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const r = executeRun(p.run);
    expect(r.records.some((x) => x.kind === "etcd.backup" && x.phase === "deadMemberRemoved")).toBe(false);
    const healthy = r.expectations.find((e) => e.that === "etcd.membersHealthy == 3");
    expect(healthy?.passed).toBe(false);
  });

  /** Runs an etcd-operator experiment with these steps (YAML lines under `steps:`). */
  function runSteps(steps: string, duration = "6m") {
    const dir = mkdtempSync(join(tmpdir(), "quorate-etcd-operator-"));
    try {
      const file = join(dir, "x.yaml");
      writeFileSync(
        file,
        `apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata:\n  name: x\nspec:\n  model: etcd-operator\n  duration: ${duration}\n  steps:\n${steps}`,
      );
      return runExperiment(file, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const phases = (r: ReturnType<typeof runExperiment>) =>
    r.records.filter((x) => x.kind === "etcd.backup" && x.phase !== "saved").map((x) => `${x.phase}`);

  it("a crashed etcd that systemd restarted before the reconcile still counts as a dead pod", () => {
    const r = runSteps(
      "    - at: 2m\n      do: etcd.kill\n      target: cp-1\n    - after: 1s\n      do: etcd.start\n      target: cp-1\n",
    );
    expect(phases(r)).toEqual(["deadMemberRemoved", "memberAdded", "replaced"]);
  });

  it("a pod whose node is off is replaced by a new pod, so a second failure is again a minority", () => {
    const r = runSteps(
      "    - at: 2m\n      do: vm.powerOff\n      target: cp-1\n    - at: 3m\n      do: etcd.kill\n      target: cp-2\n",
    );
    const p = phases(r);
    expect(p).toEqual([
      "deadMemberRemoved",
      "memberAdded",
      "replaced",
      "deadMemberRemoved",
      "memberAdded",
      "replaced",
    ]);
    const added = r.records.filter((x) => x.kind === "etcd.backup" && x.phase === "memberAdded");
    expect(added.map((x) => x.member)).toEqual(["cp-3", "cp-4"]);
  });
});
