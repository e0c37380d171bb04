/**
 * When is a Machine unhealthy? MachineHealthCheck's `needsRemediation`, as a pure function of the
 * Machine, its Node, the Cluster and the time (core/reconcilers/machinehealthcheck/
 * machinehealthcheck_targets.go, capi-kube.md §1.2). In order:
 *
 * 1. the `cluster.x-k8s.io/remediate-machine` annotation: unhealthy at once;
 * 2. the control plane not initialized: worker Machines are not evaluated;
 * 3. cluster infrastructure not ready: nothing is evaluated;
 * 4. CAPI ≤ 1.10 only: failureReason/failureMessage set: unhealthy at once;
 * 5. Machine conditions held longer than their timeout (from the condition's lastTransitionTime);
 * 6. the Node: deleted while the Machine still references it → unhealthy at once; no Node yet →
 *    unhealthy once nodeStartupTimeout has passed since the latest of the Machine's creation, the
 *    Cluster's ControlPlaneInitialized and InfrastructureReady and the Machine's InfrastructureReady
 *    transitions; a Node condition held longer than its timeout → unhealthy.
 *
 * A healthy verdict carries `nextCheckUs`, the time until the earliest pending timeout expires
 * plus one second (the controller's requeue), or 0 when nothing is pending. Timeouts compare
 * strictly (`lastTransition + timeout` must be before now), as Go's `time.Before`.
 */
import { formatDuration, type Micros, SECOND } from "../../sim/time.js";
import type { Cluster } from "../objects/cluster.js";
import { ClusterConditions } from "../objects/cluster.js";
import { getCondition } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { isControlPlaneMachine, MachineConditions } from "../objects/machine.js";
import type { MachineHealthCheckSpec } from "../objects/machine-health-check.js";
import { ANNOTATION_REMEDIATE_MACHINE, hasAnnotation } from "../objects/meta.js";
import type { NodeView } from "../objects/node-view.js";
import type { CapiFeatures } from "../version.js";

/** Why MHC marks a Machine unhealthy (v1beta2 reasons; v1beta1 `NodeNotFound` for a deleted Node). */
export type UnhealthyReason =
  | "HasRemediateMachineAnnotation"
  | "MachineHasFailureReason"
  | "UnhealthyMachine"
  | "NodeDeleted"
  | "NodeStartupTimeout"
  | "UnhealthyNode";

/** One Machine to check, with what the ClusterCache returned for its Node. */
export interface HealthCheckTarget {
  readonly machine: Machine;
  /** The Node named by `machine.status.nodeRef`, when found. */
  readonly node: NodeView | undefined;
  /** nodeRef is set but the Node GET returned NotFound. */
  readonly nodeMissing: boolean;
}

/** The verdict for one target. */
export type HealthVerdict =
  | { readonly unhealthy: true; readonly reason: UnhealthyReason; readonly message: string }
  | { readonly unhealthy: false; readonly nextCheckUs: Micros };

type Features = Pick<CapiFeatures, "mhcRemediatesFailureReason" | "v1beta2Messages">;

/** `needsRemediation` for one target at `nowUs`. */
export function needsRemediation(
  t: HealthCheckTarget,
  cluster: Cluster,
  spec: MachineHealthCheckSpec,
  nowUs: Micros,
  features: Features,
): HealthVerdict {
  const m = t.machine;
  if (hasAnnotation(m.metadata, ANNOTATION_REMEDIATE_MACHINE)) {
    return {
      unhealthy: true,
      reason: "HasRemediateMachineAnnotation",
      message: "Marked for remediation via remediate-machine annotation",
    };
  }
  const cpInitialized = getCondition(cluster.status.conditions, ClusterConditions.ControlPlaneInitialized);
  if (cpInitialized?.status !== "True" && !isControlPlaneMachine(m))
    return { unhealthy: false, nextCheckUs: 0 };
  const infraReady = getCondition(cluster.status.conditions, ClusterConditions.InfrastructureReady);
  if (infraReady?.status !== "True") return { unhealthy: false, nextCheckUs: 0 };

  if (features.mhcRemediatesFailureReason) {
    if (m.status.failureReason !== undefined) {
      return {
        unhealthy: true,
        reason: "MachineHasFailureReason",
        message: `FailureReason: ${m.status.failureReason}`,
      };
    }
    if (m.status.failureMessage !== undefined) {
      return {
        unhealthy: true,
        reason: "MachineHasFailureReason",
        message: `FailureMessage: ${m.status.failureMessage}`,
      };
    }
  }

  let next = 0;
  const pending = (us: Micros) => {
    if (us > 0 && (next === 0 || us < next)) next = us;
  };

  for (const c of spec.checks.unhealthyMachineConditions) {
    const mc = getCondition(m.status.conditions, c.type);
    if (!mc || mc.status !== c.status) continue;
    if (mc.lastTransitionTimeUs + c.timeoutUs < nowUs) {
      const message = features.v1beta2Messages
        ? `Condition ${c.type} on Machine is reporting status ${c.status} with reason ${mc.reason} for more than ${formatDuration(c.timeoutUs)}`
        : `Condition ${c.type} on Machine is reporting status ${c.status} for more than ${formatDuration(c.timeoutUs)}`;
      return { unhealthy: true, reason: "UnhealthyMachine", message };
    }
    pending(c.timeoutUs - (nowUs - mc.lastTransitionTimeUs) + SECOND);
  }

  if (t.nodeMissing) {
    return {
      unhealthy: true,
      reason: "NodeDeleted",
      message: `Node ${m.status.nodeRef?.name ?? ""} has been deleted`,
    };
  }

  const node = t.node;
  if (node === undefined) {
    const timeoutUs = spec.checks.nodeStartupTimeoutUs;
    if (timeoutUs === 0) return { unhealthy: false, nextCheckUs: next };
    const since = nodeStartupComparisonTime(m, cluster);
    if (since + timeoutUs < nowUs) {
      return {
        unhealthy: true,
        reason: "NodeStartupTimeout",
        message: `Node failed to report startup in ${formatDuration(timeoutUs)}`,
      };
    }
    pending(timeoutUs - (nowUs - since) + SECOND);
    return { unhealthy: false, nextCheckUs: next };
  }

  for (const c of spec.checks.unhealthyNodeConditions) {
    const nc = node.status.conditions.find((x) => x.type === c.type);
    if (!nc || nc.status !== c.status) continue;
    if (nc.lastTransitionTimeUs + c.timeoutUs < nowUs) {
      const message = features.v1beta2Messages
        ? `Condition ${c.type} on Node is reporting status ${c.status} with reason ${nc.reason} for more than ${formatDuration(c.timeoutUs)}`
        : `Condition ${c.type} on node is reporting status ${c.status} for more than ${formatDuration(c.timeoutUs)}`;
      return { unhealthy: true, reason: "UnhealthyNode", message };
    }
    pending(c.timeoutUs - (nowUs - nc.lastTransitionTimeUs) + SECOND);
  }
  return { unhealthy: false, nextCheckUs: next };
}

/**
 * The instant nodeStartupTimeout counts from: the latest of the Machine's creation, the Cluster's
 * ControlPlaneInitialized and InfrastructureReady transitions (when True), and the Machine's
 * InfrastructureReady transition (when True; added by CAPI PR #10718).
 */
export function nodeStartupComparisonTime(m: Machine, cluster: Cluster): Micros {
  let t = m.metadata.creationTimestampUs;
  const consider = (c: { status: string; lastTransitionTimeUs: Micros } | undefined) => {
    if (c?.status === "True" && c.lastTransitionTimeUs > t) t = c.lastTransitionTimeUs;
  };
  consider(getCondition(cluster.status.conditions, ClusterConditions.ControlPlaneInitialized));
  consider(getCondition(cluster.status.conditions, ClusterConditions.InfrastructureReady));
  consider(getCondition(m.status.conditions, MachineConditions.InfrastructureReady));
  return t;
}

/** The result of checking every target of one MHC. */
export interface TargetsHealth {
  /** Passed, have a Node, are not deleting and have no pending timer. */
  readonly healthy: readonly HealthCheckTarget[];
  readonly unhealthy: readonly {
    readonly target: HealthCheckTarget;
    readonly reason: UnhealthyReason;
    readonly message: string;
  }[];
  /** Smallest pending timer, 0 when none (the controller's RequeueAfter). */
  readonly nextCheckUs: Micros;
}

/**
 * `healthCheckTargets`: a target that may still go unhealthy (a pending timer) is neither healthy
 * nor unhealthy, and neither is a deleting Machine or one without a Node — they all count against
 * `currentHealthy` and so towards the short-circuit (capi-kube.md §1.3).
 */
export function healthCheckTargets(
  targets: readonly HealthCheckTarget[],
  cluster: Cluster,
  spec: MachineHealthCheckSpec,
  nowUs: Micros,
  features: Features,
): TargetsHealth {
  const healthy: HealthCheckTarget[] = [];
  const unhealthy: { target: HealthCheckTarget; reason: UnhealthyReason; message: string }[] = [];
  let next = 0;
  for (const t of targets) {
    const v = needsRemediation(t, cluster, spec, nowUs, features);
    if (v.unhealthy) {
      unhealthy.push({ target: t, reason: v.reason, message: v.message });
      continue;
    }
    if (v.nextCheckUs > 0) {
      if (next === 0 || v.nextCheckUs < next) next = v.nextCheckUs;
      continue;
    }
    if (t.machine.metadata.deletionTimestampUs === undefined && t.node !== undefined) healthy.push(t);
  }
  return { healthy, unhealthy, nextCheckUs: next };
}
