/**
 * Timeline words for the Kubernetes layer, in the vocabulary of `kubectl get -w`, `kubectl get
 * events` and component logs: nodes going NotReady and tainted, pods created, scheduled, evicted
 * and terminating, leader election, the kube-vip VIP, static pod restarts by the kubelet, the API
 * and Service probes, and kubectl commands with their output.
 */
import { formatClock } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import { describeKind } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** `kubectl get nodes` STATUS words for a Ready condition status. */
function readyWord(status: unknown): string {
  return status === "True" ? "Ready" : "NotReady";
}

describeKind("kube.node.ready", (r) => ({
  tone: r.status === "True" ? "recovery" : "fault",
  text:
    r.status === "True"
      ? `node ${s(r.node)} Ready`
      : `node ${s(r.node)} ${readyWord(r.status)} (Ready=${s(r.status)}: ${s(r.message)})`,
}));
describeKind("kube.node.taint", (r) => ({
  tone: r.on ? "fault" : "recovery",
  text: r.on ? `node ${s(r.node)} tainted ${s(r.taint)}` : `node ${s(r.node)} taint ${s(r.taint)} removed`,
}));
describeKind("kube.node.schedulable", (r) => ({
  tone: "change",
  text: r.unschedulable ? `node ${s(r.node)} cordoned (SchedulingDisabled)` : `node ${s(r.node)} uncordoned`,
}));
describeKind("kube.node.registered", (r) => ({ tone: "change", text: `node ${s(r.node)} registered` }));
describeKind("kube.node.deleted", (r) => ({ tone: "change", text: `node ${s(r.node)} deleted` }));
describeKind("kube.pod.created", (r) => ({
  tone: "change",
  text: `pod ${s(r.pod)} created${r.owner ? ` by ${s(r.owner)}` : ""}`,
}));
describeKind("kube.pod.scheduled", (r) => ({
  tone: "detail",
  text: `pod ${s(r.pod)} scheduled to ${s(r.node)}`,
}));
describeKind("kube.pod.status", (r) => ({
  tone: r.ready ? "recovery" : "change",
  text: `pod ${s(r.pod)} ${s(r.phase)} ${r.ready ? "1/1" : "0/1"}${r.node ? ` on ${s(r.node)}` : ""}`,
}));
describeKind("kube.pod.terminating", (r) => ({
  tone: "change",
  text: `pod ${s(r.pod)} Terminating${r.node ? ` on ${s(r.node)}` : ""}`,
}));
describeKind("kube.pod.deleted", (r) => ({ tone: "detail", text: `pod ${s(r.pod)} deleted` }));
describeKind("kube.pod.evicting", (r) => ({
  tone: "fault",
  text: `taint-eviction-controller: ${s(r.message)} (node ${s(r.node)}, ${s(r.taint)})`,
}));
describeKind("kube.pod.gc", (r) => ({
  tone: "change",
  text: `pod-garbage-collector: ${s(r.message)} (${s(r.reason)})`,
}));
describeKind("kube.pod.unschedulable", (r) => ({
  tone: "fault",
  text: `pod ${s(r.pod)} Pending: ${s(r.message)}`,
}));
describeKind("kube.deployment", (r) => ({
  tone: r.available === r.replicas ? "recovery" : "change",
  text: `deployment ${s(r.deployment)} ${s(r.ready)}/${s(r.replicas)} ready, ${s(r.available)} available`,
}));
describeKind("kube.deployment.created", (r) => ({
  tone: "change",
  text: `deployment ${s(r.deployment)} created`,
}));
describeKind("kube.deployment.deleted", (r) => ({
  tone: "change",
  text: `deployment ${s(r.deployment)} deleted`,
}));
describeKind("kube.leader", (r) => ({
  tone: r.event === "acquired" ? "recovery" : "fault",
  text:
    r.event === "acquired"
      ? `${s(r.holder)} became leader (lease ${s(r.lease)})`
      : `${s(r.holder)} lost the ${s(r.lease)} lease: leaderelection lost`,
}));
describeKind("kube.vip", (r) => ({
  tone: r.holder === "" ? "violation" : "recovery",
  text:
    r.holder === ""
      ? `kube-vip: VIP ${s(r.address)} released by ${s(r.from)}; nobody holds it`
      : `kube-vip: VIP ${s(r.address)} now on ${s(r.holder)}`,
}));
describeKind("kube.apiserver.ready", (r) => ({
  tone: r.ready ? "recovery" : "fault",
  text: r.ready
    ? `kube-apiserver on ${r.subject} ready`
    : `kube-apiserver on ${r.subject} not ready: ${firstLine(r.reason)}`,
}));
describeKind("kube.container", (r) => ({
  tone: r.event === "started" ? "recovery" : "fault",
  text: `kubelet on ${s(r.node)}: ${s(r.container)} container ${s(r.event)}${r.reason ? ` (${s(r.reason)})` : ""}`,
}));
describeKind("kube.manifest", (r) => ({
  tone: "step",
  text: r.present
    ? `${s(r.component)} manifest back in /etc/kubernetes/manifests on ${s(r.node)}`
    : `${s(r.component)} manifest moved out of /etc/kubernetes/manifests on ${s(r.node)}`,
}));
describeKind("kube.api.probe", (r) => {
  // Written when the change is known; `atUs` is the issue time it took effect at (a request that
  // hung shows the outage one timeout after it was sent).
  const since = typeof r.atUs === "number" ? ` (requests issued from ${formatClock(r.atUs)})` : "";
  return {
    tone: r.ok ? "recovery" : "violation",
    text: r.ok ? `API available again${since}` : `API unavailable${since}: ${firstLine(r.message)}`,
  };
});
// Flips inside a stretch where only some backends are dead are summarised by kube.service.backends
// (the records stay in the trace, so the availability numbers still count every failed window).
describeKind("kube.service.probe", (r) =>
  r.partial === true
    ? undefined
    : {
        tone: r.ok ? "recovery" : "violation",
        text: r.ok
          ? `service ${r.subject} answering again`
          : `service ${r.subject} not answering: ${s(r.message)}`,
      },
);
describeKind("kube.service.backends", (r) => {
  const dead = Number(r.dead);
  const n = Number(r.backends);
  if (dead > 0 && dead < n)
    return {
      tone: "violation",
      text: `service ${r.subject} failing intermittently (${dead} of ${n} backends dead: ${s(r.message)})`,
    };
  if (n > 0 && dead === 0)
    return { tone: "recovery", text: `service ${r.subject} answering again (${n}/${n} backends)` };
  if (n > 0) return { tone: "violation", text: `service ${r.subject} not answering: all ${n} backends dead` };
  return { tone: "violation", text: `service ${r.subject} not answering: ${s(r.message)}` };
});
describeKind("kube.nodelifecycle.zone", (r) => ({
  tone: r.state === "Normal" ? "recovery" : "fault",
  text: `node lifecycle controller: zone ${r.subject} is ${s(r.state)}`,
}));
describeKind("kube.nodelifecycle.disruption", (r) => ({
  tone: "fault",
  text: `node lifecycle controller: ${s(r.message)}`,
}));
describeKind("kube.token.expired", (r) => ({ tone: "change", text: `tokencleaner: ${s(r.message)}` }));
describeKind("kubectl", (r: TraceRecord) => {
  // Output lines indented under the command, as the etcdctl lines are.
  const out = s(r.output)
    .split("\n")
    .map((l) => `                   ${l}`)
    .join("\n");
  return { tone: r.ok ? "step" : "fault", text: `$ ${s(r.command)}\n${out}` };
});

function firstLine(v: unknown): string {
  return s(v).split("\n")[0] ?? "";
}
