/**
 * KubeadmControlPlane (controlplane.cluster.x-k8s.io/v1beta2): the control-plane Machines with
 * stacked etcd, their desired count (odd), the remediation limits and the conditions KCP computes
 * (`api/controlplane/kubeadm/v1beta2/kubeadm_control_plane_types.go`, capi-kube.md §2.4–§2.5).
 */
import type { Micros } from "../../sim/time.js";
import type { Condition } from "./conditions.js";
import type { MachineDeletionSpec } from "./machine.js";
import type { CapiMeta } from "./meta.js";

export interface KcpRemediationSpec {
  /** Unset = unlimited retries. */
  readonly maxRetry?: number;
  /** Default 0: a retry may happen at once. */
  readonly retryPeriodUs: Micros;
  /** Default 1 h: a failure within this time after a remediation is a retry of it. */
  readonly minHealthyPeriodUs: Micros;
}

export interface KubeadmControlPlaneSpec {
  readonly replicas: number;
  readonly version: string;
  readonly deletion: MachineDeletionSpec;
  readonly remediation: KcpRemediationSpec;
}

/** What the last remediation did (`status.lastRemediation`). */
export interface LastRemediation {
  readonly machine: string;
  readonly timeUs: Micros;
  readonly retryCount: number;
}

export interface KubeadmControlPlaneStatus {
  readonly initialized: boolean;
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly updatedReplicas: number;
  readonly conditions: readonly Condition[];
  readonly lastRemediation?: LastRemediation;
}

export interface KubeadmControlPlane {
  readonly kind: "KubeadmControlPlane";
  readonly metadata: CapiMeta;
  readonly spec: KubeadmControlPlaneSpec;
  readonly status: KubeadmControlPlaneStatus;
}

/** Condition types on KCP. */
export const KcpConditions = {
  Available: "Available",
  Initialized: "Initialized",
  CertificatesAvailable: "CertificatesAvailable",
  EtcdClusterHealthy: "EtcdClusterHealthy",
  ControlPlaneComponentsHealthy: "ControlPlaneComponentsHealthy",
  Remediating: "Remediating",
  ScalingUp: "ScalingUp",
} as const;
