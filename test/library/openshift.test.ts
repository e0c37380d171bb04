/**
 * The OpenShift incidents of seed 004 (experiments/openshift-*.yaml) hold their expectations for
 * several seeds, and the cluster-etcd-operator really does what the seed says it does: re-adds the
 * removed member on a forced redeployment, scales out after a restore, and stays idle when etcd
 * heals on its own. (`for s in 1..20` over the CLI checks the full 20 seeds.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SECOND } from "../../src/sim/time.js";
import type { TraceRecord } from "../../src/sim/trace.js";
import { failures, runExperiment } from "./run-library.js";

const dir = mkdtempSync(join(tmpdir(), "quorate-openshift-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** An experiment file on the openshift model around `spec` (without `spec:`). */
function inline(spec: string): string {
  const path = join(dir, `e${files++}.yaml`);
  const models = join(process.cwd(), "models", "openshift.yaml");
  writeFileSync(
    path,
    `apiVersion: quorate.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n  model: ${models}${spec}`,
  );
  return path;
}

const SEEDS = [1, 7, 13];

const ops = (records: readonly TraceRecord[], phase: string) =>
  records.filter((r) => r.kind === "ocp.operator" && r.phase === phase);

describe("seed 004 on the openshift model", () => {
  it("scenario 1: member remove + forceRedeploymentReason re-adds the member on cp-2", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-one-etcd-member-down.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      const added = ops(r.records, "nodeUpdated").filter((x) => x.action === "memberAdded");
      expect(added.map((x) => x.node)).toEqual(["cp-2"]);
      expect(ops(r.records, "rolloutDone").map((x) => x.revision)).toEqual([2]);
    }
  });

  it("scenario 2: two moved data dirs heal by snapshot with no operator action", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-two-data-dirs-moved.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      expect(r.records.filter((x) => x.kind === "ocp.pod").length, `seed ${seed}`).toBeGreaterThanOrEqual(2);
    }
  });

  it("scenario 2-1: cluster-restore.sh then a forced redeployment; writes after the backup are lost", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-restore-from-backup.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      const scripts = r.records.filter((x) => x.kind === "ocp.script").map((x) => `${x.script}:${x.phase}`);
      expect(scripts).toContain("cluster-restore.sh:restored");
    }
  });

  it("scenario 3: a replaced master gets a member without any command", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-replace-one-master.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      expect(ops(r.records, "rolloutStarted")[0]?.reason).toBe("new master node cp-2");
    }
  });

  it("scenario 4: restore on the remaining master, two new masters join", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-replace-two-masters.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      const added = ops(r.records, "nodeUpdated").filter((x) => x.action === "memberAdded");
      expect(added.map((x) => x.node).sort()).toEqual(["cp-1", "cp-2"]);
    }
  });

  it("quorum-restore.sh: force-new-cluster from local data loses nothing when run on the leader", () => {
    for (const seed of SEEDS) {
      const r = runExperiment("experiments/openshift-quorum-restore.yaml", seed);
      expect(failures(r), `seed ${seed}`).toEqual([]);
    }
  });

  it("refuses recovery scripts that cannot run: a master that is down, no backup, no local data", () => {
    const r = runExperiment(
      inline(`
  duration: 3m
  steps:
    - at: 1m
      do: vm.powerOff
      target: cp-2
    - at: 1m10s
      do: ocp.quorumRestore
      target: cp-2
    - at: 1m20s
      do: ocp.clusterRestore
      target: cp-0
    - at: 1m30s
      do: etcd.stop
      target: cp-1
    - after: 0s
      do: etcd.wipe
      target: cp-1
    - at: 2m
      do: ocp.quorumRestore
      target: cp-1
`),
      1,
    );
    const failed = r.records.filter((x) => x.kind === "step.failed").map((x) => `${x.action}: ${x.reason}`);
    expect(failed).toEqual([
      "ocp.quorumRestore: cp-2 is not running (its guest OS is notRunning)",
      "ocp.clusterRestore: cluster-restore.sh needs a backup: none was saved",
      "ocp.quorumRestore: quorum-restore.sh needs the local etcd data dir, and cp-1 has none",
    ]);
  });

  it("the kubelet restarts a crashed etcd pod with a doubling back-off", () => {
    const r = runExperiment(
      inline(`
  duration: 3m
  steps:
    - at: 1m
      do: etcd.kill
      target: cp-1
    - at: 1m20s
      do: etcd.kill
      target: cp-1
`),
      1,
    );
    const backOffs = r.records.filter((x) => x.kind === "ocp.pod").map((x) => [x.t, x.delayUs]);
    expect(backOffs).toEqual([
      [60 * SECOND, 10 * SECOND],
      [80 * SECOND, 20 * SECOND],
    ]);
    const starts = r.records.filter(
      (x) => x.kind === "unit.state" && x.subject === "cp-1/etcd" && x.to === "activating" && x.t > 0,
    );
    // Each restart comes at the pod worker's first sync after the back-off (kubelet re-syncs a
    // failed pod every 10 s with up to 50 % jitter: ocp.podSyncRetry).
    expect(starts).toHaveLength(2);
    const [first, second] = starts.map((x) => x.t);
    expect(first).toBeGreaterThanOrEqual(70 * SECOND);
    expect(first).toBeLessThanOrEqual(85 * SECOND);
    expect(second).toBeGreaterThanOrEqual(100 * SECOND);
    expect(second).toBeLessThanOrEqual(115 * SECOND);
  });
});
