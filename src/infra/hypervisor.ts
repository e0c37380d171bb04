/**
 * The inventory of VMs (what vCenter shows) and the place VMs are created. It wires each VM to the
 * network (the VM's name is its host name; the host is up while the guest runs), hands out BIOS
 * UUIDs and IP addresses deterministically, and tells watchers about power changes, as VM Operator's
 * vSphere property watcher on `summary.runtime.powerState` would learn of them (capi-kube.md §4.1).
 *
 * Trace records: `vm.created {uuid, address}`, `vm.clone {mode, durationUs}`, plus the VMs' own.
 */
import { type Distribution, sample } from "../sim/distribution.js";
import type { Rng } from "../sim/rng.js";
import type { Simulation } from "../sim/simulation.js";
import type { Micros } from "../sim/time.js";
import { AddressPool } from "./address.js";
import {
  DEFAULT_ADDRESS_BASE,
  DEFAULT_BOOT_DURATION,
  DEFAULT_FULL_CLONE_DURATION,
  DEFAULT_GUEST_SHUTDOWN_DURATION,
  DEFAULT_LINKED_CLONE_DURATION,
} from "./defaults.js";
import { Listeners, type Unsubscribe } from "./listeners.js";
import type { Network } from "./network.js";
import { type GuestState, Vm, type VmState } from "./vm.js";
import { VmOperationError, vmNotFound } from "./vm-errors.js";

/** Defaults for the VMs of one hypervisor. */
export interface HypervisorOptions {
  /** Network the VMs are attached to (hosts are added as needed). */
  readonly network?: Network;
  /** Power-on to guest running. Default `DEFAULT_BOOT_DURATION` (20–40 s). */
  readonly bootDuration?: Distribution;
  /** Guest shutdown to power-off. Default `DEFAULT_GUEST_SHUTDOWN_DURATION` (5 s). */
  readonly shutdownDuration?: Distribution;
  /** fsync latency of VM disks. Default `DEFAULT_FSYNC_LATENCY`. */
  readonly fsyncLatency?: Distribution;
  /** Linked clone duration. Default 5–10 s. */
  readonly linkedCloneDuration?: Distribution;
  /** Full clone duration. Default 90–180 s. */
  readonly fullCloneDuration?: Distribution;
  /** First IP address handed out. Default `DEFAULT_ADDRESS_BASE`. */
  readonly addressBase?: string;
}

/** Per-VM settings at creation. */
export interface VmSpec {
  /** IP address; default the next one from the pool. */
  readonly address?: string;
  /** Overrides the hypervisor's boot duration for this VM. */
  readonly bootDuration?: Distribution;
  /** Overrides the hypervisor's fsync latency for this VM's disk. */
  readonly fsyncLatency?: Distribution;
  /** Power on after creation (the guest then boots). Default false, as a vSphere clone. */
  readonly powerOn?: boolean;
  /**
   * Start with the guest already running: powered on, with a zero-length boot that completes in an
   * event at the current instant, so `onBooted` hooks registered right after `create` still run. For
   * the machines that exist when a run begins.
   */
  readonly running?: boolean;
}

/** How a VM is cloned from its template (CAPV `cloneMode`, capi-kube.md §4.3). */
export type CloneMode = "linkedClone" | "fullClone";

/** One row of the VM list, as vCenter shows it. */
export interface VmInventoryRow {
  readonly name: string;
  readonly uuid: string;
  readonly state: VmState;
  readonly guestState: GuestState;
  readonly address: string;
  readonly createdAt: Micros;
  readonly lastPowerChangeAt: Micros;
  /** When the guest last booted, if running. */
  readonly bootedAt: Micros | undefined;
}

/** A vSphere-like VM inventory. */
export class Hypervisor {
  private readonly current = new Map<string, Vm>();
  private readonly everyVm: Vm[] = [];
  private readonly addresses: AddressPool;
  private readonly rng: Rng;
  private readonly created = new Listeners<[Vm]>();
  private readonly powerChanges = new Listeners<[Vm, VmState, VmState, string]>();
  private readonly network: Network | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly options: HypervisorOptions = {},
  ) {
    this.network = options.network;
    this.addresses = new AddressPool(options.addressBase ?? DEFAULT_ADDRESS_BASE);
    this.rng = sim.rng.stream("hypervisor");
  }

  /**
   * Creates a VM (powered off unless `spec` says otherwise). The name must not belong to another
   * VM that is not deleted (vSphere's DuplicateName); a deleted VM's name may be reused, as VM
   * Operator does when it re-creates a VM (seed 001).
   */
  create(name: string, spec: VmSpec = {}): Vm {
    if (this.current.has(name)) {
      throw new VmOperationError(name, "create", "DuplicateName", `The name '${name}' already exists.`);
    }
    const address = spec.address ?? this.addresses.allocate();
    const fsyncLatency = spec.fsyncLatency ?? this.options.fsyncLatency;
    const vm = new Vm(
      {
        sim: this.sim,
        network: this.network,
        powerChanged: (v, from, to, reason) => this.powerChanged(v, from, to, reason),
      },
      {
        name,
        uuid: this.newUuid(),
        address,
        bootDuration: spec.bootDuration ?? this.options.bootDuration ?? DEFAULT_BOOT_DURATION,
        shutdownDuration: this.options.shutdownDuration ?? DEFAULT_GUEST_SHUTDOWN_DURATION,
        fsyncLatency,
        rng: this.sim.rng.stream(`vm/${name}`),
      },
    );
    const net = this.network;
    if (net) {
      if (net.hasHost(name)) {
        net.setHostState(name, "down");
        net.setHostAddress(name, address);
      } else {
        net.addHost(name, { address, state: "down" });
      }
    }
    this.current.set(name, vm);
    this.everyVm.push(vm);
    this.sim.emit("vm.created", name, { uuid: vm.uuid, address });
    this.created.notify(vm);
    if (spec.running) vm.powerOn("create", 0);
    else if (spec.powerOn) vm.powerOn("create");
    return vm;
  }

  /**
   * Clones a VM from a template: after the clone duration (linked 5–10 s, full 90–180 s) the VM
   * appears, powered off unless `spec` says otherwise. `done` gets the VM, or the error if the name
   * was taken meanwhile.
   */
  clone(
    name: string,
    spec: VmSpec & { readonly mode?: CloneMode } = {},
    done?: (result: Vm | VmOperationError) => void,
  ): void {
    const mode = spec.mode ?? "linkedClone";
    const dist =
      mode === "fullClone"
        ? (this.options.fullCloneDuration ?? DEFAULT_FULL_CLONE_DURATION)
        : (this.options.linkedCloneDuration ?? DEFAULT_LINKED_CLONE_DURATION);
    const durationUs = sample(dist, this.rng);
    this.sim.emit("vm.clone", name, { mode, durationUs });
    this.sim.after(durationUs, () => {
      let result: Vm | VmOperationError;
      try {
        result = this.create(name, spec);
      } catch (e) {
        if (!(e instanceof VmOperationError)) throw e;
        result = e;
      }
      done?.(result);
    });
  }

  /** The VM currently known by `name` (not deleted), or undefined. */
  vm(name: string): Vm | undefined {
    return this.current.get(name);
  }

  /** The VM currently known by `name`; throws NotFound if there is none. */
  require(name: string, operation = "get"): Vm {
    const vm = this.current.get(name);
    if (!vm) throw vmNotFound(name, operation);
    return vm;
  }

  /** The VM with this BIOS UUID, deleted or not. */
  byUuid(uuid: string): Vm | undefined {
    return this.everyVm.find((v) => v.uuid === uuid);
  }

  /** Powers on the VM named `name`. */
  powerOn(name: string, reason?: string): void {
    this.require(name, "powerOn").powerOn(reason);
  }

  /** Hard power-off of the VM named `name`. */
  powerOff(name: string, reason?: string): void {
    this.require(name, "powerOff").powerOff(reason);
  }

  /** Resets the VM named `name`. */
  reset(name: string, reason?: string): void {
    this.require(name, "reset").reset(reason);
  }

  /** Suspends the VM named `name`. */
  suspend(name: string, reason?: string): void {
    this.require(name, "suspend").suspend(reason);
  }

  /** Graceful guest shutdown of the VM named `name`. */
  shutdownGuest(name: string, reason?: string): void {
    this.require(name, "shutdownGuest").shutdownGuest(reason);
  }

  /** Deletes the VM named `name` (powering it off first if needed). */
  delete(name: string, reason?: string): void {
    this.require(name, "delete").delete(reason);
  }

  /** The VM list (not deleted), in creation order. */
  list(): VmInventoryRow[] {
    return this.everyVm.filter((v) => v.state !== "deleted").map(row);
  }

  /** Every VM ever created, deleted ones included, in creation order. */
  history(): VmInventoryRow[] {
    return this.everyVm.map(row);
  }

  /** A VM was created. */
  onCreated(fn: (vm: Vm) => void): Unsubscribe {
    return this.created.add(fn);
  }

  /** A VM's power state changed (to `deleted` included). */
  onPowerChange(fn: (vm: Vm, from: VmState, to: VmState, reason: string) => void): Unsubscribe {
    return this.powerChanges.add(fn);
  }

  private powerChanged(vm: Vm, from: VmState, to: VmState, reason: string): void {
    if (to === "deleted" && this.current.get(vm.name) === vm) this.current.delete(vm.name);
    this.powerChanges.notify(vm, from, to, reason);
  }

  /** A version-4-shaped UUID from the hypervisor's random stream. */
  private newUuid(): string {
    const hex = (n: number): string => {
      let s = "";
      for (let i = 0; i < n; i++) s += this.rng.int(0, 15).toString(16);
      return s;
    };
    return `42${hex(6)}-${hex(4)}-4${hex(3)}-${"89ab"[this.rng.int(0, 3)]}${hex(3)}-${hex(12)}`;
  }
}

function row(v: Vm): VmInventoryRow {
  return {
    name: v.name,
    uuid: v.uuid,
    state: v.state,
    guestState: v.guestState,
    address: v.address,
    createdAt: v.createdAt,
    lastPowerChangeAt: v.lastPowerChangeAt,
    bootedAt: v.bootedAt,
  };
}
