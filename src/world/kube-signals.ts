/**
 * Signals of the Kubernetes layer, derived from the trace (records written by the cluster observer,
 * the probes, the apiservers and the leader electors; src/kube/observer.ts and docs/kubernetes.md):
 *
 * - nodes: `node[].ready`, `node[].condition` (True / False / Unknown), `node[].schedulable`,
 *   `nodes.ready`;
 * - pods: `pods.available` (Running and Ready in the API), `pods.pending`, `pods.terminating`,
 *   `pods.evicted` (taint-based evictions so far), `deployment[].available` (the Deployment's
 *   availableReplicas);
 * - availability as users feel it: `api.available` (a kubectl-style quorum read through the
 *   control-plane endpoint succeeds), `service.available` (a request to the workload's NodePort is
 *   answered by a pod);
 * - control plane: `apiserver[].ready` (its /readyz answer), `kube.leader[]` (the host holding the
 *   kube-controller-manager, kube-scheduler or kube-vip lease, `none` when nobody), `vip.holder`.
 */
import type { TraceRecord } from "../sim/trace.js";
import { kubeOf } from "./kube-world.js";
import type { SignalSpec, World } from "./world.js";

const LEASES: Readonly<Record<string, string>> = {
  "kube-controller-manager": "kube-controller-manager",
  "kube-scheduler": "kube-scheduler",
  "kube-vip": "plndr-cp-lock",
};

function deployments(w: World): string[] {
  const k = kubeOf(w);
  if (!k) return [];
  const wl = k.settings.workload;
  return Array.from({ length: wl.deployments }, (_, i) => (i === 0 ? wl.name : `${wl.name}-${i}`));
}

const host = (identity: unknown) => (typeof identity === "string" ? (identity.split("_")[0] ?? "") : "");

/** Registers the Kubernetes signals. */
export function installKubeSignals(world: World): void {
  const nodes = (w: World) => w.vmNames();
  const add = (s: SignalSpec) => world.addSignal(s);
  const sameNode = (r: TraceRecord, subject: string | undefined) => r.subject === subject;
  add({
    name: "node[].ready",
    type: "boolean",
    summary: "The node's Ready condition is True (kubectl get nodes shows Ready)",
    subjects: nodes,
    initial: () => true,
    kinds: ["kube.node.ready"],
    next: (_v, r, s) => (sameNode(r, s) ? r.status === "True" : undefined),
  });
  add({
    name: "node[].condition",
    type: "string",
    summary:
      "The node's Ready condition: True, False (kubelet reports not ready) or Unknown (kubelet silent)",
    subjects: nodes,
    values: () => ["True", "False", "Unknown"],
    initial: () => "True",
    kinds: ["kube.node.ready"],
    next: (_v, r, s) => (sameNode(r, s) ? String(r.status) : undefined),
  });
  add({
    name: "node[].schedulable",
    type: "boolean",
    summary: "The node is not cordoned (no SchedulingDisabled)",
    subjects: nodes,
    initial: () => true,
    kinds: ["kube.node.schedulable"],
    next: (_v, r, s) => (sameNode(r, s) ? r.unschedulable !== true : undefined),
  });
  add({
    name: "nodes.ready",
    type: "number",
    summary: "Number of nodes whose Ready condition is True",
    initial: (w) => w.vmNames().length,
    range: (w) => ({ min: 0, max: w.vmNames().length }),
    kinds: ["kube.node.ready"],
    next: (v, r) => {
      const was = r.from === "True";
      const is = r.status === "True";
      return was === is ? undefined : (v as number) + (is ? 1 : -1);
    },
  });
  const podCount = (
    name: string,
    field: string,
    summary: string,
    initial: (w: World) => number,
  ): SignalSpec => ({
    name,
    type: "number",
    summary,
    initial,
    kinds: ["kube.pods"],
    next: (_v, r) => r[field] as number,
  });
  const replicas = (w: World) => {
    const k = kubeOf(w);
    return k ? k.settings.workload.deployments * k.settings.workload.replicas : 0;
  };
  add(
    podCount("pods.available", "available", "Pods Running and Ready in the API (READY 1/1)", (w) =>
      w.topology.workers.length > 0 ? replicas(w) : 0,
    ),
  );
  add(
    podCount("pods.pending", "pending", "Pods Pending (not scheduled, or container not started)", (w) =>
      w.topology.workers.length > 0 ? 0 : replicas(w),
    ),
  );
  add(
    podCount(
      "pods.terminating",
      "terminating",
      "Pods being deleted (Terminating), e.g. evicted from a dead node",
      () => 0,
    ),
  );
  add({
    name: "pods.evicted",
    type: "number",
    summary: "Pods deleted by the taint eviction controller so far",
    initial: () => 0,
    kinds: ["kube.pod.evicting"],
    next: (v) => (v as number) + 1,
  });
  add({
    name: "deployment[].available",
    type: "number",
    summary: "The Deployment's available replicas (kubectl get deploy AVAILABLE)",
    subjects: deployments,
    initial: (w) => (w.topology.workers.length > 0 ? (kubeOf(w)?.settings.workload.replicas ?? 0) : 0),
    kinds: ["kube.deployment", "kube.deployment.deleted"],
    next: (_v, r, s) => {
      if (r.deployment !== s) return undefined;
      return r.kind === "kube.deployment.deleted" ? 0 : (r.available as number);
    },
  });
  add({
    name: "api.available",
    type: "boolean",
    summary:
      "A kubectl-style read (quorum) through the control-plane endpoint issued at this instant succeeds (by issue time)",
    initial: () => true,
    kinds: ["kube.api.probe"],
    next: (_v, r) => r.ok as boolean,
    // The probe knows a request failed only when it ends (a hang: one timeout later); the record
    // carries the issue time of the request that showed the change (src/kube/dataplane/probes.ts).
    timeOf: (r) => (typeof r.atUs === "number" ? r.atUs : r.t),
  });
  add({
    name: "service.available",
    type: "boolean",
    summary: "A request to the workload Service's NodePort on a live worker is answered by a pod",
    initial: () => true,
    kinds: ["kube.service.probe"],
    next: (_v, r) => r.ok as boolean,
  });
  add({
    name: "apiserver[].ready",
    type: "boolean",
    summary: "The control plane's kube-apiserver answers /readyz with 200 (its etcd check passes)",
    subjects: (w) => w.topology.controlPlanes,
    initial: () => true,
    kinds: ["kube.apiserver.ready"],
    next: (_v, r, s) => (r.subject === s ? (r.ready as boolean) : undefined),
  });
  add({
    name: "kube.leader[]",
    type: "string",
    summary:
      "The host holding the lease of kube-controller-manager, kube-scheduler or kube-vip (none when nobody)",
    subjects: () => Object.keys(LEASES),
    initial: () => "none",
    kinds: ["kube.leader"],
    next: (v, r, s) => {
      if (s === undefined || r.lease !== LEASES[s]) return undefined;
      const h = host(r.holder);
      if (r.event === "acquired") return h;
      return v === h ? "none" : undefined;
    },
  });
  add({
    name: "vip.holder",
    type: "string",
    summary: "The node holding the kube-vip control-plane VIP (none when nobody)",
    initial: () => "none",
    kinds: ["kube.vip"],
    next: (_v, r) => (r.holder === "" ? "none" : String(r.holder)),
  });

  const kinds: [string, string][] = [
    ["kube.node.ready", "a node's Ready condition changed"],
    ["kube.node.taint", "a NoExecute taint was added to or removed from a node"],
    ["kube.node.schedulable", "a node was cordoned or uncordoned"],
    ["kube.pod.created", "a pod was created"],
    ["kube.pod.scheduled", "a pod was bound to a node"],
    ["kube.pod.terminating", "a pod started terminating"],
    ["kube.pod.deleted", "a pod object was removed"],
    ["kube.pod.evicting", "the taint eviction controller deleted a pod"],
    ["kube.pod.gc", "the pod garbage collector force-deleted a pod (its node is gone)"],
    ["kube.leader", "a leader lease was acquired or lost"],
    ["kube.container", "a static pod container started, exited or was killed"],
    ["kube.vip", "the kube-vip VIP moved"],
    ["kubectl", "a kubectl command finished"],
  ];
  for (const [k, s] of kinds) world.addEventKind(k, s);
}
