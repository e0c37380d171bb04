/**
 * Where the Cluster API controllers run (issue 5 item 1):
 *
 * - `separate`: a management cluster of its own (a kind bootstrap cluster, TKGS's Supervisor). Its
 *   API is modelled as always available — its own failures are out of scope — so the controllers
 *   always run, and they see the workload cluster only through its endpoint.
 * - `self-hosted`: after `clusterctl move` the controllers run as Pods on the workload cluster
 *   itself and keep their objects in its etcd (seed 000). controller-runtime's leader election
 *   renews a Lease through the workload API every retry period (2 s); when no renewal succeeds
 *   within the renew deadline (10 s) the manager exits and every controller stops; a restarted
 *   manager must wait until the old lease has expired (15 s after the last renewal) and the API
 *   accepts its write before it leads again (the 15 s / 10 s / 2 s defaults of capi-kube.md §5).
 *   So when the workload cluster loses quorum, CAPI stops — "CAPV can't do anything because it
 *   isn't alive anymore" — and comes back once quorum does.
 *
 * Trace: `capi.controllers {running, message}` on every change.
 */
import type { Simulation } from "../sim/simulation.js";
import { type Micros, SECOND } from "../sim/time.js";
import type { WorkloadClusterApi } from "./workload/api.js";

/** Where the controllers run. */
export type PlacementMode = "separate" | "self-hosted";

/** Leader-election timings of the controller manager. */
export interface LeaderElectionTimings {
  readonly leaseDurationUs: Micros;
  readonly renewDeadlineUs: Micros;
  readonly retryPeriodUs: Micros;
}

/** controller-runtime's defaults (15 s / 10 s / 2 s). */
export const DEFAULT_LEADER_ELECTION: LeaderElectionTimings = {
  leaseDurationUs: 15 * SECOND,
  renewDeadlineUs: 10 * SECOND,
  retryPeriodUs: 2 * SECOND,
};

/** Runs or stops the controllers according to the placement. */
export class ControllerPlacement {
  private runningFlag = true;
  private lastRenewUs: Micros;
  private lastWriteOk = true;
  private readonly listeners: ((running: boolean) => void)[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly mode: PlacementMode,
    private readonly api: WorkloadClusterApi,
    private readonly timings: LeaderElectionTimings = DEFAULT_LEADER_ELECTION,
  ) {
    this.lastRenewUs = sim.now;
  }

  /** True while the controllers run. */
  get running(): boolean {
    return this.runningFlag;
  }

  /** Whether a user's write to the management API (kubectl on Machines) can succeed now. */
  get managementApiAvailable(): boolean {
    return this.mode === "separate" || this.lastWriteOk;
  }

  /** Called when the controllers stop (false) or start (true). */
  onChange(fn: (running: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** Starts leader election (self-hosted only). */
  start(): void {
    if (this.mode === "separate") return;
    this.sim.after(this.timings.retryPeriodUs, () => this.tick());
  }

  /** One renewal (or acquisition) attempt; the next starts a retry period after it ended, as in client-go. */
  private tick(): void {
    const startedUs = this.sim.now;
    this.api.renewControllerLease((ok) => {
      this.lastWriteOk = ok;
      if (this.runningFlag) {
        if (ok) this.lastRenewUs = startedUs;
        else if (this.sim.now - this.lastRenewUs >= this.timings.renewDeadlineUs) {
          this.set(
            false,
            'failed to renew lease capi-system/controller-leader-election-capi: timed out waiting for the condition; "leader election lost"',
          );
        }
      } else if (ok && startedUs >= this.lastRenewUs + this.timings.leaseDurationUs) {
        this.lastRenewUs = startedUs;
        this.set(true, "successfully acquired lease capi-system/controller-leader-election-capi");
      }
      this.sim.after(this.timings.retryPeriodUs, () => this.tick());
    });
  }

  private set(running: boolean, message: string): void {
    if (this.runningFlag === running) return;
    this.runningFlag = running;
    this.sim.emit("capi.controllers", "capi-controller-manager", { running, message });
    for (const l of this.listeners) l(running);
  }
}
