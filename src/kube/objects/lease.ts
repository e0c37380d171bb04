/**
 * Lease (coordination.k8s.io/v1): the kubelet's heartbeat in `kube-node-lease` (one per node,
 * renewed every 10 s with a 40 s duration, capi-kube.md §5) and the lock of leader election for
 * kube-controller-manager, kube-scheduler and kube-vip (`kube-system`, 15 s / 10 s / 2 s,
 * capi-kube.md §4.4 and §5).
 */
import type { Micros } from "../../sim/time.js";
import type { KubeObject, ObjectMeta } from "./meta.js";

/** Namespace of node heartbeat leases. */
export const NODE_LEASE_NAMESPACE = "kube-node-lease";

export interface LeaseSpec {
  /** Who holds the lease; "" when released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTimeUs: Micros;
  readonly renewTimeUs: Micros;
  /** Times the holder changed. */
  readonly leaseTransitions: number;
}

export interface Lease extends KubeObject {
  readonly kind: "Lease";
  readonly metadata: ObjectMeta;
  readonly spec: LeaseSpec;
}
