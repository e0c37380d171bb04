/**
 * OpenShift's machine API for the masters of an IPI cluster on vSphere, reduced to what seed 004's
 * IPI replacement procedure does with it (scenario 3: "Get machine object of unhealthy master from
 * openshift-machine-api project and save its configuration … change the name of machine … Delete
 * machine of unhealthy etcd and apply new machine's yaml"; scenario 4: "create two new machines
 * first and then delete the old ones").
 *
 * Every master has a Machine (`machine.openshift.io/v1beta1`) in the namespace
 * `openshift-machine-api`, named `<cluster>-master-<n>`; the installation's masters keep the VM
 * names of the run (`cp-<n>`). The vSphere machine controller (openshift/machine-api-operator
 * pkg/controller/vsphere/reconciler.go) does, for a Machine:
 *
 * - create: clones the RHCOS template into a VM named after the Machine (its guest hostname is
 *   the Machine's name too) and powers it on (the clone spec has `PowerOn: true`); the VM gets a
 *   new address. The installer's template has no snapshot, so this is a full clone (the provider
 *   spec's cloneMode defaults to a full clone, openshift/api machine/v1beta1); its duration is
 *   `ocp.machineCloneDuration`. The new master boots with the ignition config of the saved spec,
 *   and the cluster-etcd-operator sees a new master node (cluster-etcd-operator.ts);
 * - delete: powers the VM off (`PowerOffVM_Task`) and destroys it (`Destroy_Task`), each a vCenter
 *   task of `ocp.vcenterTaskDuration`; the etcd static pod goes with the VM ("This will delete etcd
 *   pod of that machine").
 *
 * Simplified (docs/openshift.md): the machine controller's drain of the node before the VM is
 * destroyed is not modelled (there is no Kubernetes in the profile; a master's etcd is a static
 * pod, which a drain does not evict), nor the Node object, CSR approval, the MachineHealthCheck
 * or the machine deletion hooks newer cluster-etcd-operators use to remove a deleted master's
 * member by themselves (seed 004, for 4.7, removes the member by hand). Phases: Provisioning
 * (cloning), Provisioned (VM created and powered on), Running (the guest booted, standing for the
 * node joining), Deleting; a deleted Machine is gone from the list but its spec stays known, as
 * the yaml the user saved.
 *
 * Records: `ocp.machine {phase, …}` with the Machine's name as subject — provisioning {from: the
 * copied Machine, durationUs}, provisioned {vm, address}, running {vm}, deleting {from: the phase
 * it had, vm}, poweredOff {vm}, deleted {vm}, failed {reason}.
 */
import type { Hypervisor } from "../../infra/hypervisor.js";
import type { Vm } from "../../infra/vm.js";
import { VmOperationError } from "../../infra/vm-errors.js";
import type { Simulation } from "../../sim/simulation.js";
import type { Micros } from "../../sim/time.js";
import { OperatorError } from "../operator.js";

/** Namespace of the Machine objects. */
export const MACHINE_API_NAMESPACE = "openshift-machine-api";

/** Record kind of the Machines' phases. */
export const MACHINE_KIND = "ocp.machine";

/** A Machine's phase (`status.phase`). */
export type MachinePhase = "Provisioning" | "Provisioned" | "Running" | "Deleting";

/** The part of `spec.providerSpec` (VSphereMachineProviderSpec) the model uses. */
export interface VsphereProviderSpec {
  /** The RHCOS template the VM is cloned from. */
  readonly template: string;
  /** Without a template snapshot the vSphere provider makes a full clone. */
  readonly cloneMode: "FullClone";
}

/** A master's Machine. */
export interface Machine {
  readonly name: string;
  readonly namespace: string;
  readonly providerSpec: VsphereProviderSpec;
  /** The Machine whose saved yaml this one was made from (none for the installation's). */
  readonly copiedFrom: string | undefined;
  readonly createdAtUs: Micros;
  phase: MachinePhase;
  /** The VM backing it, once the clone exists. */
  vm: string | undefined;
  /** The VM's address (`status.addresses`), once the clone exists. */
  address: string | undefined;
  deletionTimestampUs: Micros | undefined;
  /** Whether the deletion has finished (the Machine is gone). */
  deleted: boolean;
}

/** What the machine API needs from the world. */
export interface MachineApiEnvironment {
  readonly sim: Simulation;
  readonly hypervisor: Hypervisor;
  /** Duration of one clone of the template. */
  readonly cloneUs: () => Micros;
  /** Duration of one vCenter task (power-off, destroy). */
  readonly taskUs: () => Micros;
  /**
   * Creates the clone's VM, powered on, with what the master's ignition config installs (the etcd
   * static pod, the kubelet). Throws VmOperationError when the name is taken.
   */
  readonly createVm: (name: string) => Vm;
  /** The VM of a Machine was destroyed. */
  readonly vmDestroyed: (machine: Machine) => void;
}

/** The master Machines of one OpenShift cluster and their vSphere machine controller. */
export class MachineApi {
  private readonly all: Machine[] = [];

  /** Adopts the installation's masters: one Running Machine per VM, in order. */
  constructor(
    private readonly env: MachineApiEnvironment,
    readonly clusterName: string,
    masters: readonly string[],
  ) {
    const providerSpec: VsphereProviderSpec = { template: `${clusterName}-rhcos`, cloneMode: "FullClone" };
    masters.forEach((vm, i) => {
      this.all.push({
        name: `${clusterName}-master-${i}`,
        namespace: MACHINE_API_NAMESPACE,
        providerSpec,
        copiedFrom: undefined,
        createdAtUs: 0,
        phase: "Running",
        vm,
        address: env.hypervisor.vm(vm)?.address,
        deletionTimestampUs: undefined,
        deleted: false,
      });
    });
  }

  /** `oc get machines -n openshift-machine-api`: the Machines that exist, oldest first. */
  list(): readonly Machine[] {
    return this.all.filter((m) => !m.deleted);
  }

  /** The Machines created after the installation (by `oc apply`), oldest first, deleted ones too. */
  created(): readonly Machine[] {
    return this.all.filter((m) => m.copiedFrom !== undefined);
  }

  /** The Machine that exists by this name. */
  get(name: string): Machine | undefined {
    return this.all.find((m) => m.name === name && !m.deleted);
  }

  /** The existing Machine whose VM (or name) is `target`. */
  find(target: string): Machine | undefined {
    return this.all.find((m) => !m.deleted && (m.vm === target || m.name === target));
  }

  /**
   * `oc apply -f` of a saved machine yaml with a new name (providerID and status removed): a new
   * Machine with the spec of `from` (a Machine or its VM, deleted or not: the yaml was saved), which
   * the controller provisions. Throws OperatorError when the API or the user's procedure refuses.
   */
  create(name: string, from: string): Machine {
    const source = [...this.all].reverse().find((m) => m.vm === from || m.name === from);
    if (source === undefined) {
      throw new OperatorError(
        `${from} is not a master of ${MACHINE_API_NAMESPACE}: no Machine yaml to copy (machines: ${this.list()
          .map((m) => m.name)
          .join(", ")})`,
      );
    }
    if (this.get(name) !== undefined) {
      throw new OperatorError(
        `Error from server (AlreadyExists): machines.machine.openshift.io "${name}" already exists (change the name of the machine in the saved yaml)`,
      );
    }
    if (this.env.hypervisor.vm(name) !== undefined) {
      throw new OperatorError(
        `a VM named ${name} already exists in vCenter: the clone of machine ${name} would fail (DuplicateName); choose another machine name`,
      );
    }
    const { sim } = this.env;
    const machine: Machine = {
      name,
      namespace: MACHINE_API_NAMESPACE,
      providerSpec: source.providerSpec,
      copiedFrom: source.name,
      createdAtUs: sim.now,
      phase: "Provisioning",
      vm: undefined,
      address: undefined,
      deletionTimestampUs: undefined,
      deleted: false,
    };
    this.all.push(machine);
    const durationUs = this.env.cloneUs();
    sim.emit(MACHINE_KIND, name, { phase: "provisioning", from: source.name, durationUs });
    sim.after(durationUs, () => this.cloned(machine));
    return machine;
  }

  /**
   * `oc delete machine <name> -n openshift-machine-api` (by the Machine's name or its VM's): the
   * controller powers the VM off and destroys it. Throws OperatorError when there is no such
   * Machine or it is already being deleted.
   */
  delete(target: string): Machine {
    const machine = this.find(target);
    if (machine === undefined) {
      throw new OperatorError(
        `no Machine in ${MACHINE_API_NAMESPACE} is ${target} or has it as its VM (machines: ${this.list()
          .map((m) => `${m.name} (${m.vm ?? "no VM yet"})`)
          .join(", ")})`,
      );
    }
    if (machine.deletionTimestampUs !== undefined) {
      throw new OperatorError(`machine ${machine.name} is already being deleted`);
    }
    const { sim } = this.env;
    const from = machine.phase;
    machine.deletionTimestampUs = sim.now;
    machine.phase = "Deleting";
    sim.emit(MACHINE_KIND, machine.name, {
      phase: "deleting",
      from,
      ...(machine.vm ? { vm: machine.vm } : {}),
    });
    // A Machine still cloning is destroyed when its clone task ends (see cloned).
    if (machine.vm !== undefined) sim.after(this.env.taskUs(), () => this.powerOff(machine));
    return machine;
  }

  private cloned(machine: Machine): void {
    const { sim } = this.env;
    let vm: Vm;
    try {
      vm = this.env.createVm(machine.name);
    } catch (e) {
      if (!(e instanceof VmOperationError)) throw e;
      sim.emit(MACHINE_KIND, machine.name, { phase: "failed", reason: e.message });
      if (machine.deletionTimestampUs !== undefined) this.gone(machine);
      return;
    }
    machine.vm = vm.name;
    machine.address = vm.address;
    if (machine.deletionTimestampUs !== undefined) {
      sim.emit(MACHINE_KIND, machine.name, { phase: "provisioned", vm: vm.name, address: vm.address });
      sim.after(this.env.taskUs(), () => this.powerOff(machine));
      return;
    }
    machine.phase = "Provisioned";
    sim.emit(MACHINE_KIND, machine.name, { phase: "provisioned", vm: vm.name, address: vm.address });
    vm.onBooted(() => {
      if (machine.phase !== "Provisioned") return;
      machine.phase = "Running";
      sim.emit(MACHINE_KIND, machine.name, { phase: "running", vm: vm.name });
    });
  }

  private powerOff(machine: Machine): void {
    const { sim, hypervisor } = this.env;
    const vm = machine.vm === undefined ? undefined : hypervisor.vm(machine.vm);
    if (vm === undefined) {
      // Destroyed out of band meanwhile: "vm does not exist", nothing left to do.
      this.gone(machine);
      return;
    }
    if (vm.state === "poweredOn" || vm.state === "suspended") {
      vm.powerOff(`machine-api: PowerOffVM_Task for machine ${machine.name}`);
      sim.emit(MACHINE_KIND, machine.name, { phase: "poweredOff", vm: vm.name });
    }
    sim.after(this.env.taskUs(), () => {
      if (hypervisor.vm(vm.name) === vm) vm.delete(`machine-api: Destroy_Task for machine ${machine.name}`);
      this.gone(machine);
    });
  }

  private gone(machine: Machine): void {
    machine.deleted = true;
    this.env.sim.emit(MACHINE_KIND, machine.name, {
      phase: "deleted",
      ...(machine.vm ? { vm: machine.vm } : {}),
    });
    this.env.vmDestroyed(machine);
  }
}
