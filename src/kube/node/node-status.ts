/**
 * The node status the kubelet computes and posts (kubernetes `pkg/kubelet/kubelet_node_status.go`,
 * `nodestatus/setters.go`): Ready=True (KubeletReady) while the container runtime answers and its
 * pod network is ready, else Ready=False (KubeletNotReady, "container runtime is down", or
 * "container runtime network not ready … cni plugin not initialized" on a new node whose CNI agent
 * has not started yet); the pressure conditions stay False.
 * A condition keeps its lastTransitionTime until its status changes; every post refreshes
 * lastHeartbeatTime.
 */
import { castDraft, produce } from "immer";
import type { Micros } from "../../sim/time.js";
import type { ConditionStatus, Node, NodeCondition, NodeConditionType } from "../objects/node.js";

interface Desired {
  readonly type: NodeConditionType;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** The conditions a kubelet reports, given whether its runtime is up and its pod network ready. */
export function desiredConditions(runtimeUp: boolean, networkReady = true): readonly Desired[] {
  return [
    {
      type: "MemoryPressure",
      status: "False",
      reason: "KubeletHasSufficientMemory",
      message: "kubelet has sufficient memory available",
    },
    {
      type: "DiskPressure",
      status: "False",
      reason: "KubeletHasNoDiskPressure",
      message: "kubelet has no disk pressure",
    },
    {
      type: "PIDPressure",
      status: "False",
      reason: "KubeletHasSufficientPID",
      message: "kubelet has sufficient PID available",
    },
    !runtimeUp
      ? {
          type: "Ready",
          status: "False",
          reason: "KubeletNotReady",
          message: "container runtime is down: rpc error: code = Unavailable desc = connection error",
        }
      : !networkReady
        ? {
            type: "Ready",
            status: "False",
            reason: "KubeletNotReady",
            message:
              "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
          }
        : {
            type: "Ready",
            status: "True",
            reason: "KubeletReady",
            message: "kubelet is posting ready status",
          },
  ];
}

/** True when the stored conditions differ from the desired ones in anything but heartbeat times. */
export function conditionsChanged(node: Node, desired: readonly Desired[]): boolean {
  for (const d of desired) {
    const c = node.status.conditions.find((x) => x.type === d.type);
    if (!c || c.status !== d.status || c.reason !== d.reason) return true;
  }
  return false;
}

/** The node with the desired conditions posted now. */
export function withConditions(node: Node, desired: readonly Desired[], now: Micros): Node {
  const conditions: NodeCondition[] = desired.map((d) => {
    const old = node.status.conditions.find((x) => x.type === d.type);
    return {
      type: d.type,
      status: d.status,
      reason: d.reason,
      message: d.message,
      lastHeartbeatTimeUs: now,
      lastTransitionTimeUs: old && old.status === d.status ? old.lastTransitionTimeUs : now,
    };
  });
  return produce(node, (draft) => {
    draft.status.conditions = castDraft(conditions);
  });
}
