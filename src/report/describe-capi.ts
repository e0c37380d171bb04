/**
 * Timeline words for the Cluster API layer, in the words of the controllers' logs and events and of
 * `kubectl get machines -w` (seed 001 quotes them: `reason="UnhealthyNode" message="Condition Ready
 * on node is reporting status Unknown for more than 5m0s"`, Machines entering `Deleting`), plus
 * kubeadm join's cloud-init-output lines on new VMs.
 */
import { describeKind } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

describeKind("capi.machine.phase", (r) => ({
  tone: r.to === "Running" ? "recovery" : r.to === "Deleting" ? "fault" : "change",
  text: `Machine ${r.subject} ${s(r.from)} → ${s(r.to)}${r.to === "Running" && r.node ? ` (node ${s(r.node)})` : ""}`,
}));
describeKind("capi.machine.created", (r) => ({
  tone: "change",
  text: `Machine ${r.subject} created by ${s(r.owner)}`,
}));
describeKind("capi.machine.deleting", (r) => ({
  tone: "detail",
  text: `Machine ${r.subject} deletion: ${s(r.reason)}${r.message ? ` (${s(r.message)})` : ""}`,
}));
describeKind("capi.mhc", (r) =>
  r.event === "MachineMarkedUnhealthy"
    ? {
        tone: "fault",
        text: `MachineHealthCheck ${r.subject}: Machine ${s(r.machine)} unhealthy: reason="${s(r.reason)}" message="${s(r.message)}"`,
      }
    : { tone: "violation", text: `MachineHealthCheck ${r.subject}: RemediationRestricted: ${s(r.message)}` },
);
describeKind("capi.kcp", (r) => {
  const machine = r.machine ? ` ${s(r.machine)}` : "";
  switch (r.action) {
    case "remediate":
      return { tone: "change", text: `KubeadmControlPlane ${r.subject}: ${s(r.message)}` };
    case "blocked":
      return {
        tone: "violation",
        text: `KubeadmControlPlane ${r.subject}: cannot remediate${machine}: ${s(r.message)}`,
      };
    case "preflight":
    case "waiting":
      return { tone: "detail", text: `KubeadmControlPlane ${r.subject}:${machine} ${s(r.message)}` };
    default:
      return { tone: "change", text: `KubeadmControlPlane ${r.subject}: ${s(r.message)}` };
  }
});
describeKind("capi.machineset", (r) => ({
  tone: "change",
  text: `MachineSet ${r.subject}: ${s(r.message)}`,
}));
describeKind("capi.node", (r) => ({
  tone: r.action === "cordon" ? "change" : "detail",
  text:
    r.action === "cordon"
      ? `drain of Machine ${s(r.machine)}: kubectl get nodes shows ${r.subject} ${s(r.status)}`
      : `${s(r.message)}`,
}));
describeKind("capi.infra", (r) => ({
  tone:
    r.action === "powerOn" || r.action === "recreate" || r.action === "create"
      ? "recovery"
      : r.action === "notFound"
        ? "fault"
        : "change",
  text: `${r.provider === "vmop" ? "vm-operator" : "capv"}: ${s(r.message)}`,
}));
describeKind("kubeadm.join", (r) => ({
  tone: r.ok === false ? "fault" : r.phase === "done" ? "recovery" : "detail",
  text: `${r.subject} cloud-init: ${s(r.message)}`,
}));
describeKind("capi.controllers", (r) => ({
  tone: r.running ? "recovery" : "fault",
  text: `capi-controller-manager: ${s(r.message)}`,
}));
describeKind("capi.clusterCache", (r) => ({
  tone: r.connected ? "recovery" : "fault",
  text: `ClusterCache ${r.subject}: ${s(r.message)}${r.connected ? "" : " (MachineHealthCheck and KCP are blind)"}`,
}));
describeKind("capi.bootstrap", (r) => ({
  tone: "detail",
  text: `KubeadmConfig ${r.subject}: ${r.action === "token" ? "bootstrap token" : "refreshed bootstrap token"} ${s(r.tokenId)}`,
}));
describeKind("capi.recovery", (r) => ({
  tone: r.complete ? "recovery" : "change",
  text: r.complete
    ? `cluster whole again: ${s(r.machinesRunning)}/${s(r.machinesDesired)} Machines Running, ${s(r.etcdVoters)} etcd voters, ${s(r.podsAvailable)} pods available`
    : `cluster degraded: ${s(r.machinesRunning)}/${s(r.machinesDesired)} Machines Running, ${s(r.nodesReady)} Nodes Ready, etcd ${s(r.etcdHealthy)}/${s(r.etcdVoters)} healthy voters, ${s(r.podsAvailable)}/${s(r.podsDesired)} pods available`,
}));
describeKind("capi.kubectl", (r) => ({
  tone: "step",
  text: `$ ${s(r.command)}\n${s(r.output)}`,
}));
