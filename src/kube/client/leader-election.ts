/**
 * Leader election on a Lease, as client-go's `tools/leaderelection` runs it for
 * kube-controller-manager, kube-scheduler and kube-vip (lease 15 s, renew deadline 10 s, retry
 * period 2 s: component-base `RecommendedDefaultLeaderElectionConfiguration`; kube-vip's
 * `vip_leaseduration 15`, `vip_renewdeadline 10`, `vip_retryperiod 2`, capi-kube.md §4.4, §5).
 *
 * - A candidate tries every retry period (jittered up to ×2.2, wait.JitterUntil with factor 1.2):
 *   it reads the Lease and takes it if it is free or if the holder's record has not changed for a
 *   lease duration *as observed on the candidate's own clock*.
 * - The leader renews every retry period with an update carrying the lease's resourceVersion. A
 *   renewal cycle starts one retry period after the last success and retries every retry period;
 *   if the cycle has not succeeded within the renew deadline the leader stops leading (client-go
 *   `renew`: PollImmediateUntil under a RenewDeadline context), i.e. at most retry period + renew
 *   deadline (12 s) after its last successful renewal. The components then exit
 *   ("leaderelection lost") and are restarted by the kubelet or systemd.
 *
 * Every write is an etcd transaction through the apiserver, so without etcd quorum nobody can
 * acquire or renew: the leader steps down after the renew deadline and no one takes over.
 *
 * Trace: `kube.leader {lease, holder, event: acquired | lost}`.
 */
import type { Rng } from "../../sim/rng.js";
import type { Micros } from "../../sim/time.js";
import type { ApiResponse } from "../api/request.js";
import { makeLease } from "../objects/build.js";
import type { Lease } from "../objects/lease.js";
import type { ProcessScope, ScopeTimer } from "../process-scope.js";
import type { ApiClient } from "./client.js";

/** Lease timings. */
export interface LeaderElectionSettings {
  readonly leaseDurationUs: Micros;
  readonly renewDeadlineUs: Micros;
  readonly retryPeriodUs: Micros;
}

/** wait.JitterUntil's factor in client-go's elector. */
const JITTER_FACTOR = 1.2;

export interface LeaderElectorOptions {
  readonly namespace: string;
  readonly name: string;
  /** Holder identity (`cp-0_<random>`). */
  readonly identity: string;
  readonly settings: LeaderElectionSettings;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly emit: (kind: string, subject: string, fields: Record<string, unknown>) => void;
}

/** One candidate. */
export class LeaderElector {
  private leading = false;
  private observed: Lease | undefined;
  private observedAtUs = 0;
  /** When the current renew cycle began (its first attempt); the deadline counts from here. */
  private cycleStartUs = -1;
  private inFlight = false;
  private readonly timer: ScopeTimer;
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly scope: ProcessScope,
    private readonly rng: Rng,
    private readonly options: LeaderElectorOptions,
  ) {
    this.timer = scope.timer(() => this.tick());
    scope.onEnd(() => {
      this.stopped = true;
    });
  }

  /** True while this candidate holds the lease. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (the first attempt is immediate). */
  start(): void {
    this.timer.start(0);
  }

  private tick(): void {
    if (this.stopped || this.inFlight) return;
    const s = this.options.settings;
    const now = this.scope.now;
    if (this.leading && this.cycleStartUs < 0) this.cycleStartUs = now;
    if (this.leading && now - this.cycleStartUs >= s.renewDeadlineUs) {
      this.lose();
      return;
    }
    this.inFlight = true;
    const deadlineUs = this.leading ? this.cycleStartUs + s.renewDeadlineUs : now + s.leaseDurationUs;
    this.tryAcquireOrRenew(deadlineUs, (ok) => {
      this.inFlight = false;
      if (this.stopped) return;
      const t = this.scope.now;
      if (ok) {
        this.cycleStartUs = -1;
        if (!this.leading) {
          this.leading = true;
          this.options.emit("kube.leader", `${this.options.namespace}/${this.options.name}`, {
            lease: this.options.name,
            holder: this.options.identity,
            event: "acquired",
          });
          this.options.onStartedLeading();
          if (this.stopped) return;
        }
      } else if (this.leading && t - this.cycleStartUs >= s.renewDeadlineUs) {
        this.lose();
        return;
      }
      this.timer.start(this.leading ? s.retryPeriodUs : this.jittered(s.retryPeriodUs));
    });
  }

  /** Time left until an absolute deadline (at least 1 µs). */
  private remaining(deadlineUs: Micros): Micros {
    return Math.max(1, deadlineUs - this.scope.now);
  }

  private jittered(us: Micros): Micros {
    return Math.round(us + this.rng.float() * JITTER_FACTOR * us);
  }

  private lose(): void {
    this.leading = false;
    this.cycleStartUs = -1;
    this.options.emit("kube.leader", `${this.options.namespace}/${this.options.name}`, {
      lease: this.options.name,
      holder: this.options.identity,
      event: "lost",
    });
    this.options.onStoppedLeading();
    if (!this.stopped) this.timer.start(this.jittered(this.options.settings.retryPeriodUs));
  }

  private tryAcquireOrRenew(deadlineUs: Micros, done: (ok: boolean) => void): void {
    const o = this.options;
    const mine = this.observed;
    if (this.leading && mine && mine.spec.holderIdentity === o.identity) {
      // Renew from the cached record; fall back to a read on failure.
      this.write(mine, deadlineUs, (ok) => {
        if (ok) done(true);
        else this.readAndTry(deadlineUs, done);
      });
      return;
    }
    this.readAndTry(deadlineUs, done);
  }

  private readAndTry(deadlineUs: Micros, done: (ok: boolean) => void): void {
    const o = this.options;
    this.client.request(
      { verb: "get", resource: "leases", namespace: o.namespace, name: o.name },
      (res) => {
        if (this.stopped) return;
        const now = this.scope.now;
        if (res.status.code === 404) {
          const lease = makeLease({
            name: o.name,
            namespace: o.namespace,
            holder: o.identity,
            durationSeconds: o.settings.leaseDurationUs / 1e6,
            now,
          });
          return this.client.request(
            { verb: "create", resource: "leases", namespace: o.namespace, body: lease },
            (r) => done(this.accept(r)),
            this.remaining(deadlineUs),
          );
        }
        if (res.status.code !== 200 || !res.object) return done(false);
        const lease = res.object as Lease;
        if (!this.observed || this.observed.metadata.resourceVersion !== lease.metadata.resourceVersion) {
          this.observed = lease;
          this.observedAtUs = now;
        }
        const holder = lease.spec.holderIdentity;
        const expired = this.observedAtUs + lease.spec.leaseDurationSeconds * 1e6 <= now;
        if (holder !== "" && holder !== o.identity && !expired) return done(false);
        this.write(lease, deadlineUs, done);
      },
      this.remaining(deadlineUs),
    );
  }

  private write(current: Lease, deadlineUs: Micros, done: (ok: boolean) => void): void {
    const o = this.options;
    const now = this.scope.now;
    const takeover = current.spec.holderIdentity !== o.identity;
    const next: Lease = {
      ...current,
      spec: {
        holderIdentity: o.identity,
        leaseDurationSeconds: o.settings.leaseDurationUs / 1e6,
        acquireTimeUs: takeover ? now : current.spec.acquireTimeUs,
        renewTimeUs: now,
        leaseTransitions:
          current.spec.leaseTransitions + (takeover && current.spec.holderIdentity !== "" ? 1 : 0),
      },
    };
    this.client.request(
      { verb: "update", resource: "leases", body: next },
      (r) => done(this.accept(r)),
      this.remaining(deadlineUs),
    );
  }

  private accept(r: ApiResponse): boolean {
    if (r.status.code !== 200 && r.status.code !== 201) return false;
    if (r.object) {
      this.observed = r.object as Lease;
      this.observedAtUs = this.scope.now;
    }
    return true;
  }
}
