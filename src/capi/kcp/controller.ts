/**
 * The KubeadmControlPlane controller (controlplane/kubeadm/reconcilers/kubeadmcontrolplane,
 * capi-kube.md §2), one reconcile in CAPI's order:
 *
 * 1. judge the Machines (inspect.ts) — impossible while the ClusterCache is disconnected: then the
 *    reconcile fails (after the remote-conditions grace period the conditions go Unknown), so KCP
 *    is blind and neither remediates nor scales;
 * 2. remove etcd members without a Machine (etcd-member-sync.ts);
 * 3. CAPI ≥ 1.9: the `kcp-cleanup` pre-terminate hook (pre-terminate.ts) — move leadership,
 *    remove the member, drop the hook;
 * 4. remediation (remediation.ts) — on a decision to remediate: move leadership, (CAPI ≤ 1.8:
 *    remove the member,) delete the Machine, record `remediation-in-progress`;
 * 5. scale up through the preflight checks (preflight.ts) with a new Machine named
 *    `<kcp>-<random>` carrying the `kcp-cleanup` hook and `remediation-for`; or scale down.
 *
 * Requeues: 30 s while Machines are deleting, 15 s after failed preflight checks, 20 s while the
 * control-plane components are not healthy, 1 s after etcd member cleanup.
 *
 * Trace: `capi.kcp {action, machine, message}` (actions: remediate, blocked, moveLeader,
 * removeMember, removeHook, waiting, scaleUp, scaleDown, preflight).
 */
import { type Draft, produce } from "immer";
import { MILLISECOND, SECOND } from "../../sim/time.js";
import { type CapiContext, isClusterPaused } from "../context.js";
import { patchMachine } from "../machine/controller.js";
import { createMachine } from "../machine/create.js";
import { getCondition, setCondition } from "../objects/conditions.js";
import type { KubeadmControlPlane } from "../objects/kubeadm-control-plane.js";
import { KcpConditions } from "../objects/kubeadm-control-plane.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import {
  ANNOTATION_REMEDIATION_FOR,
  ANNOTATION_REMEDIATION_IN_PROGRESS,
  KCP_CLEANUP_HOOK,
  LABEL_CLUSTER_NAME,
} from "../objects/meta.js";
import { DONE, type ReconcileResult } from "../runtime/controller.js";
import { type Task, wait } from "../runtime/task.js";
import type { ApiResult, WorkloadConnection } from "../workload/api.js";
import { ERR_CLUSTER_NOT_CONNECTED } from "../workload/cluster-cache.js";
import type { ControlPlaneState } from "./control-plane-state.js";
import { decideEtcdMemberSync } from "./etcd-member-sync.js";
import { inspectControlPlane } from "./inspect.js";
import { decidePreTerminate } from "./pre-terminate.js";
import { DELETE_REQUEUE_AFTER_US, preflightChecks } from "./preflight.js";
import { decideRemediation } from "./remediation.js";
import { formatRemediationData } from "./remediation-data.js";

/** Per-KCP memory of what was last traced, so repeated refusals are traced once. */
const lastTraced = new WeakMap<CapiContext, Map<string, string>>();

function traceOnce(
  ctx: CapiContext,
  kcp: string,
  key: string,
  fields: { action: string; machine?: string; message: string },
): void {
  let m = lastTraced.get(ctx);
  if (!m) {
    m = new Map();
    lastTraced.set(ctx, m);
  }
  const text = `${fields.action}|${fields.machine ?? ""}|${fields.message}`;
  if (m.get(`${kcp}/${key}`) === text) return;
  m.set(`${kcp}/${key}`, text);
  ctx.sim.emit("capi.kcp", kcp, fields);
}

function resetTrace(ctx: CapiContext, kcp: string, key: string): void {
  lastTraced.get(ctx)?.delete(`${kcp}/${key}`);
}

/** Applies `recipe` to the stored KCP and writes it. */
export function patchKcp(
  ctx: CapiContext,
  name: string,
  recipe: (d: Draft<KubeadmControlPlane>) => void,
): KubeadmControlPlane | undefined {
  const current = ctx.store.get("KubeadmControlPlane", name);
  if (!current) return undefined;
  const next = produce(current, recipe);
  return next === current ? current : ctx.store.update(next);
}

/** The KCP's Machines, deleting ones included. */
export function kcpMachines(ctx: CapiContext, name: string): Machine[] {
  return ctx.store
    .list("Machine")
    .filter((m) => m.metadata.owner?.kind === "KubeadmControlPlane" && m.metadata.owner.name === name);
}

function k8sAtLeast131(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 31);
}

/** Reconciles one KubeadmControlPlane. */
export function* reconcileKcp(ctx: CapiContext, name: string): Task<ReconcileResult> {
  const kcp0 = ctx.store.get("KubeadmControlPlane", name);
  if (!kcp0 || isClusterPaused(ctx)) return DONE;
  const client = ctx.cache.client();
  if (!client) {
    if (ctx.sim.now - ctx.cache.lastProbeSuccessUs > ctx.settings.remoteConditionsGracePeriodUs)
      markConnectionDown(ctx, name);
    return { error: `cannot get client for the workload cluster: ${ERR_CLUSTER_NOT_CONNECTED}` };
  }
  const etcd = yield* inspectControlPlane(ctx, client, kcpMachines(ctx, name));
  const state = (): ControlPlaneState => ({
    machines: kcpMachines(ctx, name),
    etcdMembers: etcd.members,
    etcdLeader: etcd.leader,
    nodeListError: false,
  });
  const health = aggregateConditions(ctx, name, state());

  // 2. etcd members without Machines.
  const sync = decideEtcdMemberSync(state(), health.etcdHealthy);
  if (sync.kind === "remove") {
    const via = viaNode(state());
    if (via !== undefined) {
      const label = sync.member.name === "" ? `${sync.member.id} (Name not yet assigned)` : sync.member.name;
      const r = yield* wait<ApiResult<null>>((done) =>
        client.etcdRemoveMember(via, sync.member.name === "" ? sync.member.id : sync.member.name, done),
      );
      ctx.sim.emit("capi.kcp", name, {
        action: "removeMember",
        message: r.ok
          ? `Etcd member without a corresponding Machine removed from the cluster: ${label}`
          : `failed to remove etcd member ${label}: ${r.error}`,
      });
      return r.ok
        ? { requeueAfterUs: SECOND }
        : { error: `failed to remove etcd member ${label}: ${r.error}` };
    }
  } else if (sync.kind === "refuse") {
    traceOnce(ctx, name, "sync", { action: "blocked", message: sync.message });
  }

  // 3. The kcp-cleanup pre-terminate hook.
  if (ctx.features.etcdRemovalInPreTerminateHook) {
    const kcp = ctx.store.get("KubeadmControlPlane", name)!;
    const d = decidePreTerminate(state(), k8sAtLeast131(kcp.spec.version));
    if (d.kind === "wait") {
      // Waiting for Machines whose hook is already gone is routine; only a blocked hook is news.
      const m = d.machine === undefined ? undefined : ctx.store.get("Machine", d.machine);
      if (m && m.metadata.annotations[KCP_CLEANUP_HOOK] !== undefined) {
        traceOnce(ctx, name, "hook", { action: "waiting", machine: d.machine!, message: d.message });
      }
      return { requeueAfterUs: DELETE_REQUEUE_AFTER_US };
    }
    if (d.kind === "error") return { error: d.message };
    if (d.kind === "removeHook") {
      removeHook(ctx, d.machine);
      ctx.sim.emit("capi.kcp", name, {
        action: "removeHook",
        machine: d.machine,
        message: "kcp-cleanup hook removed (no etcd member to remove)",
      });
      return { requeueAfterUs: DELETE_REQUEUE_AFTER_US };
    }
    if (d.kind === "removeMember") {
      if (d.forwardLeadershipTo) {
        const moved = yield* forwardLeadership(ctx, client, name, d.member, d.forwardLeadershipTo);
        if (!moved.ok) return { error: moved.error };
      }
      const via = viaNode(state(), d.member);
      if (via === undefined) return { error: "unable to remove etcd member: no etcd Pod to reach" };
      const r = yield* wait<ApiResult<null>>((done) => client.etcdRemoveMember(via, d.member, done));
      if (!r.ok) {
        traceOnce(ctx, name, "hook", {
          action: "removeMember",
          machine: d.machine,
          message: `failed to remove etcd member for deleting Machine ${d.machine}: ${r.error}`,
        });
        return { error: `failed to remove etcd member for deleting Machine ${d.machine}: ${r.error}` };
      }
      ctx.sim.emit("capi.kcp", name, {
        action: "removeMember",
        machine: d.machine,
        message: `etcd member ${d.member} removed (pre-terminate hook)`,
      });
      removeHook(ctx, d.machine);
      resetTrace(ctx, name, "hook");
      return { requeueAfterUs: DELETE_REQUEUE_AFTER_US };
    }
  }

  // 4. Remediation.
  const kcp = ctx.store.get("KubeadmControlPlane", name)!;
  const decision = decideRemediation(kcp, state(), ctx.sim.now, ctx.features);
  if (decision.dropStaleInProgress) {
    patchKcp(ctx, name, (k) => {
      const a = { ...k.metadata.annotations };
      delete a[ANNOTATION_REMEDIATION_IN_PROGRESS];
      k.metadata.annotations = a;
    });
  }
  if (decision.kind === "blocked") {
    patchMachine(ctx, decision.machine, (m) => {
      m.status.conditions = setCondition(
        m.status.conditions,
        {
          type: MachineConditions.OwnerRemediated,
          status: "False",
          reason: decision.reason,
          message: decision.message,
        },
        ctx.sim.now,
      ) as typeof m.status.conditions;
    });
    traceOnce(ctx, name, "remediation", {
      action: "blocked",
      machine: decision.machine,
      message: `${decision.reason}: ${decision.message}`,
    });
  } else if (decision.kind === "remediate") {
    if (decision.forwardLeadership) {
      const moved = yield* forwardLeadership(
        ctx,
        client,
        name,
        decision.forwardLeadership.from,
        decision.forwardLeadership.candidates,
      );
      if (!moved.ok) {
        patchMachine(ctx, decision.machine, (m) => {
          m.status.conditions = setCondition(
            m.status.conditions,
            {
              type: MachineConditions.OwnerRemediated,
              status: "False",
              reason: "CannotBeRemediated",
              message: moved.error,
            },
            ctx.sim.now,
          ) as typeof m.status.conditions;
        });
        return { error: moved.error };
      }
    }
    if (decision.removeEtcdMemberFirst !== undefined) {
      const member = decision.removeEtcdMemberFirst;
      const via = viaNode(state(), member);
      const r =
        via === undefined
          ? ({ ok: false, error: "no etcd Pod to reach" } as const)
          : yield* wait<ApiResult<null>>((done) => client.etcdRemoveMember(via, member, done));
      if (!r.ok) return { error: `Failed to remove etcd member for machine: ${r.error}` };
      ctx.sim.emit("capi.kcp", name, {
        action: "removeMember",
        machine: decision.machine,
        message: `etcd member ${member} removed before deleting the Machine`,
      });
    }
    ctx.store.requestDeletion("Machine", decision.machine);
    patchMachine(ctx, decision.machine, (m) => {
      m.status.conditions = setCondition(
        m.status.conditions,
        {
          type: MachineConditions.OwnerRemediated,
          status: "False",
          reason: "MachineDeleting",
          message: "Machine is deleting",
        },
        ctx.sim.now,
      ) as typeof m.status.conditions;
    });
    patchKcp(ctx, name, (k) => {
      k.metadata.annotations = {
        ...k.metadata.annotations,
        [ANNOTATION_REMEDIATION_IN_PROGRESS]: formatRemediationData(decision.data),
      };
      k.status.lastRemediation = {
        machine: decision.machine,
        timeUs: decision.data.timestampUs,
        retryCount: decision.data.retryCount,
      };
    });
    resetTrace(ctx, name, "remediation");
    ctx.sim.emit("capi.kcp", name, {
      action: "remediate",
      machine: decision.machine,
      message: `Deleting Machine ${decision.machine} (remediating unhealthy Machine)`,
    });
    return { requeueAfterUs: MILLISECOND };
  }

  // 5. Scale.
  const machines = kcpMachines(ctx, name);
  const current = ctx.store.get("KubeadmControlPlane", name)!;
  const desired = current.spec.replicas;
  const inProgress = current.metadata.annotations[ANNOTATION_REMEDIATION_IN_PROGRESS];
  if (machines.length < desired && machines.length > 0) {
    const pre = preflightChecks(state(), true, inProgress !== undefined, ctx.features);
    if (!pre.ok) {
      traceOnce(ctx, name, "preflight", {
        action: "preflight",
        message: `Waiting for control plane to pass preflight checks to continue reconciliation: ${pre.messages.join("; ")}`,
      });
      return { requeueAfterUs: pre.requeueAfterUs };
    }
    resetTrace(ctx, name, "preflight");
    const annotations: Record<string, string> = {};
    if (ctx.features.etcdRemovalInPreTerminateHook) annotations[KCP_CLEANUP_HOOK] = "";
    if (inProgress !== undefined) annotations[ANNOTATION_REMEDIATION_FOR] = inProgress;
    const m = createMachine(ctx, {
      owner: { kind: "KubeadmControlPlane", name },
      controlPlane: true,
      labels: { [LABEL_CLUSTER_NAME]: ctx.clusterName },
      annotations,
      version: current.spec.version,
      deletion: current.spec.deletion,
    });
    if (inProgress !== undefined) {
      patchKcp(ctx, name, (k) => {
        const a = { ...k.metadata.annotations };
        delete a[ANNOTATION_REMEDIATION_IN_PROGRESS];
        k.metadata.annotations = a;
      });
    }
    ctx.sim.emit("capi.kcp", name, {
      action: "scaleUp",
      machine: m.metadata.name,
      message: `Scaling up control plane to ${desired} replicas (actual ${machines.length})`,
    });
    return DONE;
  }
  if (machines.length > desired) {
    const pre = preflightChecks(state(), false, false, ctx.features);
    if (!pre.ok) {
      traceOnce(ctx, name, "preflight", {
        action: "preflight",
        message: `Waiting for control plane to pass preflight checks to continue reconciliation: ${pre.messages.join("; ")}`,
      });
      return { requeueAfterUs: pre.requeueAfterUs };
    }
    const victim = machines
      .filter((m) => m.metadata.deletionTimestampUs === undefined)
      .sort((a, b) => a.metadata.creationTimestampUs - b.metadata.creationTimestampUs)[0];
    if (victim) {
      ctx.store.requestDeletion("Machine", victim.metadata.name);
      ctx.sim.emit("capi.kcp", name, {
        action: "scaleDown",
        machine: victim.metadata.name,
        message: `Scaling down control plane to ${desired} replicas`,
      });
    }
    return DONE;
  }
  return health.componentsHealthy ? DONE : { requeueAfterUs: 20 * SECOND };
}

/** A Node whose etcd Pod KCP can port-forward to: a healthy member's, not `avoid`. */
function viaNode(state: ControlPlaneState, avoid?: string): string | undefined {
  const ms = state.machines.filter(
    (m) =>
      m.status.nodeRef !== undefined &&
      m.metadata.deletionTimestampUs === undefined &&
      m.status.nodeRef.name !== avoid,
  );
  const healthy = ms.find(
    (m) => getCondition(m.status.conditions, MachineConditions.EtcdMemberHealthy)?.status === "True",
  );
  return (healthy ?? ms[0])?.status.nodeRef?.name;
}

function* forwardLeadership(
  ctx: CapiContext,
  client: WorkloadConnection,
  kcp: string,
  from: string,
  candidates: readonly string[],
): Task<{ ok: true } | { ok: false; error: string }> {
  for (const to of candidates) {
    const r = yield* wait<ApiResult<null>>((done) => client.etcdMoveLeader(from, to, done));
    if (r.ok) {
      ctx.sim.emit("capi.kcp", kcp, {
        action: "moveLeader",
        message: `Moved etcd leadership from ${from} to ${to}`,
      });
      return { ok: true };
    }
  }
  return { ok: false, error: "failed to move etcd leadership" };
}

function removeHook(ctx: CapiContext, machine: string): void {
  patchMachine(ctx, machine, (m) => {
    const a = { ...m.metadata.annotations };
    delete a[KCP_CLEANUP_HOOK];
    m.metadata.annotations = a;
  });
}

/** KCP's EtcdClusterHealthy and ControlPlaneComponentsHealthy from its Machines. */
function aggregateConditions(
  ctx: CapiContext,
  name: string,
  state: ControlPlaneState,
): { etcdHealthy: boolean; componentsHealthy: boolean } {
  const judged = state.machines.filter(
    (m) => m.status.nodeRef !== undefined && m.metadata.deletionTimestampUs === undefined,
  );
  const agg = (types: readonly string[]): "True" | "False" | "Unknown" => {
    let unknown = false;
    for (const m of judged) {
      for (const t of types) {
        const s = getCondition(m.status.conditions, t)?.status ?? "Unknown";
        if (s === "False") return "False";
        if (s === "Unknown") unknown = true;
      }
    }
    return unknown ? "Unknown" : "True";
  };
  const memberNames = new Set(state.etcdMembers.map((x) => x.name));
  const matching =
    judged.every((m) => memberNames.has(m.status.nodeRef!.name)) &&
    state.etcdMembers.every((x) => judged.some((m) => m.status.nodeRef!.name === x.name));
  let etcd = agg([MachineConditions.EtcdMemberHealthy]);
  if (etcd === "True" && !matching) etcd = "False";
  const components = agg([
    MachineConditions.APIServerPodHealthy,
    MachineConditions.ControllerManagerPodHealthy,
    MachineConditions.SchedulerPodHealthy,
    MachineConditions.EtcdPodHealthy,
  ]);
  const reason = (s: string) => (s === "True" ? "Healthy" : s === "False" ? "NotHealthy" : "HealthUnknown");
  patchKcp(ctx, name, (k) => {
    let cs = k.status.conditions as KubeadmControlPlane["status"]["conditions"];
    cs = setCondition(
      cs,
      { type: KcpConditions.EtcdClusterHealthy, status: etcd, reason: reason(etcd), message: "" },
      ctx.sim.now,
    );
    cs = setCondition(
      cs,
      {
        type: KcpConditions.ControlPlaneComponentsHealthy,
        status: components,
        reason: reason(components),
        message: "",
      },
      ctx.sim.now,
    );
    k.status.conditions = cs as typeof k.status.conditions;
    k.status.replicas = state.machines.length;
    k.status.readyReplicas = judged.filter(
      (m) => getCondition(m.status.conditions, MachineConditions.NodeReady)?.status === "True",
    ).length;
    k.status.updatedReplicas = state.machines.length;
  });
  return { etcdHealthy: etcd === "True", componentsHealthy: components === "True" };
}

/** After the remote-conditions grace period without a successful probe, everything is Unknown. */
function markConnectionDown(ctx: CapiContext, name: string): void {
  const message = "Remote connection probe failed";
  for (const m of kcpMachines(ctx, name)) {
    patchMachine(ctx, m.metadata.name, (d) => {
      let cs = d.status.conditions as Machine["status"]["conditions"];
      for (const type of [
        MachineConditions.APIServerPodHealthy,
        MachineConditions.ControllerManagerPodHealthy,
        MachineConditions.SchedulerPodHealthy,
        MachineConditions.EtcdPodHealthy,
        MachineConditions.EtcdMemberHealthy,
      ]) {
        cs = setCondition(cs, { type, status: "Unknown", reason: "ConnectionDown", message }, ctx.sim.now);
      }
      d.status.conditions = cs as typeof d.status.conditions;
    });
  }
  patchKcp(ctx, name, (k) => {
    let cs = k.status.conditions as KubeadmControlPlane["status"]["conditions"];
    cs = setCondition(
      cs,
      { type: KcpConditions.EtcdClusterHealthy, status: "Unknown", reason: "ConnectionDown", message },
      ctx.sim.now,
    );
    cs = setCondition(
      cs,
      {
        type: KcpConditions.ControlPlaneComponentsHealthy,
        status: "Unknown",
        reason: "ConnectionDown",
        message,
      },
      ctx.sim.now,
    );
    k.status.conditions = cs as typeof k.status.conditions;
  });
}
