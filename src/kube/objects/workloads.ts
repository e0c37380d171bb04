/**
 * ReplicaSet and Deployment (apps/v1): desired replica counts and the pod template, with the status
 * fields `kubectl get deploy,rs` prints (DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE).
 */
import type { KubeObject, ObjectMeta, StringMap } from "./meta.js";
import type { PodSpec } from "./pod.js";

/** A pod template: labels plus the pod spec (without node binding). */
export interface PodTemplate {
  readonly labels: StringMap;
  readonly spec: PodSpec;
}

export interface ReplicaSetSpec {
  readonly replicas: number;
  /** matchLabels selector. */
  readonly selector: StringMap;
  readonly template: PodTemplate;
}

export interface ReplicaSetStatus {
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly observedGeneration: number;
}

export interface ReplicaSet extends KubeObject {
  readonly kind: "ReplicaSet";
  readonly metadata: ObjectMeta;
  readonly spec: ReplicaSetSpec;
  readonly status: ReplicaSetStatus;
}

export interface DeploymentSpec {
  readonly replicas: number;
  readonly selector: StringMap;
  readonly template: PodTemplate;
}

export interface DeploymentStatus {
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly unavailableReplicas: number;
  readonly observedGeneration: number;
}

export interface Deployment extends KubeObject {
  readonly kind: "Deployment";
  readonly metadata: ObjectMeta;
  readonly spec: DeploymentSpec;
  readonly status: DeploymentStatus;
}

/** Label the Deployment controller adds to its ReplicaSets and their pods. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
