/**
 * KubeadmConfig (bootstrap.cluster.x-k8s.io): the join configuration of one Machine, with the
 * bootstrap token CABPK created for it in the workload cluster (15-minute TTL, refreshed while the
 * Machine has no Node, capi-kube.md §6) and whether the bootstrap data secret exists.
 */
import type { Micros } from "../../sim/time.js";
import type { CapiMeta } from "./meta.js";

export interface KubeadmConfigSpec {
  /** Join as a control-plane node (`kubeadm join --control-plane`). */
  readonly controlPlane: boolean;
}

export interface KubeadmConfigStatus {
  /** The bootstrap data secret was written (cloud-init ready). */
  readonly dataSecretCreated: boolean;
  /** Bootstrap token ID (six characters, `[a-z0-9]`). */
  readonly tokenId?: string;
  /** When the token expires, as last written to its Secret. */
  readonly tokenExpiresAtUs?: Micros;
}

export interface KubeadmConfig {
  readonly kind: "KubeadmConfig";
  readonly metadata: CapiMeta;
  readonly spec: KubeadmConfigSpec;
  readonly status: KubeadmConfigStatus;
}
