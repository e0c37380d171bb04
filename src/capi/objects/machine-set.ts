/**
 * MachineSet and MachineDeployment (cluster.x-k8s.io/v1beta2): keep `replicas` worker Machines.
 * A MachineSet counts its deleting Machines, so a remediated Machine is replaced only once it is
 * fully gone (PR #3434, capi-kube.md §3.3). The MachineDeployment here owns one MachineSet (no
 * rollouts are modelled) and carries the remediation `maxInFlight` limit.
 */
import type { MachineDeletionSpec } from "./machine.js";
import type { CapiMeta, StringMap } from "./meta.js";

export interface MachineSetSpec {
  readonly clusterName: string;
  readonly replicas: number;
  /** Labels stamped on new Machines (the selector matches them). */
  readonly selector: StringMap;
  readonly version: string;
  readonly deletion: MachineDeletionSpec;
  /** Concurrent remediations allowed (MachineDeployment `maxInFlight`); undefined = unlimited. */
  readonly maxInFlight?: number;
}

export interface MachineSetStatus {
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
}

export interface MachineSet {
  readonly kind: "MachineSet";
  readonly metadata: CapiMeta;
  readonly spec: MachineSetSpec;
  readonly status: MachineSetStatus;
}

export interface MachineDeployment {
  readonly kind: "MachineDeployment";
  readonly metadata: CapiMeta;
  readonly spec: { readonly clusterName: string; readonly replicas: number; readonly machineSetName: string };
  readonly status: MachineSetStatus;
}
