/**
 * The Machine controller (core/reconcilers/machine, capi-kube.md §3): it follows a Machine's
 * bootstrap config and infrastructure to compute its phase, links it to its Node (nodeRef; the
 * Node is found by name — the VM's hostname, which is the Machine's name), mirrors the Node's Ready
 * condition, and runs the deletion sequence:
 *
 * 1. pre-drain hooks block (`WaitingForPreDrainHook`);
 * 2. drain (`DrainingNode`): cordon, then evict every Pod, retrying every 20 s; for an unreachable
 *    Node (Ready=Unknown) Pods get a 1 s grace period and Pods deleted more than 1 s ago are skipped,
 *    so the drain ends quickly; skipped when excluded by annotation, after `nodeDrainTimeout`,
 *    once the pre-terminate wait began, or when the infrastructure is gone or deleting;
 * 3. volume detach (`WaitingForVolumeDetach`): the model attaches no volumes, so it passes at once;
 * 4. pre-terminate hooks block (`WaitingForPreTerminateHook`; KCP's `kcp-cleanup` removes the etcd
 *    member there, CAPI ≥ 1.9);
 * 5. the infrastructure is deleted and awaited (`WaitingForInfrastructureDeletion`), then the
 *    bootstrap config;
 * 6. the Node is deleted only now, after the VM is gone (`DeletingNode`; polled every 2 s for up
 *    to 10 s, and given up once `nodeDeletionTimeout` after the deletion request has passed);
 * 7. the finalizer goes and the Machine disappears (phase `Deleted` in the trace).
 *
 * Node deletion is skipped for a Machine without a Node and for the last control-plane Machine.
 * Every remote step needs the ClusterCache; while disconnected the step fails and is retried with
 * back-off, so a blind controller waits.
 *
 * Trace: `capi.machine.phase {from, to, node}`, `capi.machine.deleting {reason, message}`,
 * `capi.machine.nodeRef {node}`, `capi.node {action: cordon|drain|delete, …}`.
 */
import { type Draft, produce } from "immer";
import { type Micros, SECOND } from "../../sim/time.js";
import { type CapiContext, isClusterPaused } from "../context.js";
import { getCondition, setCondition } from "../objects/conditions.js";
import type { DeletingReason, Machine } from "../objects/machine.js";
import { isControlPlaneMachine, MachineConditions } from "../objects/machine.js";
import {
  ANNOTATION_EXCLUDE_DRAIN,
  annotationsWithPrefix,
  hasAnnotation,
  PRE_DRAIN_HOOK_PREFIX,
  PRE_TERMINATE_HOOK_PREFIX,
} from "../objects/meta.js";
import { isNodeReady, isNodeUnreachable, nodeConditionOf } from "../objects/node-view.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { type Task, wait } from "../runtime/task.js";
import type { ApiResult } from "../workload/api.js";
import { ERR_CLUSTER_NOT_CONNECTED } from "../workload/cluster-cache.js";
import { machinePhase } from "./phase.js";

/** How often and how long the Node deletion is retried (`nodeDeletionRetryTimeout`). */
const NODE_DELETE_POLL_US: Micros = 2 * SECOND;
const NODE_DELETE_RETRY_TIMEOUT_US: Micros = 10 * SECOND;

/** Writes `next` if it differs from the stored Machine; traces phase and deletion changes. */
export function writeMachine(ctx: CapiContext, before: Machine, next: Machine): Machine {
  const phase = machinePhase(next, ctx.features);
  const withPhase =
    phase === next.status.phase
      ? next
      : produce(next, (d) => {
          d.status.phase = phase;
        });
  if (withPhase === before) return before;
  const stored = ctx.store.update(withPhase);
  if (before.status.phase !== stored.status.phase) {
    ctx.sim.emit("capi.machine.phase", stored.metadata.name, {
      cluster: stored.spec.clusterName,
      from: before.status.phase,
      to: stored.status.phase,
      ...(stored.status.nodeRef ? { node: stored.status.nodeRef.name } : {}),
      controlPlane: isControlPlaneMachine(stored),
    });
  }
  if (before.status.nodeRef === undefined && stored.status.nodeRef !== undefined) {
    ctx.sim.emit("capi.machine.nodeRef", stored.metadata.name, { node: stored.status.nodeRef.name });
  }
  const was = getCondition(before.status.conditions, MachineConditions.Deleting);
  const now = getCondition(stored.status.conditions, MachineConditions.Deleting);
  if (now && now.status === "True" && (was?.reason !== now.reason || was.status !== now.status)) {
    ctx.sim.emit("capi.machine.deleting", stored.metadata.name, { reason: now.reason, message: now.message });
  }
  return stored;
}

/**
 * Applies `recipe` to the Machine as it is stored now and writes it (a patch: re-reading first,
 * so a reconcile that waited never overwrites what another controller wrote meanwhile). Returns
 * the stored Machine, or undefined when it is gone.
 */
export function patchMachine(
  ctx: CapiContext,
  name: string,
  recipe: (d: Draft<Machine>) => void,
): Machine | undefined {
  const current = ctx.store.get("Machine", name);
  if (!current) return undefined;
  return writeMachine(ctx, current, produce(current, recipe));
}

/** Reconciles one Machine. */
export function* reconcileMachine(ctx: CapiContext, name: string): Task<ReconcileResult> {
  const m = ctx.store.get("Machine", name);
  if (!m || isClusterPaused(ctx)) return DONE;
  if (m.metadata.deletionTimestampUs !== undefined) return yield* reconcileDelete(ctx, m);
  return reconcileNormal(ctx, m);
}

function reconcileNormal(ctx: CapiContext, m: Machine): ReconcileResult {
  const now = ctx.sim.now;
  const cfg = ctx.store.get("KubeadmConfig", m.spec.bootstrapConfigName);
  const infra = ctx.store.get("InfraMachine", m.spec.infraMachineName);
  const client = ctx.cache.client();
  const node = m.status.nodeRef ? client?.node(m.status.nodeRef.name) : client?.node(m.metadata.name);
  const next = produce(m, (d) => {
    if (cfg?.status.dataSecretCreated && !d.status.bootstrapReady) {
      d.status.bootstrapReady = true;
      d.status.conditions = setCondition(
        d.status.conditions,
        { type: MachineConditions.BootstrapConfigReady, status: "True", reason: "Ready", message: "" },
        now,
      ) as typeof d.status.conditions;
    }
    // Provisioning never reverts (v1beta2 `status.initialization`), so a Machine whose VM was
    // powered off or deleted keeps showing Running (seed 001).
    if (infra?.status.ready && !d.status.infrastructureReady) {
      d.status.infrastructureReady = true;
      d.spec.providerID = `vsphere://${infra.status.biosUUID ?? ""}`;
      d.status.addresses = [...infra.status.addresses];
      d.status.conditions = setCondition(
        d.status.conditions,
        { type: MachineConditions.InfrastructureReady, status: "True", reason: "Ready", message: "" },
        now,
      ) as typeof d.status.conditions;
    }
    if (infra?.status.failureReason !== undefined && d.status.failureReason === undefined) {
      d.status.failureReason = infra.status.failureReason;
      if (infra.status.failureMessage !== undefined) d.status.failureMessage = infra.status.failureMessage;
    }
    if (d.status.infrastructureReady && d.status.nodeRef === undefined && node) {
      d.status.nodeRef = { name: node.metadata.name };
    }
    if (d.status.nodeRef !== undefined) {
      const connectionDown =
        !client && now - ctx.cache.lastProbeSuccessUs > ctx.settings.remoteConditionsGracePeriodUs;
      let input: { status: "True" | "False" | "Unknown"; reason: string; message: string } | undefined;
      if (connectionDown)
        input = { status: "Unknown", reason: "ConnectionDown", message: "Remote connection probe failed" };
      else if (client && !node)
        input = {
          status: "False",
          reason: "NodeDeleted",
          message: `Node ${d.status.nodeRef.name} has been deleted`,
        };
      else if (node) {
        const ready = nodeConditionOf(node, "Ready");
        input = ready
          ? { status: ready.status, reason: ready.reason, message: "" }
          : { status: "Unknown", reason: "NodeConditionsNotYetReported", message: "" };
      }
      if (input) {
        d.status.conditions = setCondition(
          d.status.conditions,
          { type: MachineConditions.NodeReady, ...input },
          now,
        ) as typeof d.status.conditions;
        d.status.conditions = setCondition(
          d.status.conditions,
          {
            type: MachineConditions.NodeHealthy,
            ...input,
            ...(input.status === "True" ? { reason: "NodeHealthy" } : {}),
          },
          now,
        ) as typeof d.status.conditions;
      }
    }
  });
  writeMachine(ctx, m, next);
  return DONE;
}

function setDeleting(ctx: CapiContext, m: Machine, reason: DeletingReason, message: string): Machine {
  return (
    patchMachine(ctx, m.metadata.name, (d) => {
      d.status.conditions = setCondition(
        d.status.conditions,
        { type: MachineConditions.Deleting, status: "True", reason, message },
        ctx.sim.now,
      ) as typeof d.status.conditions;
    }) ?? m
  );
}

function* reconcileDelete(ctx: CapiContext, start: Machine): Task<ReconcileResult> {
  let m = writeMachine(ctx, start, start);
  const name = m.metadata.name;
  const infra = ctx.store.get("InfraMachine", m.spec.infraMachineName);
  const nodeName = m.status.nodeRef?.name;
  const deleteNodeAllowed = nodeName !== undefined && !isLastControlPlane(ctx, m);

  if (deleteNodeAllowed) {
    const preDrain = annotationsWithPrefix(m.metadata, PRE_DRAIN_HOOK_PREFIX);
    if (preDrain.length > 0) {
      setDeleting(
        ctx,
        m,
        "WaitingForPreDrainHook",
        `Waiting for pre-drain hooks to succeed (hooks: ${preDrain.join(",")})`,
      );
      return DONE;
    }
    const drainAllowed =
      !hasAnnotation(m.metadata, ANNOTATION_EXCLUDE_DRAIN) &&
      m.status.deletion.waitForPreTerminateHookStartTimeUs === undefined &&
      infra !== undefined &&
      infra.metadata.deletionTimestampUs === undefined &&
      !drainTimedOut(ctx, m);
    if (drainAllowed) {
      const client = ctx.cache.client();
      if (!client) return { error: `failed to drain Node ${nodeName}: ${ERR_CLUSTER_NOT_CONNECTED}` };
      const node = client.node(nodeName);
      if (node) {
        if (m.status.deletion.nodeDrainStartTimeUs === undefined) {
          m =
            patchMachine(ctx, name, (d) => {
              d.status.deletion.nodeDrainStartTimeUs = ctx.sim.now;
            }) ?? m;
        }
        m = setDeleting(ctx, m, "DrainingNode", "Drain not completed yet");
        if (!node.spec.unschedulable) {
          const r = yield* wait<ApiResult<null>>((done) => client.cordon(nodeName, done));
          if (!r.ok) return { error: `failed to cordon Node ${nodeName}: ${r.error}` };
          ctx.sim.emit("capi.node", nodeName, {
            action: "cordon",
            machine: name,
            message: `Node ${nodeName} cordoned`,
            status:
              nodeConditionOf(node, "Ready")?.status === "True"
                ? "Ready,SchedulingDisabled"
                : "NotReady,SchedulingDisabled",
          });
        }
        const unreachable = isNodeUnreachable(node);
        const f = ctx.features;
        const options = unreachable
          ? {
              skipDeletedOlderThanUs: f.unreachableDrainSkipUs,
              ...(f.unreachableDrainGraceSeconds !== undefined
                ? { gracePeriodSeconds: f.unreachableDrainGraceSeconds }
                : {}),
            }
          : { skipDeletedOlderThanUs: 0 };
        const r = yield* wait<ApiResult<{ readonly remaining: number }>>((done) =>
          client.drain(nodeName, options, done),
        );
        if (!r.ok) return { error: `error draining Machine's node "${nodeName}": ${r.error}` };
        if (r.value.remaining > 0) return { requeueAfterUs: ctx.settings.drainRetryUs };
        ctx.sim.emit("capi.node", nodeName, {
          action: "drain",
          machine: name,
          message: `success draining Machine's node "${nodeName}"`,
        });
      }
    }
  }

  m = ctx.store.get("Machine", name) ?? m;
  const preTerminate = annotationsWithPrefix(m.metadata, PRE_TERMINATE_HOOK_PREFIX);
  if (preTerminate.length > 0) {
    if (m.status.deletion.waitForPreTerminateHookStartTimeUs === undefined) {
      m =
        patchMachine(ctx, name, (d) => {
          d.status.deletion.waitForPreTerminateHookStartTimeUs = ctx.sim.now;
        }) ?? m;
    }
    setDeleting(
      ctx,
      m,
      "WaitingForPreTerminateHook",
      `Waiting for pre-terminate hooks to succeed (hooks: ${preTerminate.join(",")})`,
    );
    return DONE;
  }

  const infraNow = ctx.store.get("InfraMachine", m.spec.infraMachineName);
  if (infraNow) {
    if (infraNow.metadata.deletionTimestampUs === undefined)
      ctx.store.requestDeletion("InfraMachine", infraNow.metadata.name);
    setDeleting(ctx, m, "WaitingForInfrastructureDeletion", "Waiting for InfraMachine to be deleted");
    return DONE;
  }
  if (ctx.store.has("KubeadmConfig", m.spec.bootstrapConfigName))
    ctx.store.remove("KubeadmConfig", m.spec.bootstrapConfigName);

  if (deleteNodeAllowed) {
    m = setDeleting(ctx, m, "DeletingNode", `Deleting Node ${nodeName}`);
    const client = ctx.cache.client();
    let lastError = client ? "" : ERR_CLUSTER_NOT_CONNECTED;
    if (client) {
      const started = ctx.sim.now;
      for (;;) {
        const r = yield* wait<ApiResult<null>>((done) => client.deleteNode(nodeName, done));
        if (r.ok || /not ?found/i.test(r.error)) {
          lastError = "";
          break;
        }
        lastError = r.error;
        if (ctx.sim.now - started >= NODE_DELETE_RETRY_TIMEOUT_US) break;
        yield* wait<null>((done) => ctx.sim.after(NODE_DELETE_POLL_US, () => done(null)));
      }
    }
    if (lastError === "") {
      ctx.sim.emit("capi.node", nodeName, {
        action: "delete",
        machine: name,
        message: `Node ${nodeName} deleted`,
      });
    } else {
      const timeout = m.spec.deletion.nodeDeletionTimeoutUs;
      const deadline = (m.metadata.deletionTimestampUs ?? 0) + timeout;
      if (timeout === 0 || deadline > ctx.sim.now)
        return { error: `error deleting Machine's Node: ${lastError}` };
      ctx.sim.emit("capi.node", nodeName, {
        action: "deleteSkipped",
        machine: name,
        message: "Node deletion timeout expired, continuing without Node deletion.",
      });
    }
  }

  setDeleting(ctx, m, "DeletionCompleted", "Deletion completed");
  ctx.store.remove("Machine", name);
  ctx.sim.emit("capi.machine.phase", name, {
    cluster: m.spec.clusterName,
    from: "Deleting",
    to: "Deleted",
    controlPlane: isControlPlaneMachine(m),
  });
  return DONE;
}

function drainTimedOut(ctx: CapiContext, m: Machine): boolean {
  const timeout = m.spec.deletion.nodeDrainTimeoutUs;
  const start = m.status.deletion.nodeDrainStartTimeUs;
  return timeout > 0 && start !== undefined && ctx.sim.now - start >= timeout;
}

/**
 * `errLastControlPlaneNode`: CAPI counts the active (not deleting) control-plane Machines and keeps
 * the Node of a deleting control-plane Machine when exactly one is active.
 */
function isLastControlPlane(ctx: CapiContext, m: Machine): boolean {
  if (!isControlPlaneMachine(m)) return false;
  const active = ctx.store
    .list("Machine")
    .filter((x) => isControlPlaneMachine(x) && x.metadata.deletionTimestampUs === undefined);
  return active.length === 1;
}

/** True when the Machine's Node is Ready (for views and recovery checks). */
export function machineNodeReady(ctx: CapiContext, m: Machine): boolean {
  const n = m.status.nodeRef ? ctx.cache.client()?.node(m.status.nodeRef.name) : undefined;
  return n !== undefined && isNodeReady(n);
}
