/**
 * The Cluster API half of the action vocabulary (spread into ACTIONS in vocabulary.ts): what an
 * operator does to the management cluster with kubectl — delete a Machine, ask for its
 * remediation, pause the cluster, scale — targeting Machines by name, by `controlPlane[i]` /
 * `worker[i]` for the Machines that exist at the start, or by the roles
 * `capi.controlPlaneMachines[i]` / `capi.workerMachines[i]` for whatever exists when the step runs.
 */
import { z } from "zod";
import type { ActionSpec } from "./vocabulary.js";

/** Cluster API actions. */
export const CAPI_ACTIONS: readonly ActionSpec[] = [
  {
    name: "kubectl.deleteMachine",
    target: "vm",
    args: {},
    summary: "kubectl delete machine <name>: its owner replaces it after the deletion sequence",
  },
  {
    name: "capi.remediateMachine",
    target: "vm",
    args: {},
    summary:
      "kubectl annotate machine <name> cluster.x-k8s.io/remediate-machine= : MHC marks it unhealthy at once",
  },
  {
    name: "capi.pause",
    target: "none",
    args: {},
    summary: "Pause the Cluster (spec.paused: true): CAPI controllers leave its objects alone",
  },
  {
    name: "capi.resume",
    target: "none",
    args: {},
    summary: "Unpause the Cluster (spec.paused: false)",
  },
  {
    name: "capi.scale",
    target: "none",
    args: {
      controlPlane: z.number().int().min(1).max(9).optional().describe("KubeadmControlPlane replicas (odd)"),
      workers: z.number().int().min(0).max(500).optional().describe("MachineDeployment replicas"),
    },
    summary: "kubectl scale kcp / machinedeployment: change the desired number of Machines",
  },
];
