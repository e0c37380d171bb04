/**
 * Pod (core/v1): a workload replica or a static control-plane pod. The fields kept are the ones
 * the scheduler, kubelet, controllers and `kubectl get pods -o wide` use.
 *
 * Every pod gets the DefaultTolerationSeconds admission plugin's tolerations for the not-ready and
 * unreachable NoExecute taints with 300 s (kube-apiserver `--default-not-ready-toleration-seconds`,
 * `--default-unreachable-toleration-seconds`, capi-kube.md §5), which is why pods on a dead node
 * are evicted five minutes after the node is tainted.
 */
import type { Micros } from "../../sim/time.js";
import type { KubeObject, ObjectMeta, StringMap } from "./meta.js";
import type { ConditionStatus, TaintEffect } from "./node.js";

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface Toleration {
  readonly key: string;
  readonly operator: "Exists" | "Equal";
  readonly value?: string;
  /** undefined tolerates every effect. */
  readonly effect?: TaintEffect;
  /** For NoExecute: how long the pod may stay after the taint appears; undefined = forever. */
  readonly tolerationSeconds?: number;
}

/**
 * A pod (anti-)affinity term (core/v1 PodAffinityTerm): pods in the pod's namespace whose labels
 * match `labelSelector` (matchLabels), counted per topology domain — nodes sharing the value of
 * the node label `topologyKey` (`kubernetes.io/hostname`: each node is its own domain).
 */
export interface PodAffinityTerm {
  readonly labelSelector: StringMap;
  readonly topologyKey: string;
}

/**
 * Scheduling constraints beyond nodeSelector (core/v1 Affinity), reduced to what system add-ons
 * use: required pod anti-affinity (the vSphere CSI controller keeps one replica per control
 * plane). Preferred terms are not modelled: the scheduler's spreading of a controller's pods
 * already prefers nodes without a sibling.
 */
export interface Affinity {
  readonly podAntiAffinity?: {
    readonly requiredDuringSchedulingIgnoredDuringExecution: readonly PodAffinityTerm[];
  };
}

export interface PodSpec {
  /** "" until the scheduler binds the pod. */
  readonly nodeName: string;
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  readonly tolerations: readonly Toleration[];
  /** Only nodes carrying every one of these labels (core/v1 PodSpec.nodeSelector). */
  readonly nodeSelector?: StringMap;
  readonly affinity?: Affinity;
  readonly terminationGracePeriodSeconds: number;
  /** Container port that serves traffic (for Services). */
  readonly port: number;
}

export type PodConditionType = "PodScheduled" | "Initialized" | "ContainersReady" | "Ready";

export interface PodCondition {
  readonly type: PodConditionType;
  readonly status: ConditionStatus;
  readonly reason?: string;
  readonly lastTransitionTimeUs: Micros;
}

export interface PodStatus {
  readonly phase: PodPhase;
  readonly conditions: readonly PodCondition[];
  readonly podIP: string;
  readonly hostIP: string;
  readonly startTimeUs?: Micros;
  readonly restartCount: number;
  /** Why the pod is in this state (`Unschedulable` hint for Pending pods, kubectl shows it). */
  readonly reason?: string;
  /** kubectl's STATUS column detail while waiting (e.g. ContainerCreating). */
  readonly waitingReason?: string;
}

export interface Pod extends KubeObject {
  readonly kind: "Pod";
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  readonly status: PodStatus;
}

/** The pod's condition of `type`, if any. */
export function podCondition(pod: Pod, type: PodConditionType): PodCondition | undefined {
  for (const c of pod.status.conditions) if (c.type === type) return c;
  return undefined;
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, "Ready")?.status === "True";
}

/**
 * A pod the ReplicaSet controller counts: not terminating and not finished
 * (controller.FilterActivePods in kubernetes `pkg/controller/controller_utils.go`).
 */
export function isPodActive(pod: Pod): boolean {
  return (
    pod.metadata.deletionTimestampUs === undefined &&
    pod.status.phase !== "Succeeded" &&
    pod.status.phase !== "Failed"
  );
}

/** True when a toleration tolerates a taint (core/v1 Toleration.ToleratesTaint). */
export function tolerates(t: Toleration, key: string, effect: TaintEffect, value?: string): boolean {
  if (t.effect !== undefined && t.effect !== effect) return false;
  if (t.key !== "" && t.key !== key) return false;
  if (t.operator === "Exists") return true;
  return (t.value ?? "") === (value ?? "");
}
