/**
 * The MachineHealthCheck controller (core/reconcilers/machinehealthcheck, capi-kube.md §1): for
 * every Machine its selector (plus the cluster-name label) picks — minus paused and
 * skip-remediation ones — it reads the Node from the ClusterCache, judges health
 * (health-check.ts), applies the short-circuit (short-circuit.ts), writes
 * `HealthCheckSucceeded` on every target and, when remediation is allowed, `OwnerRemediated=False`
 * (WaitingForRemediation) on the unhealthy ones, leaving the deletion to their owner. It requeues
 * for the earliest pending timeout (+1 s) and, from CAPI 1.13, runs at most once every 15 s per
 * MHC (the controller's rate limit).
 *
 * While the ClusterCache is disconnected the reconcile fails (`ErrClusterNotConnected`): no
 * Node-based remediation happens at all.
 *
 * Trace: `capi.mhc {event: MachineMarkedUnhealthy, machine, reason, message}` when a Machine is
 * handed to its owner, `capi.mhc {event: RemediationRestricted, message}` when the short-circuit
 * blocks.
 */
import { type CapiContext, clusterOf, isClusterPaused } from "../context.js";
import { patchMachine } from "../machine/controller.js";
import { getCondition, setCondition } from "../objects/conditions.js";
import { MachineConditions } from "../objects/machine.js";
import { MHC_REMEDIATION_ALLOWED } from "../objects/machine-health-check.js";
import {
  ANNOTATION_PAUSED,
  ANNOTATION_SKIP_REMEDIATION,
  hasAnnotation,
  LABEL_CLUSTER_NAME,
  matchesLabels,
} from "../objects/meta.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { ERR_CLUSTER_NOT_CONNECTED } from "../workload/cluster-cache.js";
import { type HealthCheckTarget, healthCheckTargets } from "./health-check.js";
import { remediationAllowance } from "./short-circuit.js";

/** Reconciles one MachineHealthCheck. */
export function reconcileMhc(ctx: CapiContext, name: string): ReconcileResult {
  const mhc = ctx.store.get("MachineHealthCheck", name);
  const cluster = clusterOf(ctx);
  if (!mhc || !cluster || isClusterPaused(ctx)) return DONE;
  const selector = { ...mhc.spec.selector, [LABEL_CLUSTER_NAME]: mhc.spec.clusterName };
  const machines = ctx.store
    .list("Machine")
    .filter((m) => matchesLabels(m.metadata, selector))
    .filter(
      (m) =>
        !hasAnnotation(m.metadata, ANNOTATION_PAUSED) &&
        !hasAnnotation(m.metadata, ANNOTATION_SKIP_REMEDIATION),
    );
  const initialized = getCondition(cluster.status.conditions, "ControlPlaneInitialized")?.status === "True";
  const client = initialized ? ctx.cache.client() : undefined;
  if (initialized && !client) return { error: `error getting node: ${ERR_CLUSTER_NOT_CONNECTED}` };
  const targets: HealthCheckTarget[] = machines.map((m) => {
    const node = m.status.nodeRef && client ? client.node(m.status.nodeRef.name) : undefined;
    return {
      machine: m,
      node,
      nodeMissing: m.status.nodeRef !== undefined && client !== undefined && node === undefined,
    };
  });
  const now = ctx.sim.now;
  const health = healthCheckTargets(targets, cluster, mhc.spec, now, ctx.features);
  const allowance = remediationAllowance(
    mhc.spec.remediation.triggerIf,
    targets.length,
    health.healthy.length,
    health.unhealthy.length,
  );

  for (const t of health.healthy) {
    patchMachine(ctx, t.machine.metadata.name, (d) => {
      d.status.conditions = setCondition(
        d.status.conditions,
        {
          type: MachineConditions.HealthCheckSucceeded,
          status: "True",
          reason: "HealthCheckSucceeded",
          message: "",
        },
        now,
      ) as typeof d.status.conditions;
    });
  }
  for (const u of health.unhealthy) {
    const m = u.target.machine;
    const before = getCondition(m.status.conditions, MachineConditions.OwnerRemediated);
    patchMachine(ctx, m.metadata.name, (d) => {
      d.status.conditions = setCondition(
        d.status.conditions,
        {
          type: MachineConditions.HealthCheckSucceeded,
          status: "False",
          reason: u.reason,
          message: u.message,
        },
        now,
      ) as typeof d.status.conditions;
      if (
        allowance.allowed &&
        d.metadata.deletionTimestampUs === undefined &&
        (before === undefined || before.status === "True")
      ) {
        d.status.conditions = setCondition(
          d.status.conditions,
          {
            type: MachineConditions.OwnerRemediated,
            status: "False",
            reason: "WaitingForRemediation",
            message: "Waiting for remediation",
          },
          now,
        ) as typeof d.status.conditions;
      }
    });
    if (
      allowance.allowed &&
      m.metadata.deletionTimestampUs === undefined &&
      (before === undefined || before.status === "True")
    ) {
      ctx.sim.emit("capi.mhc", name, {
        event: "MachineMarkedUnhealthy",
        machine: m.metadata.name,
        reason: u.reason,
        message: u.message,
        expectedMachines: targets.length,
        currentHealthy: health.healthy.length,
      });
    }
  }
  const was = getCondition(mhc.status.conditions, MHC_REMEDIATION_ALLOWED);
  const cond = allowance.allowed
    ? { type: MHC_REMEDIATION_ALLOWED, status: "True" as const, reason: "RemediationAllowed", message: "" }
    : {
        type: MHC_REMEDIATION_ALLOWED,
        status: "False" as const,
        reason: "TooManyUnhealthy",
        message: allowance.message ?? "",
      };
  if (
    !allowance.allowed &&
    health.unhealthy.length > 0 &&
    (was?.status !== "False" || was.message !== cond.message)
  ) {
    ctx.sim.emit("capi.mhc", name, { event: "RemediationRestricted", message: allowance.message ?? "" });
  }
  const current = ctx.store.get("MachineHealthCheck", name);
  if (current) {
    const status = {
      expectedMachines: targets.length,
      currentHealthy: health.healthy.length,
      remediationsAllowed: allowance.remediationsAllowed,
      targets: targets.map((t) => t.machine.metadata.name).sort(),
      conditions: setCondition(current.status.conditions, cond, now),
    };
    const s = current.status;
    if (
      s.expectedMachines !== status.expectedMachines ||
      s.currentHealthy !== status.currentHealthy ||
      s.remediationsAllowed !== status.remediationsAllowed ||
      s.targets.join(",") !== status.targets.join(",") ||
      s.conditions !== status.conditions
    ) {
      ctx.store.update({ ...current, status });
    }
  }
  return health.nextCheckUs > 0 ? { requeueAfterUs: health.nextCheckUs } : DONE;
}
