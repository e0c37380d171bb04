/**
 * An HAProxy-style TCP load balancer with active health checks, as CAPV used in front of the
 * kube-apiservers before kube-vip (capi-kube.md §4.4, seed 000's "HAProxy dashboard").
 *
 * Health semantics follow HAProxy's documentation (doc/configuration.txt `rise`, `fall`, `inter`,
 * `fastinter`, `downinter`, `init-state`) and its check counter: a backend's health runs from 0 to
 * rise + fall − 1; it is UP while health ≥ rise. A failure takes one step down, and from UP drops
 * straight to 0 (DOWN) when health falls below rise; a success takes one step up, and jumps to
 * the top (fully UP) as soon as health reaches rise. So a fully-UP backend goes DOWN after exactly
 * `fall` consecutive failures and a fully-DOWN one comes UP after exactly `rise` successes.
 * The next check starts one interval after the previous one *finished*: `inter` when fully UP,
 * `downinter` when fully DOWN, `fastinter` in between. First checks are staggered over `inter`
 * (backend i of n starts at inter × i / n), as HAProxy spreads its checks at start-up.
 *
 * The check itself is pluggable (`HealthCheck`): a TCP connect through the network now
 * (`tcpConnectCheck`), an HTTP GET /readyz on the apiserver later. The LB enforces the check timeout.
 *
 * Trace records: `lb.backend` on every UP/DOWN transition (with a line like HAProxy's log),
 * `lb.check` for each check that moves the health counter (the checks HAProxy logs), `lb.available`
 * when the last backend goes DOWN ("backend … has no server available!") or the first comes back,
 * `lb.backendAdded` / `lb.backendRemoved`.
 */
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import { type CheckDetail, type CheckStatus, describeCheck } from "./check-status.js";
import {
  type BackendTarget,
  type BalanceAlgorithm,
  type CheckTimeouts,
  checkTimeouts,
  HAPROXY_DEFAULT_CHECKS,
  type HealthCheckSettings,
  type InitState,
  validateCheckSettings,
} from "./lb-config.js";
import { Listeners, type Unsubscribe } from "./listeners.js";

/** Reports a check's outcome; calls after the first (or after the LB timed the check out) are ignored. */
export type CheckDone = (ok: boolean, detail?: CheckDetail) => void;

/** Runs one health check of `backend` and calls `done` with the result. */
export type HealthCheck = (backend: BackendTarget, done: CheckDone, timeouts: CheckTimeouts) => void;

/** Options of a load balancer. Omitted check settings take HAProxy's defaults. */
export interface LoadBalancerOptions extends Partial<HealthCheckSettings> {
  /** Backend name in HAProxy terms (e.g. `kube_api_backend`); the trace subject prefix. */
  readonly name: string;
  /** Balancing algorithm. Default `roundrobin` (HAProxy's default). */
  readonly balance?: BalanceAlgorithm;
  /** State of backends when added. Default `fully-up` (a run starts with a settled cluster). */
  readonly initState?: InitState;
  /** The health check. */
  readonly check: HealthCheck;
  /** Backends present from the start, in server-line order. */
  readonly backends?: readonly BackendTarget[];
}

/** The last check of a backend. */
export interface LastCheck {
  readonly ok: boolean;
  readonly status: CheckStatus;
  readonly reason: string;
  /** When the check finished. */
  readonly at: Micros;
  readonly durationUs: Micros;
}

/** One row of the backend table (the HAProxy stats page). */
export interface BackendRow {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** UP or DOWN. */
  readonly status: "UP" | "DOWN";
  /** As HAProxy's stats page shows it: `UP`, `UP 2/3` (going down), `DOWN 1/5` (going up), `DOWN`. */
  readonly statusText: string;
  /** The check counter, 0 … rise + fall − 1. */
  readonly health: number;
  readonly lastCheck: LastCheck | undefined;
  /** "LastChk" as HAProxy shows it, e.g. `L4TOUT in 5000ms`. */
  readonly lastCheckText: string;
  /** Failed checks so far ("Chk"). */
  readonly failedChecks: number;
  /** UP → DOWN transitions so far ("Dwn"). */
  readonly downTransitions: number;
  /** When the status last changed (or the backend was added). */
  readonly lastChangeAt: Micros;
  /** Total time DOWN so far ("Dwntme"), including the current stretch. */
  readonly downtimeUs: Micros;
}

class Backend {
  health = 0;
  checkEvent = -1;
  deadlineEvent = -1;
  token = 0;
  inCheck = false;
  checkStartedAt = 0;
  lastCheck: LastCheck | undefined;
  failedChecks = 0;
  downTransitions = 0;
  lastChangeAt: Micros;
  downSince: Micros | undefined;
  downtimeUs = 0;
  removed = false;

  constructor(
    readonly target: BackendTarget,
    now: Micros,
  ) {
    this.lastChangeAt = now;
  }
}

/** A load balancer with health-checked backends. */
export class LoadBalancer {
  /** Backend name in HAProxy terms. */
  readonly name: string;
  private readonly settings: HealthCheckSettings;
  private readonly balance: BalanceAlgorithm;
  private readonly initState: InitState;
  private readonly check: HealthCheck;
  private readonly timeouts: CheckTimeouts;
  private readonly maxHealth: number;
  private backends: Backend[] = [];
  private rrNext = 0;
  private stopped = false;
  private readonly changes = new Listeners<[BackendTarget, boolean]>();

  constructor(
    private readonly sim: Simulation,
    options: LoadBalancerOptions,
  ) {
    this.name = options.name;
    this.settings = {
      interUs: options.interUs ?? HAPROXY_DEFAULT_CHECKS.interUs,
      rise: options.rise ?? HAPROXY_DEFAULT_CHECKS.rise,
      fall: options.fall ?? HAPROXY_DEFAULT_CHECKS.fall,
      ...(options.fastinterUs !== undefined ? { fastinterUs: options.fastinterUs } : {}),
      ...(options.downinterUs !== undefined ? { downinterUs: options.downinterUs } : {}),
      ...(options.timeoutCheckUs !== undefined ? { timeoutCheckUs: options.timeoutCheckUs } : {}),
      ...(options.timeoutConnectUs !== undefined ? { timeoutConnectUs: options.timeoutConnectUs } : {}),
      ...(options.spreadChecksPercent !== undefined
        ? { spreadChecksPercent: options.spreadChecksPercent }
        : {}),
    };
    validateCheckSettings(this.settings);
    this.balance = options.balance ?? "roundrobin";
    this.initState = options.initState ?? "fully-up";
    this.check = options.check;
    this.timeouts = checkTimeouts(this.settings);
    this.maxHealth = this.settings.rise + this.settings.fall - 1;
    const initial = options.backends ?? [];
    initial.forEach((t, i) => {
      const b = this.insert(t);
      this.scheduleCheck(b, Math.floor((this.settings.interUs * i) / initial.length));
    });
  }

  /** The settings in force. */
  get checkSettings(): HealthCheckSettings {
    return this.settings;
  }

  /** Adds a backend (in its `initState`); its first check starts at once. */
  addBackend(target: BackendTarget): void {
    const b = this.insert(target);
    this.scheduleCheck(b, 0);
  }

  /** Removes a backend; a check in progress is ignored. False if there was none by that name. */
  removeBackend(name: string): boolean {
    const i = this.backends.findIndex((b) => b.target.name === name);
    if (i < 0) return false;
    const b = this.backends[i]!;
    const wasAvailable = this.upCount > 0;
    this.cancelTimers(b);
    b.removed = true;
    this.backends = this.backends.filter((x) => x !== b);
    if (this.rrNext > i) this.rrNext--;
    this.sim.emit("lb.backendRemoved", `${this.name}/${name}`, {});
    this.emitAvailability(wasAvailable);
    return true;
  }

  /**
   * The backend that gets a new connection, or undefined when every backend is DOWN. `first`: the
   * first UP backend in server order. `roundrobin`: the next UP backend after the previous pick.
   */
  pick(): BackendTarget | undefined {
    const i = this.choose();
    if (i < 0) return undefined;
    if (this.balance === "roundrobin") this.rrNext = (i + 1) % this.backends.length;
    return this.backends[i]!.target;
  }

  /** What `pick` would return, without counting as a connection. */
  peek(): BackendTarget | undefined {
    const i = this.choose();
    return i < 0 ? undefined : this.backends[i]!.target;
  }

  /** True when the named backend is UP. */
  isUp(name: string): boolean {
    const b = this.backends.find((x) => x.target.name === name);
    return b !== undefined && this.up(b);
  }

  /** Number of UP backends. */
  get upCount(): number {
    let n = 0;
    for (const b of this.backends) if (this.up(b)) n++;
    return n;
  }

  /** Called on every UP/DOWN transition with the backend and whether it is now UP. */
  onChange(fn: (backend: BackendTarget, up: boolean) => void): Unsubscribe {
    return this.changes.add(fn);
  }

  /** Stops all checks (the LB itself is shut down); backends keep their last state. */
  stop(): void {
    this.stopped = true;
    for (const b of this.backends) this.cancelTimers(b);
  }

  /** The backend table, in server order. */
  snapshot(): BackendRow[] {
    const now = this.sim.now;
    return this.backends.map((b) => {
      const up = this.up(b);
      const s = this.settings;
      let statusText: string;
      if (up) statusText = b.health === this.maxHealth ? "UP" : `UP ${b.health - s.rise + 1}/${s.fall}`;
      else statusText = b.health === 0 ? "DOWN" : `DOWN ${b.health}/${s.rise}`;
      const lc = b.lastCheck;
      return {
        name: b.target.name,
        host: b.target.host,
        port: b.target.port,
        status: up ? "UP" : "DOWN",
        statusText,
        health: b.health,
        lastCheck: lc,
        lastCheckText: lc ? `${lc.status} in ${Math.round(lc.durationUs / 1000)}ms` : "",
        failedChecks: b.failedChecks,
        downTransitions: b.downTransitions,
        lastChangeAt: b.lastChangeAt,
        downtimeUs: b.downtimeUs + (b.downSince !== undefined ? now - b.downSince : 0),
      };
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private insert(target: BackendTarget): Backend {
    if (this.backends.some((b) => b.target.name === target.name)) {
      throw new Error(`load balancer ${this.name}: backend "${target.name}" already exists`);
    }
    const wasAvailable = this.upCount > 0;
    const b = new Backend(target, this.sim.now);
    const { rise } = this.settings;
    b.health = { "fully-up": this.maxHealth, up: rise, down: rise - 1, "fully-down": 0 }[this.initState];
    if (!this.up(b)) b.downSince = this.sim.now;
    this.backends = [...this.backends, b];
    this.sim.emit("lb.backendAdded", `${this.name}/${target.name}`, {
      host: target.host,
      port: target.port,
      status: this.up(b) ? "UP" : "DOWN",
      initState: this.initState,
    });
    this.emitAvailability(wasAvailable);
    return b;
  }

  private up(b: Backend): boolean {
    return b.health >= this.settings.rise;
  }

  private choose(): number {
    const list = this.backends;
    const n = list.length;
    if (n === 0) return -1;
    const start = this.balance === "first" ? 0 : this.rrNext % n;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (this.up(list[i]!)) return i;
    }
    return -1;
  }

  private scheduleCheck(b: Backend, delayUs: Micros): void {
    if (this.stopped || b.removed) return;
    b.checkEvent = this.sim.after(delayUs, () => this.runCheck(b));
  }

  private runCheck(b: Backend): void {
    b.checkEvent = -1;
    if (this.stopped || b.removed) return;
    const token = ++b.token;
    b.inCheck = true;
    b.checkStartedAt = this.sim.now;
    b.deadlineEvent = this.sim.after(this.timeouts.totalTimeoutUs, () => {
      b.deadlineEvent = -1;
      this.finishCheck(b, token, false, { status: "L4TOUT" });
    });
    this.check(b.target, (ok, detail) => this.finishCheck(b, token, ok, detail), this.timeouts);
  }

  private finishCheck(b: Backend, token: number, ok: boolean, detail: CheckDetail | undefined): void {
    if (b.removed || this.stopped || !b.inCheck || token !== b.token) return;
    b.inCheck = false;
    if (b.deadlineEvent >= 0) this.sim.cancel(b.deadlineEvent);
    b.deadlineEvent = -1;
    const now = this.sim.now;
    const status: CheckStatus = detail?.status ?? (ok ? "L4OK" : "L4CON");
    const reason = describeCheck(status, detail);
    const durationUs = now - b.checkStartedAt;
    b.lastCheck = { ok, status, reason, at: now, durationUs };
    if (!ok) b.failedChecks++;
    this.applyResult(b, ok, reason, durationUs);
    this.scheduleCheck(b, this.nextInterval(b));
  }

  private applyResult(b: Backend, ok: boolean, reason: string, durationUs: Micros): void {
    const { rise, fall } = this.settings;
    const wasUp = this.up(b);
    const before = b.health;
    if (ok) {
      if (b.health < this.maxHealth) {
        b.health++;
        if (b.health >= rise) b.health = this.maxHealth;
      }
    } else if (b.health > 0) {
      b.health--;
      if (b.health < rise) b.health = 0;
    }
    if (b.health === before) return;
    const subject = `${this.name}/${b.target.name}`;
    const isUp = this.up(b);
    if (wasUp === isUp) {
      const progress = isUp ? `${b.health - rise + 1}/${fall} UP` : `${b.health}/${rise} DOWN`;
      this.sim.emit("lb.check", subject, {
        ok,
        reason,
        checkDurationUs: durationUs,
        status: progress,
        message: `Health check for server ${subject} ${ok ? "succeeded" : "failed"}, reason: ${reason}, check duration: ${Math.round(durationUs / 1000)}ms, status: ${progress}.`,
      });
      return;
    }
    this.transition(b, isUp, reason, durationUs);
  }

  private transition(b: Backend, isUp: boolean, reason: string, durationUs: Micros): void {
    const now = this.sim.now;
    const subject = `${this.name}/${b.target.name}`;
    b.lastChangeAt = now;
    if (isUp) {
      if (b.downSince !== undefined) b.downtimeUs += now - b.downSince;
      b.downSince = undefined;
    } else {
      b.downSince = now;
      b.downTransitions++;
    }
    const active = this.upCount;
    const tail = isUp
      ? `${active} active and 0 backup servers online`
      : `${active} active and 0 backup servers left`;
    this.sim.emit("lb.backend", subject, {
      from: isUp ? "DOWN" : "UP",
      to: isUp ? "UP" : "DOWN",
      reason,
      checkDurationUs: durationUs,
      active,
      message: `Server ${subject} is ${isUp ? "UP" : "DOWN"}, reason: ${reason}, check duration: ${Math.round(durationUs / 1000)}ms. ${tail}.`,
    });
    this.emitAvailability(isUp ? active - 1 > 0 : active + 1 > 0);
    this.changes.notify(b.target, isUp);
  }

  private emitAvailability(wasAvailable: boolean): void {
    const up = this.upCount;
    const available = up > 0;
    if (available === wasAvailable) return;
    this.sim.emit("lb.available", this.name, {
      available,
      up,
      message: available
        ? `backend ${this.name} has ${up} server(s) available`
        : `backend ${this.name} has no server available!`,
    });
  }

  private nextInterval(b: Backend): Micros {
    const s = this.settings;
    let us: Micros;
    if (b.health === this.maxHealth) us = s.interUs;
    else if (b.health === 0) us = s.downinterUs ?? s.interUs;
    else us = s.fastinterUs ?? s.interUs;
    const spread = s.spreadChecksPercent ?? 0;
    if (spread > 0) {
      const r = (us * spread) / 100;
      us = Math.round(us + r - 2 * r * this.sim.rng.stream(`lb/${this.name}`).float());
    }
    return us;
  }

  private cancelTimers(b: Backend): void {
    if (b.checkEvent >= 0) this.sim.cancel(b.checkEvent);
    if (b.deadlineEvent >= 0) this.sim.cancel(b.deadlineEvent);
    b.checkEvent = -1;
    b.deadlineEvent = -1;
    b.inCheck = false;
  }
}
