/**
 * The infrastructure object of a Machine: CAPV's VSphereVM (govmomi mode) or, on a vSphere
 * Supervisor, VM Operator's VirtualMachine (capi-kube.md §4). One shape serves both; `provider`
 * says whose reconcile rules apply. The VM in the hypervisor has the same name.
 */
import type { Micros } from "../../sim/time.js";
import type { Condition } from "./conditions.js";
import type { CapiMeta } from "./meta.js";

/** Which controller owns the VM. */
export type InfraProvider = "capv" | "vmop";

export interface InfraMachineSpec {
  readonly provider: InfraProvider;
  /** `linkedClone` (default when the template has a snapshot) or `fullClone`. */
  readonly cloneMode: "linkedClone" | "fullClone";
  /** The KubeadmConfig whose bootstrap data (cloud-init) the VM boots with. */
  readonly bootstrapConfigName: string;
  /** Desired power state (VM Operator `spec.powerState`; CAPV always wants poweredOn). */
  readonly powerState: "PoweredOn" | "PoweredOff";
}

export interface InfraMachineStatus {
  /** BIOS UUID of the VM once cloned; CAPV finds the VM by it from then on. */
  readonly biosUUID?: string;
  readonly ready: boolean;
  readonly addresses: readonly string[];
  /** Power state as last observed (a stale value is what seed 001 shows as `poweredOn`). */
  readonly powerState?: "poweredOn" | "poweredOff" | "suspended";
  readonly conditions: readonly Condition[];
  /** v1beta1 failure fields (CAPV < 1.8 sets them when the VM is not found, capi-kube.md §4.2). */
  readonly failureReason?: string;
  readonly failureMessage?: string;
  /** When a clone was started (for the "clone in progress" state). */
  readonly cloneStartedAtUs?: Micros;
}

export interface InfraMachine {
  readonly kind: "InfraMachine";
  readonly metadata: CapiMeta;
  readonly spec: InfraMachineSpec;
  readonly status: InfraMachineStatus;
}

/** `VirtualMachineProvisioned` (CAPV) condition type. */
export const VM_PROVISIONED = "VirtualMachineProvisioned";
