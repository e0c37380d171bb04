/**
 * Cluster (cluster.x-k8s.io/v1beta2): the workload cluster as the management cluster knows it —
 * its control-plane endpoint, whether it is paused, and the conditions MachineHealthCheck reads
 * (InfrastructureReady, ControlPlaneInitialized; capi-kube.md §1.2) plus the ClusterCache's
 * RemoteConnectionProbe (capi-kube.md §1.4).
 */
import type { Condition } from "./conditions.js";
import type { CapiMeta } from "./meta.js";

export interface ClusterSpec {
  /** `host:port` of the control-plane endpoint (HAProxy or kube-vip VIP). */
  readonly controlPlaneEndpoint: string;
  /** `spec.paused`: every controller skips the cluster's objects. */
  readonly paused: boolean;
}

export interface ClusterStatus {
  readonly conditions: readonly Condition[];
}

export interface Cluster {
  readonly kind: "Cluster";
  readonly metadata: CapiMeta;
  readonly spec: ClusterSpec;
  readonly status: ClusterStatus;
}

/** Condition types on Clusters. */
export const ClusterConditions = {
  InfrastructureReady: "InfrastructureReady",
  ControlPlaneInitialized: "ControlPlaneInitialized",
  /** False after the health probe failed for the remote-connection grace period (50 s). */
  RemoteConnectionProbe: "RemoteConnectionProbe",
} as const;
