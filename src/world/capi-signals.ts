/**
 * Signals of the Cluster API layer, derived from its trace records (src/capi, docs/capi.md):
 *
 * - `machine[].phase`: a Machine's phase as `kubectl get machines` shows it (Pending, Provisioning,
 *   Provisioned, Running, Deleting, Deleted) — subjects are the Machines that exist at the start;
 * - `virtualmachine[].powerState`: the power state the infrastructure object reports, as last
 *   observed by its controller (seed 001 saw `poweredOn` for a VM that was off);
 * - `machines.running`: Machines in phase Running;
 * - `machines.remediated`: Machines MachineHealthCheck handed to their owner so far;
 * - `capi.controllers.running`: the CAPI controllers run (false while a self-hosted management
 *   cluster has lost its workload cluster's quorum);
 * - `capi.connected`: the ClusterCache holds a connection to the workload cluster (false: MHC and
 *   KCP are blind);
 * - `recovery.complete`: every desired Machine Running with a Ready Node, every etcd member a
 *   healthy voter (exactly the desired count) and every desired pod available.
 */
import { capiOf } from "./capi-world.js";
import type { World } from "./world.js";

/** Registers the CAPI signals and event kinds. */
export function installCapiSignals(world: World): void {
  const machines = (w: World) => w.vmNames();
  world.addSignal({
    name: "machine[].phase",
    type: "string",
    summary:
      "The Machine's phase (kubectl get machines): Pending, Provisioning, Provisioned, Running, Deleting, Deleted",
    subjects: machines,
    values: () => ["Pending", "Provisioning", "Provisioned", "Running", "Deleting", "Deleted", "Failed"],
    initial: () => "Running",
    kinds: ["capi.machine.phase"],
    next: (_v, r, s) => (r.subject === s ? String(r.to) : undefined),
  });
  world.addSignal({
    name: "virtualmachine[].powerState",
    type: "string",
    summary:
      "The power state the infrastructure object (VM Operator VirtualMachine / CAPV VSphereVM) reports: what its controller last observed, not vCenter's",
    subjects: machines,
    values: () => ["poweredOn", "poweredOff", "suspended"],
    initial: () => "poweredOn",
    kinds: ["capi.infra.powerState"],
    next: (_v, r, s) => (r.subject === s ? String(r.to) : undefined),
  });
  world.addSignal({
    name: "machines.running",
    type: "number",
    summary: "Number of Machines in phase Running",
    initial: (w) => w.vmNames().length,
    kinds: ["capi.machine.phase"],
    next: (v, r) => {
      const was = r.from === "Running";
      const is = r.to === "Running";
      return was === is ? undefined : (v as number) + (is ? 1 : -1);
    },
  });
  world.addSignal({
    name: "machines.remediated",
    type: "number",
    summary: "Machines MachineHealthCheck marked unhealthy and handed to their owner so far",
    initial: () => 0,
    kinds: ["capi.mhc"],
    next: (v, r) => (r.event === "MachineMarkedUnhealthy" ? (v as number) + 1 : undefined),
  });
  world.addSignal({
    name: "capi.controllers.running",
    type: "boolean",
    summary:
      "The CAPI controllers run (a self-hosted management cluster stops them when its cluster loses quorum)",
    initial: () => true,
    kinds: ["capi.controllers"],
    next: (_v, r) => r.running === true,
  });
  world.addSignal({
    name: "capi.connected",
    type: "boolean",
    summary:
      "The ClusterCache is connected to the workload cluster (false: MachineHealthCheck and KCP are blind)",
    initial: () => true,
    kinds: ["capi.clusterCache"],
    next: (_v, r) => r.connected === true,
  });
  world.addSignal({
    name: "recovery.complete",
    type: "boolean",
    summary:
      "The cluster is whole: desired Machines Running with Ready Nodes, etcd members all healthy voters, desired pods available",
    initial: (w) => capiOf(w) !== undefined,
    kinds: ["capi.recovery"],
    next: (_v, r) => r.complete === true,
  });
  const kinds: [string, string][] = [
    ["capi.machine.phase", "a Machine changed phase"],
    ["capi.machine.created", "a Machine was created (a replacement or a scale-up)"],
    ["capi.mhc", "MachineHealthCheck marked a Machine unhealthy or was short-circuited"],
    ["capi.kcp", "KubeadmControlPlane acted or refused (remediation, etcd member, scale)"],
    ["capi.machineset", "a MachineSet remediated or scaled"],
    ["capi.node", "CAPI cordoned, drained or deleted a Node"],
    ["capi.infra", "the infrastructure provider cloned, powered on or destroyed a VM"],
    ["kubeadm.join", "a line of kubeadm join on a new VM"],
    ["capi.controllers", "the CAPI controllers stopped or started"],
    ["capi.clusterCache", "the ClusterCache lost or regained the workload cluster"],
  ];
  for (const [k, s] of kinds) world.addEventKind(k, s);
}
