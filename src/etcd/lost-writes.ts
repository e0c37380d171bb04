/**
 * "No acknowledged write is lost unless the experiment destroyed data" (etcd-raft.md §2: "no
 * committed writes are ever lost"), checked cheaply during the run and exactly at its end.
 *
 * The surviving state is the keyspace of the most advanced member whose data directory is intact
 * in the newest cluster lineage ({@link EtcdCluster.survivingStore}). An acknowledged write missing
 * from it is:
 * - a safety violation (`invariant.violated {invariant: "ackedWriteLost"}`) when the experiment
 *   destroyed no data;
 * - otherwise a measured loss (RPO): `etcd.writes.lost {count, firstAckUs, lastAckUs, spanUs,
 *   reasons}` at the end of the run, where the span is the time between the first and the last
 *   lost write's acknowledgement.
 * The metric `lostWrites` is the count either way.
 *
 * During the run the check looks only at writes acknowledged more than `graceUs` ago (the most
 * advanced member has applied them by then), every `intervalUs`, and only until data is destroyed.
 */
import type { Simulation } from "../sim/simulation.js";
import { type Micros, SECOND } from "../sim/time.js";
import type { EtcdCluster } from "./cluster.js";
import type { LostWrites, WriteLedger } from "./write-ledger.js";

/** Checks a ledger against the cluster. */
export class LostWriteMonitor {
  private reportedViolation = false;
  private lost: LostWrites | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: EtcdCluster,
    private readonly ledger: WriteLedger,
    private readonly intervalUs: Micros = 10 * SECOND,
    private readonly graceUs: Micros = 5 * SECOND,
  ) {}

  /** Starts the periodic check. */
  start(): void {
    const tick = (): void => {
      if (this.cluster.destructions.length > 0 || this.reportedViolation) return;
      this.checkNow(this.sim.now - this.graceUs);
      this.sim.after(this.intervalUs, tick);
    };
    this.sim.after(this.intervalUs, tick);
  }

  /** The loss found by `finish`, if it ran. */
  get result(): LostWrites | undefined {
    return this.lost;
  }

  private checkNow(ackedBeforeUs: number): LostWrites {
    const store = this.cluster.survivingStore();
    const lost = this.ledger.missingFrom(store?.appliedWrites, ackedBeforeUs);
    if (lost.count > 0 && this.cluster.destructions.length === 0 && !this.reportedViolation) {
      // A running cluster with no member data at all is not a loss yet (everything may be off).
      if (store === undefined) return lost;
      this.reportedViolation = true;
      const [a, b] = lost.ranges[0]!;
      this.sim.emit("invariant.violated", "etcd", {
        invariant: "ackedWriteLost",
        message: `${lost.count} acknowledged write(s) missing from the surviving state (first: #${a}${b > a ? `..#${b}` : ""}) although no data was destroyed`,
      });
    }
    return lost;
  }

  /** The end-of-run check; emits the loss record and the `lostWrites` metric. */
  finish(): LostWrites {
    const lost = this.checkNow(Number.POSITIVE_INFINITY);
    this.lost = lost;
    if (lost.count > 0 && this.cluster.destructions.length > 0) {
      const first = lost.firstAckUs;
      const last = lost.lastAckUs;
      this.sim.emit("etcd.writes.lost", "etcd", {
        count: lost.count,
        firstAckUs: first ?? null,
        lastAckUs: last ?? null,
        spanUs: first !== undefined && last !== undefined ? last - first : null,
        reasons: this.cluster.destructions.map((d) => d.reason),
      });
    } else if (lost.count > 0 && !this.reportedViolation) {
      this.reportedViolation = true;
      this.sim.emit("invariant.violated", "etcd", {
        invariant: "ackedWriteLost",
        message: `${lost.count} acknowledged write(s) are missing from the surviving state (no member holds the data)`,
      });
    }
    this.sim.emit("metric", "lostWrites", { name: "lostWrites", value: lost.count });
    return lost;
  }
}
