/** Builders for Cluster API tests: Machines in given states, Nodes with given conditions. */

import { newCluster, newMachine } from "../../src/capi/objects/build.js";
import type { Cluster } from "../../src/capi/objects/cluster.js";
import type { Condition, ConditionStatus } from "../../src/capi/objects/conditions.js";
import type { Machine } from "../../src/capi/objects/machine.js";
import type { NodeView } from "../../src/capi/objects/node-view.js";
import { MINUTE, SECOND } from "../../src/sim/time.js";

export const T0 = 10 * MINUTE;

export function cond(type: string, status: ConditionStatus, at = 0, reason = "", message = ""): Condition {
  return { type, status, reason, message, lastTransitionTimeUs: at };
}

export function cluster(readyAtUs = 0): Cluster {
  return newCluster({ name: "c1", nowUs: 0, endpoint: "lb:6443", readyAtUs });
}

export interface MachineOptions {
  readonly createdAt?: number;
  readonly node?: boolean;
  readonly controlPlane?: boolean;
  readonly conditions?: readonly Condition[];
  readonly deleting?: number;
  readonly annotations?: Record<string, string>;
  readonly infraReady?: boolean;
}

/** A Machine; with `node` (default true) it references a Node of the same name and is provisioned. */
export function machine(name: string, o: MachineOptions = {}): Machine {
  const m = newMachine({
    name,
    clusterName: "c1",
    nowUs: o.createdAt ?? 0,
    owner: o.controlPlane ? { kind: "KubeadmControlPlane", name: "kcp" } : { kind: "MachineSet", name: "ms" },
    labels: o.controlPlane ? { "cluster.x-k8s.io/control-plane": "" } : { "cluster.x-k8s.io/set-name": "ms" },
    ...(o.annotations ? { annotations: o.annotations } : {}),
  });
  const hasNode = o.node ?? true;
  return {
    ...m,
    metadata: { ...m.metadata, ...(o.deleting !== undefined ? { deletionTimestampUs: o.deleting } : {}) },
    spec: hasNode ? { ...m.spec, providerID: `vsphere://${name}` } : m.spec,
    status: {
      ...m.status,
      phase: hasNode ? "Running" : "Pending",
      bootstrapReady: true,
      infrastructureReady: o.infraReady ?? hasNode,
      ...(hasNode ? { nodeRef: { name } } : {}),
      conditions: o.conditions ?? [],
    },
  };
}

/** A Node whose Ready condition has had `status` since `since`. */
export function node(name: string, status: ConditionStatus = "True", since = 0): NodeView {
  return {
    metadata: { name, creationTimestampUs: 0 },
    spec: { unschedulable: false, taints: [] },
    status: {
      conditions: [
        {
          type: "Ready",
          status,
          reason:
            status === "True" ? "KubeletReady" : status === "False" ? "KubeletNotReady" : "NodeStatusUnknown",
          lastTransitionTimeUs: since,
        },
      ],
    },
  };
}

/** Every KCP per-Machine condition True (a healthy control-plane Machine). */
export function healthyCpConditions(at = 0): Condition[] {
  return [
    "APIServerPodHealthy",
    "ControllerManagerPodHealthy",
    "SchedulerPodHealthy",
    "EtcdPodHealthy",
    "EtcdMemberHealthy",
    "HealthCheckSucceeded",
  ].map((t) => cond(t, "True", at));
}

/** Conditions of a control-plane Machine MHC marked for remediation, with its components down. */
export function unhealthyCpConditions(at = 0): Condition[] {
  return [
    cond("APIServerPodHealthy", "Unknown", at),
    cond("ControllerManagerPodHealthy", "Unknown", at),
    cond("SchedulerPodHealthy", "Unknown", at),
    cond("EtcdPodHealthy", "Unknown", at),
    cond("EtcdMemberHealthy", "Unknown", at),
    cond("HealthCheckSucceeded", "False", at, "UnhealthyNode"),
    cond("OwnerRemediated", "False", at, "WaitingForRemediation"),
  ];
}

export const S = SECOND;
