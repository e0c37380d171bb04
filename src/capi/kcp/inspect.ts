/**
 * How KCP judges its Machines at the start of every reconcile (`reconcileControlPlaneAndMachines
 * Conditions`, controlplane/kubeadm/pkg/workload_cluster_conditions.go, capi-kube.md §2.4):
 *
 * - the static-Pod conditions (APIServerPodHealthy, ControllerManagerPodHealthy,
 *   SchedulerPodHealthy, EtcdPodHealthy) from the mirror Pods in the ClusterCache; Unknown
 *   ("Node Ready condition is Unknown, Pod data might be stale") when the Node is unreachable,
 *   False for a deleting Machine, Unknown while a Machine has no Node yet;
 * - EtcdMemberHealthy from the etcd member list, fetched through a port-forward to the etcd Pod of
 *   the first Node that answers (CAPI ≥ 1.10; Nodes whose member was healthy last time first). A
 *   listed voting member without alarms is healthy. CAPI ≤ 1.9 asked each Node's own member, so an
 *   unreachable member was Unknown ("Failed to connect to the etcd pod on the … node").
 *
 * The member list and leader become KCP's view for its decisions (control-plane-state.ts).
 */
import type { CapiContext } from "../context.js";
import { patchMachine } from "../machine/controller.js";
import { type ConditionInput, isTrue, setCondition } from "../objects/conditions.js";
import type { Machine } from "../objects/machine.js";
import { MachineConditions } from "../objects/machine.js";
import { isNodeUnreachable } from "../objects/node-view.js";
import { type Task, wait } from "../runtime/task.js";
import type {
  ApiResult,
  ControlPlaneComponent,
  EtcdMemberList,
  PodHealth,
  WorkloadConnection,
} from "../workload/api.js";
import type { EtcdMemberView } from "./control-plane-state.js";

const POD_CONDITIONS: readonly [ControlPlaneComponent, string][] = [
  ["kube-apiserver", MachineConditions.APIServerPodHealthy],
  ["kube-controller-manager", MachineConditions.ControllerManagerPodHealthy],
  ["kube-scheduler", MachineConditions.SchedulerPodHealthy],
  ["etcd", MachineConditions.EtcdPodHealthy],
];

/** What the inspection found about etcd. */
export interface EtcdInspection {
  readonly members: readonly EtcdMemberView[];
  readonly leader: string | undefined;
}

function podCondition(type: string, health: PodHealth | undefined): ConditionInput {
  switch (health) {
    case "Running":
      return { type, status: "True", reason: "Running", message: "" };
    case "Provisioning":
      return {
        type,
        status: "False",
        reason: "Provisioning",
        message: "Waiting for startup or readiness probes",
      };
    case "Failed":
      return { type, status: "False", reason: "Failed", message: "All the containers have been terminated" };
    case "Unknown":
      return {
        type,
        status: "Unknown",
        reason: "InspectionFailed",
        message: "Pod is reporting Unknown status",
      };
    default:
      return { type, status: "False", reason: "DoesNotExist", message: "Pod does not exist" };
  }
}

/** Sets conditions on one Machine (as stored now) and writes it when they changed. */
function setAll(ctx: CapiContext, m: Machine, conds: readonly ConditionInput[]): void {
  patchMachine(ctx, m.metadata.name, (d) => {
    let cs = d.status.conditions as Machine["status"]["conditions"];
    for (const c of conds) cs = setCondition(cs, c, ctx.sim.now);
    d.status.conditions = cs as typeof d.status.conditions;
  });
}

/** Computes and writes the per-Machine conditions; returns the etcd view. */
export function* inspectControlPlane(
  ctx: CapiContext,
  client: WorkloadConnection,
  machines: readonly Machine[],
): Task<EtcdInspection> {
  for (const m of machines) {
    if (m.metadata.deletionTimestampUs !== undefined) {
      setAll(
        ctx,
        m,
        POD_CONDITIONS.map(([, type]) => ({
          type,
          status: "False",
          reason: "Deleting",
          message: "Machine is deleting",
        })),
      );
      continue;
    }
    const nodeName = m.status.nodeRef?.name;
    if (nodeName === undefined) {
      const message = "Waiting for a Node with spec.providerID to exist";
      setAll(
        ctx,
        m,
        POD_CONDITIONS.map(([, type]) => ({ type, status: "Unknown", reason: "InspectionFailed", message })),
      );
      continue;
    }
    const node = client.node(nodeName);
    if (!node) {
      setAll(
        ctx,
        m,
        POD_CONDITIONS.map(([, type]) => ({
          type,
          status: "False",
          reason: "DoesNotExist",
          message: `Node ${nodeName} does not exist`,
        })),
      );
      continue;
    }
    if (isNodeUnreachable(node)) {
      const message = "Node Ready condition is Unknown, Pod data might be stale";
      setAll(
        ctx,
        m,
        POD_CONDITIONS.map(([, type]) => ({ type, status: "Unknown", reason: "InspectionFailed", message })),
      );
      continue;
    }
    const pods = client.controlPlanePods(nodeName);
    setAll(
      ctx,
      m,
      POD_CONDITIONS.map(([component, type]) => podCondition(type, pods?.get(component))),
    );
  }
  return yield* inspectEtcd(ctx, client, machines);
}

function* inspectEtcd(
  ctx: CapiContext,
  client: WorkloadConnection,
  machines: readonly Machine[],
): Task<EtcdInspection> {
  for (const m of machines) {
    if (m.metadata.deletionTimestampUs !== undefined) {
      setAll(ctx, m, [
        {
          type: MachineConditions.EtcdMemberHealthy,
          status: "False",
          reason: "Deleting",
          message: "Machine is deleting",
        },
      ]);
    } else if (m.status.nodeRef === undefined) {
      setAll(ctx, m, [
        {
          type: MachineConditions.EtcdMemberHealthy,
          status: "Unknown",
          reason: "InspectionFailed",
          message: "Waiting for a Node with spec.providerID to exist",
        },
      ]);
    }
  }
  const candidates = machines
    .filter((m) => m.status.nodeRef !== undefined && m.metadata.deletionTimestampUs === undefined)
    .sort(
      (a, b) =>
        Number(isTrue(b.status.conditions, MachineConditions.EtcdMemberHealthy)) -
        Number(isTrue(a.status.conditions, MachineConditions.EtcdMemberHealthy)),
    );
  if (candidates.length === 0) return { members: [], leader: undefined };

  let list: EtcdMemberList | undefined;
  let lastError = "";
  const reachable = new Set<string>();
  for (const m of candidates) {
    const node = m.status.nodeRef!.name;
    const r = yield* wait<ApiResult<EtcdMemberList>>((done) => client.etcdMembers(node, done));
    if (r.ok) {
      reachable.add(node);
      list ??= r.value;
      if (!ctx.features.etcdHealthPerMember) break;
    } else {
      lastError = r.error;
      if (ctx.features.etcdHealthPerMember) {
        setAll(ctx, m, [
          {
            type: MachineConditions.EtcdMemberHealthy,
            status: "Unknown",
            reason: "InspectionFailed",
            message: `Failed to connect to the etcd pod on the ${node} node: ${r.error}`,
          },
        ]);
      }
    }
  }
  if (!list) {
    for (const m of candidates) {
      setAll(ctx, m, [
        {
          type: MachineConditions.EtcdMemberHealthy,
          status: "Unknown",
          reason: "InspectionFailed",
          message: `Failed to connect to etcd: ${lastError}`,
        },
      ]);
    }
    return { members: [], leader: undefined };
  }
  const names = list.members
    .map((x) => x.name)
    .filter((x) => x !== "")
    .sort()
    .join(", ");
  for (const m of candidates) {
    const node = m.status.nodeRef!.name;
    if (ctx.features.etcdHealthPerMember && !reachable.has(node)) continue;
    const member = list.members.find((x) => x.name === node);
    let c: ConditionInput;
    if (!member) {
      c = {
        type: MachineConditions.EtcdMemberHealthy,
        status: "False",
        reason: "NotHealthy",
        message: `Etcd reports the cluster is composed by ${names}, but the etcd member hosted on Machine ${m.metadata.name} (${node}) is not included`,
      };
    } else if (member.isLearner) {
      c = {
        type: MachineConditions.EtcdMemberHealthy,
        status: "False",
        reason: "NotHealthy",
        message: "Waiting for learner etcd member to be promoted",
      };
    } else if (member.alarms.length > 0) {
      c = {
        type: MachineConditions.EtcdMemberHealthy,
        status: "False",
        reason: "NotHealthy",
        message: `Etcd reports alarms: ${member.alarms.join(", ")}`,
      };
    } else {
      c = { type: MachineConditions.EtcdMemberHealthy, status: "True", reason: "Healthy", message: "" };
    }
    setAll(ctx, m, [c]);
  }
  return { members: list.members, leader: list.leader };
}
