/**
 * A virtual machine as vSphere presents it: power state `poweredOn | poweredOff | suspended` (plus
 * `deleted` once destroyed), a guest OS that takes a boot duration to come up after power-on, one disk,
 * and the out-of-band operations an operator (or a controller) performs: powerOn, powerOff (hard),
 * reset, suspend, shutdownGuest (graceful, through VMware Tools) and delete.
 *
 * What processes on the VM see (the hooks for the etcd, kubelet and static-pod layers):
 * - `onBooted`: the guest reached its default target; systemd starts the enabled units;
 * - `onShutdownRequested`: a graceful guest shutdown began; units get SIGTERM and a few seconds;
 * - `onStopped(reason)`: the guest is gone (power-off, reset, delete, or the end of a shutdown);
 *   processes die without running shutdown code, unsynced disk writes are lost;
 * - `onSuspended` / `onResumed`; and `guest`, a clock whose timers die with the guest and freeze while
 *   it is suspended.
 *
 * The network sees the host as up only while the guest runs: during boot and power-off packets go
 * unanswered (timeouts); once booted, a port nobody listens on is refused. Operations that vSphere
 * refuses throw `VmOperationError` (e.g. powerOn of a running VM: InvalidPowerState, as
 * `PowerOnVM_Task` does); `delete` of a running VM powers it off first, as vCenter users and CAPV's
 * DestroyVM do (capi-kube.md §4.1–4.2).
 *
 * Trace records: `vm.power {from, to, reason}`, `vm.reset`, `vm.booted {bootUs}`, `vm.guestShutdown`,
 * `vm.deleted` (and `vm.created` from the hypervisor).
 */
import { type Distribution, sample } from "../sim/distribution.js";
import type { EventId } from "../sim/queue.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import { Disk } from "./disk.js";
import { GuestClock } from "./guest.js";
import { Listeners, type Unsubscribe } from "./listeners.js";
import type { Network } from "./network.js";
import { invalidPowerState, VmOperationError, vmNotFound } from "./vm-errors.js";

/** vSphere power states. */
export type PowerState = "poweredOn" | "poweredOff" | "suspended";

/** A VM's state in the inventory: a power state, or deleted. */
export type VmState = PowerState | "deleted";

/** The guest OS (vSphere's guest.guestState, plus `booting`). */
export type GuestState = "notRunning" | "booting" | "running" | "shuttingDown" | "suspended";

/** Why the guest stopped. */
export type GuestStopReason = "powerOff" | "reset" | "delete" | "shutdown";

/** Internal: what a VM needs from its hypervisor. */
export interface VmEnvironment {
  readonly sim: Simulation;
  readonly network: Network | undefined;
  powerChanged(vm: Vm, from: VmState, to: VmState, reason: string): void;
}

/** Internal: a VM's fixed parameters. */
export interface VmConfig {
  readonly name: string;
  readonly uuid: string;
  readonly address: string;
  readonly bootDuration: Distribution;
  readonly shutdownDuration: Distribution;
  readonly fsyncLatency: Distribution | undefined;
  readonly rng: Rng;
}

/** One virtual machine. Create VMs through `Hypervisor.create`. */
export class Vm {
  /** Name in the inventory (not unique over time: a deleted VM's name can be reused). */
  readonly name: string;
  /** BIOS UUID, unique per VM (CAPV finds VMs by it, capi-kube.md §4.2). */
  readonly uuid: string;
  /** IP address of the guest. */
  readonly address: string;
  /** The VM's disk; destroyed with the VM. */
  readonly disk: Disk;
  /** Scheduling for processes in the guest. */
  readonly guest: GuestClock;
  /** When the VM was created. */
  readonly createdAt: Micros;

  private power: VmState = "poweredOff";
  private guestStateValue: GuestState = "notRunning";
  private guestBeforeSuspend: GuestState = "notRunning";
  private bootEvent: EventId = -1;
  private bootDueUs: Micros = 0;
  private bootStartedUs: Micros = 0;
  private bootRemainingUs: Micros = -1;
  private shutdownEvent: EventId = -1;
  private lastPowerChange: Micros;
  private bootedAtUs: Micros | undefined;
  private readonly sim: Simulation;
  private readonly booted = new Listeners<[Vm]>();
  private readonly stopped = new Listeners<[Vm, GuestStopReason]>();
  private readonly shutdownRequested = new Listeners<[Vm]>();
  private readonly suspendedListeners = new Listeners<[Vm]>();
  private readonly resumed = new Listeners<[Vm]>();

  constructor(
    private readonly env: VmEnvironment,
    private readonly config: VmConfig,
  ) {
    this.sim = env.sim;
    this.name = config.name;
    this.uuid = config.uuid;
    this.address = config.address;
    this.createdAt = env.sim.now;
    this.lastPowerChange = env.sim.now;
    this.disk = new Disk(env.sim, `${config.name}/disk`, {
      ...(config.fsyncLatency ? { fsyncLatency: config.fsyncLatency } : {}),
      rng: env.sim.rng.stream(`disk/${config.name}/${config.uuid}`),
    });
    this.guest = new GuestClock(env.sim);
  }

  // ---- state ---------------------------------------------------------------------------------

  /** Power state, or `deleted`. */
  get state(): VmState {
    return this.power;
  }

  /** The guest OS state. */
  get guestState(): GuestState {
    return this.guestStateValue;
  }

  /** True when the guest OS runs (processes can run and the host answers on the network). */
  get isGuestRunning(): boolean {
    return this.guestStateValue === "running" || this.guestStateValue === "shuttingDown";
  }

  /** When the power state last changed. */
  get lastPowerChangeAt(): Micros {
    return this.lastPowerChange;
  }

  /** When the guest last finished booting (undefined if it is not running). */
  get bootedAt(): Micros | undefined {
    return this.isGuestRunning ? this.bootedAtUs : undefined;
  }

  // ---- hooks ---------------------------------------------------------------------------------

  /** The guest finished booting: start enabled units. */
  onBooted(fn: (vm: Vm) => void): Unsubscribe {
    return this.booted.add(fn);
  }

  /** The guest stopped without warning to its processes (or at the end of a shutdown). */
  onStopped(fn: (vm: Vm, reason: GuestStopReason) => void): Unsubscribe {
    return this.stopped.add(fn);
  }

  /** A graceful guest shutdown began: units get their stop signal. */
  onShutdownRequested(fn: (vm: Vm) => void): Unsubscribe {
    return this.shutdownRequested.add(fn);
  }

  /** The VM was suspended (its processes freeze). */
  onSuspended(fn: (vm: Vm) => void): Unsubscribe {
    return this.suspendedListeners.add(fn);
  }

  /** The VM resumed from suspension. */
  onResumed(fn: (vm: Vm) => void): Unsubscribe {
    return this.resumed.add(fn);
  }

  // ---- operations ----------------------------------------------------------------------------

  /**
   * Powers the VM on: from poweredOff the guest boots (boot duration), from suspended it resumes.
   * Refused (InvalidPowerState) when already on, NotFound when deleted. `bootUs` overrides the
   * sampled boot duration (0 for machines that are already up when a run starts).
   */
  powerOn(reason = "user", bootUs?: Micros): void {
    const from = this.power;
    if (from === "deleted") throw vmNotFound(this.name, "powerOn");
    if (from === "poweredOn") throw invalidPowerState(this.name, "powerOn", from);
    this.setPower("poweredOn", reason);
    if (from === "suspended") this.resumeGuest();
    else this.startBoot(bootUs ?? sample(this.config.bootDuration, this.config.rng));
  }

  /** Hard power-off (pulls the plug on the guest). Refused when already off. */
  powerOff(reason = "user"): void {
    const from = this.power;
    if (from === "deleted") throw vmNotFound(this.name, "powerOff");
    if (from === "poweredOff") throw invalidPowerState(this.name, "powerOff", from);
    this.setPower("poweredOff", reason);
    this.stopGuest("powerOff");
  }

  /** Hard reset: the guest stops and boots again. Only when powered on. */
  reset(reason = "user"): void {
    if (this.power === "deleted") throw vmNotFound(this.name, "reset");
    if (this.power !== "poweredOn") throw invalidPowerState(this.name, "reset", this.power);
    this.sim.emit("vm.reset", this.name, { reason });
    this.stopGuest("reset");
    this.startBoot(sample(this.config.bootDuration, this.config.rng));
  }

  /** Suspends the VM (memory kept, guest frozen). Only when powered on. */
  suspend(reason = "user"): void {
    if (this.power === "deleted") throw vmNotFound(this.name, "suspend");
    if (this.power !== "poweredOn") throw invalidPowerState(this.name, "suspend", this.power);
    this.guestBeforeSuspend = this.guestStateValue;
    if (this.bootEvent >= 0) {
      this.sim.cancel(this.bootEvent);
      this.bootEvent = -1;
      this.bootRemainingUs = this.bootDueUs - this.sim.now;
    }
    if (this.shutdownEvent >= 0) {
      this.sim.cancel(this.shutdownEvent);
      this.shutdownEvent = -1;
    }
    this.guestStateValue = "suspended";
    this.guest.suspend();
    this.disk.pause();
    if (
      this.env.network &&
      this.guestBeforeSuspend !== "booting" &&
      this.guestBeforeSuspend !== "notRunning"
    ) {
      this.env.network.setHostState(this.name, "frozen");
    }
    this.setPower("suspended", reason);
    this.suspendedListeners.notify(this);
  }

  /**
   * Graceful shutdown through VMware Tools ("Shut Down Guest OS"; CAPV's soft power-off mode):
   * processes get `onShutdownRequested`, the filesystems are synced, and after the shutdown duration
   * the VM powers off. Needs a running guest (ToolsUnavailable otherwise).
   */
  shutdownGuest(reason = "user"): void {
    if (this.power === "deleted") throw vmNotFound(this.name, "shutdownGuest");
    if (this.power !== "poweredOn") throw invalidPowerState(this.name, "shutdownGuest", this.power);
    if (this.guestStateValue !== "running") {
      throw new VmOperationError(
        this.name,
        "shutdownGuest",
        "ToolsUnavailable",
        "Cannot complete operation because VMware Tools is not running in this virtual machine.",
      );
    }
    this.guestStateValue = "shuttingDown";
    const durationUs = sample(this.config.shutdownDuration, this.config.rng);
    this.sim.emit("vm.guestShutdown", this.name, { reason, durationUs });
    this.shutdownEvent = this.sim.after(durationUs, () => {
      this.shutdownEvent = -1;
      this.disk.flushAll();
      this.setPower("poweredOff", "guestShutdown");
      this.stopGuest("shutdown");
    });
    this.shutdownRequested.notify(this);
  }

  /**
   * Deletes the VM and its disk ("Delete from Disk"). A VM that is on is powered off first. The
   * name becomes free for a new VM. NotFound when already deleted.
   */
  delete(reason = "user"): void {
    if (this.power === "deleted") throw vmNotFound(this.name, "delete");
    if (this.power !== "poweredOff") {
      this.setPower("poweredOff", reason);
      this.stopGuest("delete");
    }
    this.disk.destroy();
    this.setPower("deleted", reason);
  }

  // ---- internals -----------------------------------------------------------------------------

  private setPower(to: VmState, reason: string): void {
    const from = this.power;
    this.power = to;
    this.lastPowerChange = this.sim.now;
    if (to === "deleted") this.sim.emit("vm.deleted", this.name, { uuid: this.uuid, reason });
    else this.sim.emit("vm.power", this.name, { from, to, reason });
    this.env.powerChanged(this, from, to, reason);
  }

  private startBoot(durationUs: Micros): void {
    this.guestStateValue = "booting";
    this.bootStartedUs = this.sim.now;
    this.bootDueUs = this.sim.now + durationUs;
    this.bootRemainingUs = -1;
    this.bootEvent = this.sim.after(durationUs, () => this.finishBoot());
  }

  private finishBoot(): void {
    this.bootEvent = -1;
    this.guestStateValue = "running";
    this.bootedAtUs = this.sim.now;
    this.env.network?.setHostState(this.name, "up");
    this.sim.emit("vm.booted", this.name, { bootUs: this.sim.now - this.bootStartedUs });
    this.booted.notify(this);
  }

  private resumeGuest(): void {
    const before = this.guestBeforeSuspend;
    this.guest.resume();
    this.disk.resume();
    if (before === "booting" && this.bootRemainingUs >= 0) {
      this.guestStateValue = "booting";
      this.bootDueUs = this.sim.now + this.bootRemainingUs;
      this.bootEvent = this.sim.after(this.bootRemainingUs, () => this.finishBoot());
      this.bootRemainingUs = -1;
    } else {
      // A shutdown interrupted by the suspension is abandoned; the guest just runs on.
      this.guestStateValue = before === "shuttingDown" ? "running" : before;
      if (this.isGuestRunning) this.env.network?.setHostState(this.name, "up");
    }
    this.resumed.notify(this);
  }

  private stopGuest(reason: GuestStopReason): void {
    const wasUp = this.guestStateValue !== "notRunning" && this.guestStateValue !== "booting";
    const hadBooted =
      wasUp && !(this.guestStateValue === "suspended" && this.guestBeforeSuspend === "booting");
    if (this.bootEvent >= 0) this.sim.cancel(this.bootEvent);
    if (this.shutdownEvent >= 0) this.sim.cancel(this.shutdownEvent);
    this.bootEvent = -1;
    this.shutdownEvent = -1;
    this.bootRemainingUs = -1;
    this.guestStateValue = "notRunning";
    this.env.network?.setHostState(this.name, "down");
    this.disk.crash();
    this.guest.stop();
    if (hadBooted) this.stopped.notify(this, reason);
  }
}
