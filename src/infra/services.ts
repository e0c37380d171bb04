/**
 * Processes on a VM, managed the way systemd manages units on a kubeadm-on-VMs control plane
 * (seed 003: `systemctl stop etcd`, `systemctl start kube-apiserver`):
 *
 * - a unit is a factory: every start creates a fresh process object, which reads whatever it
 *   persisted from the VM's disk (in-memory state never survives a restart, as in reality);
 * - enabled units start when the guest has booted, after their own start-up delay;
 * - `stop` is `systemctl stop`: SIGTERM, the process may finish gracefully (etcd transfers
 *   leadership first, etcd-raft.md §1.12) and is killed if it has not exited by the stop timeout
 *   (systemd's TimeoutStopSec, 90 s by default);
 * - `kill` is SIGKILL; a guest that stops (power-off, reset, delete) kills every process at once.
 *
 * Trace record `unit.state {unit, from, to, reason}` on every change (`systemctl status` words:
 * activating, active, deactivating, inactive, failed).
 */
import { type Distribution, sample } from "../sim/distribution.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import { type Micros, SECOND } from "../sim/time.js";
import type { GuestEvent } from "./guest.js";
import { Listeners, type Unsubscribe } from "./listeners.js";
import type { Vm } from "./vm.js";

/** A running process. */
export interface Process {
  /**
   * SIGTERM: shut down gracefully and call `exited()` when done. The manager kills the process if
   * it has not exited by the unit's stop timeout.
   */
  terminate(exited: () => void): void;
  /** SIGKILL or the guest dying: stop at once, close sockets, run no shutdown logic. */
  kill(): void;
}

/** What a unit's factory gets to build a process. */
export interface ProcessContext {
  readonly sim: Simulation;
  readonly vm: Vm;
  readonly unit: string;
  /** Tells the manager the process died on its own (crash, fatal error, removed from the cluster). */
  exit(reason: string): void;
}

/** A unit: how to start its process, and its systemd settings. */
export interface UnitSpec {
  readonly name: string;
  /** Creates the process; the process is `active` when this returns. */
  readonly start: (ctx: ProcessContext) => Process;
  /** Started at boot (`systemctl enable`). Default true. */
  readonly enabled?: boolean;
  /** Time from `systemctl start` (or boot) to the process running. Default 1 s. */
  readonly startDelay?: Distribution;
  /** TimeoutStopSec. Default 90 s, systemd's DefaultTimeoutStopSec. */
  readonly stopTimeoutUs?: Micros;
  /** Restart=always: restart after a crash exit, after this delay (RestartSec). Default: no restart. */
  readonly restartAfterUs?: Micros;
}

/** systemctl's ActiveState. */
export type UnitState = "inactive" | "activating" | "active" | "deactivating" | "failed";

interface Unit {
  readonly spec: UnitSpec;
  state: UnitState;
  process: Process | undefined;
  pending: GuestEvent | undefined;
  /** Increases whenever the unit is (re)started or stopped, so stale callbacks are ignored. */
  generation: number;
  enabled: boolean;
}

const DEFAULT_START_DELAY: Distribution = { kind: "constant", value: SECOND };
const DEFAULT_STOP_TIMEOUT_US = 90 * SECOND;

/** The units of one VM. */
export class ServiceManager {
  private readonly units = new Map<string, Unit>();
  private readonly rng: Rng;
  private readonly changes = new Listeners<[string, UnitState, UnitState]>();

  /** While true, units start without their start-up delay (see the constructor). */
  private settled: boolean;

  /**
   * `settled`: the VM was already up when the run began, so its first boot starts the enabled
   * units at once instead of after their start-up delay (a run starts from a settled cluster).
   */
  constructor(
    private readonly sim: Simulation,
    readonly vm: Vm,
    options: { readonly settled?: boolean } = {},
  ) {
    this.settled = options.settled ?? false;
    this.rng = sim.rng.stream(`systemd/${vm.name}`);
    vm.onBooted(() => {
      for (const u of this.units.values()) if (u.enabled) this.activate(u, "boot");
      this.settled = false;
    });
    vm.onStopped((_vm, reason) => {
      for (const u of this.units.values()) this.killUnit(u, `guest ${reason}`, "inactive");
    });
  }

  /** Installs a unit. If the guest is running and the unit is enabled, it starts now. */
  add(spec: UnitSpec): void {
    if (this.units.has(spec.name)) throw new Error(`unit ${spec.name} already exists on ${this.vm.name}`);
    const unit: Unit = {
      spec,
      state: "inactive",
      process: undefined,
      pending: undefined,
      generation: 0,
      enabled: spec.enabled ?? true,
    };
    this.units.set(spec.name, unit);
    if (unit.enabled && this.vm.isGuestRunning) this.activate(unit, "install");
  }

  /** Whether a unit of that name is installed. */
  has(name: string): boolean {
    return this.units.has(name);
  }

  /** The unit's state (`inactive` for an unknown unit, as systemctl says). */
  state(name: string): UnitState {
    return this.units.get(name)?.state ?? "inactive";
  }

  /** The running process of a unit, if active. */
  process<P extends Process>(name: string): P | undefined {
    const u = this.units.get(name);
    return u?.state === "active" || u?.state === "deactivating" ? (u.process as P | undefined) : undefined;
  }

  /** `systemctl start`. No-op when already active or activating, or when the guest is not running. */
  start(name: string, reason = "systemctl start"): void {
    const u = this.require(name);
    if (!this.vm.isGuestRunning) return;
    if (u.state === "active" || u.state === "activating") return;
    this.activate(u, reason);
  }

  /** `systemctl stop`: SIGTERM, then SIGKILL after the stop timeout. */
  stop(name: string, reason = "systemctl stop"): void {
    const u = this.require(name);
    if (u.state === "activating") {
      this.cancelPending(u);
      this.setState(u, "inactive", reason);
      return;
    }
    if (u.state !== "active" || !u.process) return;
    const gen = ++u.generation;
    const proc = u.process;
    this.setState(u, "deactivating", reason);
    const timeout = this.vm.guest.after(u.spec.stopTimeoutUs ?? DEFAULT_STOP_TIMEOUT_US, () => {
      if (u.generation === gen) this.killUnit(u, "stop timeout (SIGKILL)", "failed");
    });
    u.pending = timeout;
    proc.terminate(() => {
      if (u.generation !== gen || u.process !== proc) return;
      this.vm.guest.cancel(timeout);
      u.pending = undefined;
      u.process = undefined;
      this.setState(u, "inactive", reason);
    });
  }

  /** `systemctl restart`. */
  restart(name: string, reason = "systemctl restart"): void {
    const u = this.require(name);
    if (u.state === "active") {
      this.killUnit(u, reason, "inactive");
    }
    this.start(name, reason);
  }

  /** `systemctl kill -s SIGKILL`: the process dies at once. */
  kill(name: string, reason = "SIGKILL"): void {
    this.killUnit(this.require(name), reason, "failed");
  }

  /** `systemctl enable|disable` (takes effect at the next boot). */
  setEnabled(name: string, enabled: boolean): void {
    this.require(name).enabled = enabled;
  }

  /** Unit names in installation order. */
  unitNames(): string[] {
    return [...this.units.keys()];
  }

  /** Called with (unit, from, to) on every state change. */
  onChange(fn: (unit: string, from: UnitState, to: UnitState) => void): Unsubscribe {
    return this.changes.add(fn);
  }

  private activate(u: Unit, reason: string): void {
    this.cancelPending(u);
    const gen = ++u.generation;
    this.setState(u, "activating", reason);
    const delay = this.settled ? 0 : sample(u.spec.startDelay ?? DEFAULT_START_DELAY, this.rng);
    u.pending = this.vm.guest.after(delay, () => {
      if (u.generation !== gen) return;
      u.pending = undefined;
      const ctx: ProcessContext = {
        sim: this.sim,
        vm: this.vm,
        unit: u.spec.name,
        exit: (why) => {
          if (u.generation === gen && u.state === "active") this.exited(u, why);
        },
      };
      u.process = u.spec.start(ctx);
      this.setState(u, "active", reason);
    });
  }

  private exited(u: Unit, why: string): void {
    u.process = undefined;
    u.generation++;
    this.setState(u, "failed", why);
    const restart = u.spec.restartAfterUs;
    if (restart !== undefined && this.vm.isGuestRunning) {
      const gen = u.generation;
      u.pending = this.vm.guest.after(restart, () => {
        if (u.generation === gen) this.activate(u, "Restart=always");
      });
    }
  }

  private killUnit(u: Unit, reason: string, to: UnitState): void {
    this.cancelPending(u);
    u.generation++;
    const proc = u.process;
    u.process = undefined;
    proc?.kill();
    if (u.state !== "inactive" || to !== "inactive") this.setState(u, to, reason);
  }

  private cancelPending(u: Unit): void {
    if (u.pending) this.vm.guest.cancel(u.pending);
    u.pending = undefined;
  }

  private setState(u: Unit, to: UnitState, reason: string): void {
    const from = u.state;
    if (from === to) return;
    u.state = to;
    this.sim.emit("unit.state", `${this.vm.name}/${u.spec.name}`, { unit: u.spec.name, from, to, reason });
    this.changes.notify(u.spec.name, from, to);
  }

  private require(name: string): Unit {
    const u = this.units.get(name);
    if (!u) throw new Error(`Unit ${name}.service not found on ${this.vm.name}`);
    return u;
  }
}
