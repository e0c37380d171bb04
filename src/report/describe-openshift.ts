/**
 * Timeline words for the OpenShift layer: the cluster-etcd-operator's rollout steps (as `oc get
 * etcd -o yaml` conditions and the operator's events would tell them), the recovery scripts on a
 * master, the kubelet backing off before restarting a crashed etcd static pod, and the phases of
 * the masters' Machines (machine API).
 */
import { formatDuration } from "../sim/time.js";
import type { TraceRecord } from "../sim/trace.js";
import { type Described, describeKind } from "./describe.js";

const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

const NODE_ACTION: Readonly<Record<string, string>> = {
  memberAdded: "member added, etcd pod started",
  started: "etcd pod started",
  restarted: "etcd pod restarted",
  kept: "etcd pod kept (a restart would lose quorum)",
  addRefused: "member add refused, giving up on this master for now",
};

describeKind("ocp.operator", (r: TraceRecord): Described | undefined => {
  const op = "cluster-etcd-operator";
  switch (r.phase) {
    case "rolloutStarted":
      return { tone: "change", text: `${op}: rolling out etcd revision ${s(r.revision)} (${s(r.reason)})` };
    case "nodeUpdated":
      return {
        tone: r.action === "memberAdded" ? "recovery" : "change",
        text: `${op}: ${s(r.node)} at revision ${s(r.revision)}: ${NODE_ACTION[s(r.action)] ?? s(r.action)}`,
      };
    case "rolloutDone":
      return {
        tone: "recovery",
        text: `${op}: all masters at revision ${s(r.revision)} (${s(r.members)} etcd members)`,
      };
    case "waiting":
      return { tone: "detail", text: `${op}: waiting: ${s(r.reason)}` };
    default:
      return undefined;
  }
});

describeKind("ocp.script", (r) => {
  const where = `${r.subject}: ${s(r.script)}`;
  switch (r.phase) {
    case "started":
      return { tone: "step", text: `${where} ${s(r.backup)}` };
    case "done":
      return { tone: "change", text: `${where}: snapshot saved as ${s(r.backup)}` };
    case "stopping":
      return {
        tone: "change",
        text: `${where}: etcd-pod.yaml moved away, waiting for the etcd containers to stop`,
      };
    case "forceNewCluster":
      return { tone: "change", text: `${where}: starting etcd with --force-new-cluster from the local data` };
    case "restored":
      return { tone: "change", text: `${where}: single-member etcd restored from ${s(r.backup)}` };
    case "failed":
      return { tone: "violation", text: `${where} failed${r.reason ? `: ${s(r.reason)}` : ""}` };
    default:
      return undefined;
  }
});

describeKind("ocp.pod", (r) => ({
  tone: "detail",
  text: `${r.subject} kubelet: Back-off restarting failed container etcd (${formatDuration(r.delayUs as number)})`,
}));

describeKind("ocp.machine", (r) => {
  const m = `machine ${r.subject}`;
  switch (r.phase) {
    case "provisioning":
      return {
        tone: "change",
        text: `${m}: created from the saved yaml of ${s(r.from)}; cloning its VM (${formatDuration(r.durationUs as number)})`,
      };
    case "provisioned":
      return { tone: "change", text: `${m}: VM ${s(r.vm)} cloned and powered on (${s(r.address)})` };
    case "running":
      return { tone: "recovery", text: `${m}: Running (${s(r.vm)} booted as a master node)` };
    case "deleting":
      return { tone: "change", text: `${m}: deleting${r.vm ? ` (VM ${s(r.vm)})` : ""}` };
    case "poweredOff":
      return { tone: "detail", text: `${m}: PowerOffVM_Task on ${s(r.vm)}` };
    case "deleted":
      return { tone: "change", text: `${m}: deleted${r.vm ? ` (VM ${s(r.vm)} destroyed)` : ""}` };
    case "failed":
      return { tone: "violation", text: `${m}: provisioning failed: ${s(r.reason)}` };
    default:
      return undefined;
  }
});
