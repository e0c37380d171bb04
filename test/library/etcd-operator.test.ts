/**
 * The etcd operator incidents of seed 002 (experiments/etcd-operator-*.yaml) hold their
 * expectations for several seeds: backups every 30 s, a deleted pod replaced by a new member, and
 * recovery from the latest backup after quorum loss with the data loss measured.
 */
import { describe, expect, it } from "vitest";
import { failures, runExperiment } from "./run-library.js";

const SEEDS = [1, 7, 13];

describe("seed 002 on the etcd-operator model", () => {
  for (const name of [
    "etcd-operator-backup",
    "etcd-operator-minority-crashed",
    "etcd-operator-majority-crashed",
  ]) {
    it(`${name} passes for seeds ${SEEDS.join(", ")}`, () => {
      for (const seed of SEEDS) {
        expect(failures(runExperiment(`experiments/${name}.yaml`, seed)), `seed ${seed}`).toEqual([]);
      }
    });
  }

  it("majority crashed: the lost writes are those acknowledged after the restored backup", () => {
    const r = runExperiment("experiments/etcd-operator-majority-crashed.yaml", 3);
    const lost = r.records.find((x) => x.kind === "metric" && x.name === "lostWrites")?.value as number;
    const restoring = r.records.find((x) => x.kind === "etcd.backup" && x.phase === "restoring");
    const savedAt = r.records.filter(
      (x) => x.kind === "etcd.backup" && x.phase === "saved" && x.t < (restoring?.t ?? 0),
    );
    const last = savedAt.at(-1);
    expect(last?.name).toBe(restoring?.backup);
    // 20 writes/s between the last backup and the failure at 3m10s.
    const window = (190_000_000 - (last?.t ?? 0)) / 1_000_000;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(Math.ceil(window * 20) + 20);
  });
});
