/**
 * Seed 004 scenario 2-1 (cluster-restore.sh, then `forceRedeploymentReason`): the operator's
 * scale-out after the restore and the forced rollout on top of it add each lost master once. What
 * a user would check in the etcd logs and `etcdctl`: no data dir of a member is moved away,
 * and no `member add` is refused because the member exists already (audit finding 2: a step of the
 * superseded rollout kept retrying every 5 s on a healthy member).
 */
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../src/sim/time.js";
import { failures, runExperiment } from "../library/run-library.js";

/** The seeds on which the superseded retry showed up before the fix. */
const SEEDS = [1, 3, 4];
/** cluster-restore.sh runs at 5m; it moves the recovery master's own data dir away about 25 s later. */
const RESTORE_AT = 5 * MINUTE;

describe("seed 004 scenario 2-1: restore, scale-out and forced redeployment", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: each lost master is added once, and no member's data is moved away after it joined`, () => {
      const r = runExperiment("experiments/openshift-restore-from-backup.yaml", seed);
      expect(failures(r)).toEqual([]);
      const adds = r.records.filter(
        (x) => x.kind === "etcd.etcdctl" && String(x.command).startsWith("etcdctl member add"),
      );
      expect(adds.filter((x) => x.ok !== true).map((x) => `${x.command}: ${x.output}`)).toEqual([]);
      const added = new Map(adds.map((x) => [String(x.command).split(" ")[3], x.t]));
      expect([...added.keys()].sort()).toEqual(["cp-1", "cp-2"]);
      expect(adds).toHaveLength(2);
      // A data dir is moved away before its master's member is added (what a stopping etcd left
      // behind), never after: the restore's own on cp-0, at most one on each re-added master.
      const wipes = r.records.filter((x) => x.kind === "disk.wipe" && x.t > RESTORE_AT);
      for (const w of wipes) {
        const host = String(w.subject).replace("/disk", "");
        expect(w.t, `${host} wiped at ${w.t}`).toBeLessThan(added.get(host) ?? Number.POSITIVE_INFINITY);
      }
      expect(wipes.filter((x) => x.subject === "cp-0/disk")).toHaveLength(1);
      expect(wipes.length).toBeLessThanOrEqual(3);
      // The last rollout ends with three members, and nothing is retried after it.
      const done = r.records.filter((x) => x.kind === "ocp.operator" && x.phase === "rolloutDone");
      expect(done.at(-1)?.members).toBe(3);
      const last = done.at(-1)?.t ?? 0;
      expect(r.records.filter((x) => x.kind === "etcd.etcdctl" && x.t > last)).toEqual([]);
      // The data lost is what was written (20/s) between the backup (3m) and the failure (4m), up
      // to 7 s more when the stopped cp-2 was the leader: it serves with cp-0 while it tries to
      // hand leadership over to cp-1, which is already stopped (the transfer times out).
      expect(r.metrics.lostWrites).toBeGreaterThanOrEqual(55 * 20);
      expect(r.metrics.lostWrites).toBeLessThanOrEqual(68 * 20 + 40);
      expect(r.metrics.lostWritesSpanUs).toBeLessThanOrEqual(68 * SECOND);
    });
  }
});
