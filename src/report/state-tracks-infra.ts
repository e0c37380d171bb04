/**
 * State lanes of the physical layer: each VM as vCenter and the console would show it (running,
 * booting, shutting down, powered off, deleted), each HAProxy backend UP/DOWN as its stats page
 * shows it (capi-kube.md §4.4), and each systemd unit's ActiveState. The etcd, Kubernetes and
 * Cluster API layers register theirs (roles, node readiness, Machine phases) in their own files.
 */
import { registerStateKind, registerTrackGroup } from "./state-tracks.js";

/** Group names shared by every layer, in the order reports show them. */
export const GROUP = {
  etcd: "etcd members",
  nodes: "nodes",
  machines: "Machines",
  vms: "VMs",
  lb: "load balancer",
  services: "services",
} as const;

for (const g of [GROUP.etcd, GROUP.nodes, GROUP.machines, GROUP.vms, GROUP.lb, GROUP.services])
  registerTrackGroup(g);

const text = (v: unknown): string => (typeof v === "string" ? v : String(v));

/** A powered-on VM is "booting" until its guest reports running (vm.booted). */
function vmState(power: string): string {
  return power === "poweredOn" ? "booting" : power;
}

registerStateKind("vm.power", (r) => ({
  group: GROUP.vms,
  track: r.subject,
  state: vmState(text(r.to)),
  previous: r.from === "poweredOn" ? "running" : text(r.from),
}));
registerStateKind("vm.booted", (r) => ({ group: GROUP.vms, track: r.subject, state: "running" }));
registerStateKind("vm.reset", (r) => ({ group: GROUP.vms, track: r.subject, state: "booting" }));
registerStateKind("vm.guestShutdown", (r) => ({
  group: GROUP.vms,
  track: r.subject,
  state: "shutting down",
}));
registerStateKind("vm.deleted", (r) => ({ group: GROUP.vms, track: r.subject, state: "deleted" }));
registerStateKind("vm.created", (r) => ({ group: GROUP.vms, track: r.subject, state: "poweredOff" }));

registerStateKind("lb.backend", (r) => ({
  group: GROUP.lb,
  track: r.subject,
  state: text(r.to),
  previous: text(r.from),
}));
registerStateKind("lb.backendAdded", (r) => ({ group: GROUP.lb, track: r.subject, state: text(r.status) }));
registerStateKind("lb.backendRemoved", (r) => ({ group: GROUP.lb, track: r.subject, state: "removed" }));

registerStateKind("unit.state", (r) => ({
  group: GROUP.services,
  track: r.subject,
  state: text(r.to),
  previous: text(r.from),
}));
