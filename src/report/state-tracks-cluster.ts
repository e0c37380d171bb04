/**
 * State lanes of the cluster layers, as far as their traces have them: each etcd member's Raft
 * role (`etcd.role`: leader, follower, candidate, learner, stopped — what `etcdctl endpoint status`
 * shows as IS LEADER), each node's Ready condition as `kubectl get nodes` shows it
 * (`kube.node.ready`: Ready, NotReady, Unknown), and each Cluster API Machine's phase
 * (`capi.machine.phase`: Pending, Provisioning, Provisioned, Running, Deleting, Failed, Deleted).
 * Nodes and Machines that exist when the run starts open their lane with their state then
 * (`lane.initial` records of `node[].condition` and `machine[].phase`, src/observe/lanes.ts), so
 * every one has a lane even if nothing happens to it. The layers that own these records may move
 * their entries next to their describers.
 */

import { registerInitialState, registerStateKind } from "./state-tracks.js";
import { GROUP } from "./state-tracks-infra.js";

const text = (v: unknown): string => (typeof v === "string" ? v : String(v));

registerStateKind("etcd.role", (r) => ({
  group: GROUP.etcd,
  track: typeof r.member === "string" && r.member !== "" ? r.member : r.subject,
  state: text(r.role),
}));

/** `kubectl get nodes` STATUS for a Ready condition status (Unknown kept apart: the kubelet went silent). */
function nodeStatus(status: unknown): string {
  if (status === "True") return "Ready";
  if (status === "Unknown") return "Unknown";
  return "NotReady";
}

registerStateKind("kube.node.ready", (r) => ({
  group: GROUP.nodes,
  track: typeof r.node === "string" ? r.node : r.subject,
  state: nodeStatus(r.status),
  ...(typeof r.from === "string" && r.from !== "" ? { previous: nodeStatus(r.from) } : {}),
}));
registerInitialState("node[].condition", (node, status) => ({
  group: GROUP.nodes,
  track: node,
  state: nodeStatus(status),
}));
registerStateKind("kube.node.deleted", (r) => ({
  group: GROUP.nodes,
  track: typeof r.node === "string" ? r.node : r.subject,
  state: "deleted",
}));

registerStateKind("capi.machine.phase", (r) => ({
  group: GROUP.machines,
  track: r.subject,
  state: text(r.to),
  ...(typeof r.from === "string" && r.from !== "" ? { previous: r.from } : {}),
}));
registerInitialState("machine[].phase", (machine, phase) => ({
  group: GROUP.machines,
  track: machine,
  state: text(phase),
}));
