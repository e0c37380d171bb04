/**
 * Pod status as the kubelet reports it (kubernetes `pkg/kubelet/status`): ContainerCreating while the
 * sandbox and container start, then Running with Ready=True once the container runs (the model's
 * workloads have no readiness probe), with the pod IP and host IP. Static pods (reported through
 * their mirror pods, `mirror-pods.ts`) use the same builders, with readiness from their probes and
 * CrashLoopBackOff while a crashed container waits out its back-off.
 */
import type { Micros } from "../../sim/time.js";
import type { Pod, PodCondition } from "../objects/pod.js";

function conditions(pod: Pod, ready: boolean, now: Micros): PodCondition[] {
  const status = ready ? "True" : "False";
  const keep = (type: PodCondition["type"], s: PodCondition["status"]): PodCondition => {
    const old = pod.status.conditions.find((c) => c.type === type);
    return {
      type,
      status: s,
      lastTransitionTimeUs: old && old.status === s ? old.lastTransitionTimeUs : now,
    };
  };
  return [
    keep("PodScheduled", "True"),
    keep("Initialized", "True"),
    keep("ContainersReady", status),
    keep("Ready", status),
  ];
}

/**
 * The pod while its container waits (`reason`: ContainerCreating, CrashLoopBackOff). A pod that ran
 * before (its container is being restarted after a reboot or a crash) stays in phase Running: the
 * kubelet counts a waiting container with a previous termination as restarting, not pending
 * (`getPhase`, pkg/kubelet/kubelet_pods.go); only a first start is Pending.
 */
export function waitingStatus(
  pod: Pod,
  now: Micros,
  hostIP: string,
  reason: string,
  restartCount: number = pod.status.restartCount,
): Pod {
  return {
    ...pod,
    status: {
      ...pod.status,
      phase: pod.status.phase === "Running" ? "Running" : "Pending",
      conditions: conditions(pod, false, now),
      hostIP,
      waitingReason: reason,
      startTimeUs: pod.status.startTimeUs ?? now,
      restartCount,
    },
  };
}

/** The pod while its container is being created (see `waitingStatus`). */
export function creatingStatus(pod: Pod, now: Micros, hostIP: string): Pod {
  return waitingStatus(pod, now, hostIP, "ContainerCreating");
}

/** The pod with its container running at `ip`; `ready` false while a probe says it is not. */
export function runningStatus(
  pod: Pod,
  now: Micros,
  ip: string,
  hostIP: string,
  restartCount: number,
  ready = true,
): Pod {
  const { waitingReason: _w, reason: _r, ...rest } = pod.status;
  return {
    ...pod,
    status: {
      ...rest,
      phase: "Running",
      conditions: conditions(pod, ready, now),
      podIP: ip,
      hostIP,
      startTimeUs: pod.status.startTimeUs ?? now,
      restartCount,
    },
  };
}
