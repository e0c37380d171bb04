/**
 * Machine (cluster.x-k8s.io/v1beta2): one VM's worth of Kubernetes node, owned by a MachineSet or
 * a KubeadmControlPlane. Its status carries the phase people watch (`kubectl get machines`), the
 * reference to its Node, the conditions MachineHealthCheck and KCP write, and the deletion
 * progress (`api/core/v1beta2/machine_types.go`, capi-kube.md §3).
 */
import type { Micros } from "../../sim/time.js";
import type { Condition } from "./conditions.js";
import type { CapiMeta } from "./meta.js";

/** Machine phases (`machine_phase_types.go`; `Failed` is deprecated in v1beta2 and never set). */
export type MachinePhase =
  | "Pending"
  | "Provisioning"
  | "Provisioned"
  | "Running"
  | "Deleting"
  | "Deleted"
  | "Failed"
  | "Unknown";

/** Timeouts of the deletion sequence (`MachineDeletionSpec`); 0 = unlimited. */
export interface MachineDeletionSpec {
  readonly nodeDrainTimeoutUs: Micros;
  readonly nodeVolumeDetachTimeoutUs: Micros;
  /** Default 10 s; 0 retries forever (`nodeDeletionTimeoutSeconds`). */
  readonly nodeDeletionTimeoutUs: Micros;
}

export interface MachineSpec {
  readonly clusterName: string;
  /** The KubeadmConfig holding the bootstrap data (cloud-init with `kubeadm join`). */
  readonly bootstrapConfigName: string;
  /** The infrastructure object (VSphereVM / VirtualMachine) of this Machine. */
  readonly infraMachineName: string;
  /** `vsphere://<bios-uuid>` once the infrastructure reports it. */
  readonly providerID?: string;
  readonly version: string;
  readonly deletion: MachineDeletionSpec;
}

/** Progress of the deletion sequence (`status.deletion`). */
export interface MachineDeletionStatus {
  readonly nodeDrainStartTimeUs?: Micros;
  readonly waitForNodeVolumeDetachStartTimeUs?: Micros;
  readonly waitForPreTerminateHookStartTimeUs?: Micros;
  readonly nodeDeletionStartTimeUs?: Micros;
}

export interface MachineStatus {
  readonly phase: MachinePhase;
  /** The Node this Machine became. */
  readonly nodeRef?: { readonly name: string };
  readonly bootstrapReady: boolean;
  readonly infrastructureReady: boolean;
  readonly addresses: readonly string[];
  readonly conditions: readonly Condition[];
  /** v1beta1 failure fields; MHC in CAPI ≤ 1.10 remediates a Machine that has them at once. */
  readonly failureReason?: string;
  readonly failureMessage?: string;
  readonly deletion: MachineDeletionStatus;
  /** When the infrastructure was seen deleted (the `Deleted` phase). */
  readonly infrastructureDeletedAtUs?: Micros;
}

export interface Machine {
  readonly kind: "Machine";
  readonly metadata: CapiMeta;
  readonly spec: MachineSpec;
  readonly status: MachineStatus;
}

/** Condition types on Machines. */
export const MachineConditions = {
  Ready: "Ready",
  BootstrapConfigReady: "BootstrapConfigReady",
  InfrastructureReady: "InfrastructureReady",
  NodeHealthy: "NodeHealthy",
  NodeReady: "NodeReady",
  Deleting: "Deleting",
  /** Written by MachineHealthCheck. */
  HealthCheckSucceeded: "HealthCheckSucceeded",
  /** Written False by MHC (WaitingForRemediation), then by the owner while it remediates. */
  OwnerRemediated: "OwnerRemediated",
  /** KCP per-Machine conditions (capi-kube.md §2.4). */
  APIServerPodHealthy: "APIServerPodHealthy",
  ControllerManagerPodHealthy: "ControllerManagerPodHealthy",
  SchedulerPodHealthy: "SchedulerPodHealthy",
  EtcdPodHealthy: "EtcdPodHealthy",
  EtcdMemberHealthy: "EtcdMemberHealthy",
  NodeKubeadmLabelsAndTaintsSet: "NodeKubeadmLabelsAndTaintsSet",
} as const;

/** Reasons of the v1beta2 `Deleting` condition: where the deletion sequence is (capi-kube.md §3.2). */
export type DeletingReason =
  | "WaitingForPreDrainHook"
  | "DrainingNode"
  | "WaitingForVolumeDetach"
  | "WaitingForPreTerminateHook"
  | "WaitingForInfrastructureDeletion"
  | "WaitingForBootstrapDeletion"
  | "DeletingNode"
  | "DeletionCompleted";

/** True for Machines labelled as control plane. */
export function isControlPlaneMachine(m: Machine): boolean {
  return Object.hasOwn(m.metadata.labels, "cluster.x-k8s.io/control-plane");
}

/** True when the Machine references a Node. */
export function hasNode(m: Machine): boolean {
  return m.status.nodeRef !== undefined;
}
