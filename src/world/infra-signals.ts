/**
 * Signals of the physical layer, derived from the trace: VM power states as vCenter shows them,
 * whether a guest is running, and the load balancer's view of its backends.
 */
import type { World } from "./world.js";

/** Registers the VM and load-balancer signals. */
export function installInfraSignals(world: World): void {
  const vms = (w: World) => w.vmNames();
  world.addSignal({
    name: "vm[].power",
    type: "string",
    summary: "vCenter power state: poweredOn, poweredOff, suspended or deleted",
    subjects: vms,
    values: () => ["poweredOn", "poweredOff", "suspended", "deleted"],
    initial: () => "poweredOn",
    kinds: ["vm.power", "vm.deleted", "vm.created"],
    next: (_v, r, subject) => {
      if (r.subject !== subject) return undefined;
      if (r.kind === "vm.deleted") return "deleted";
      if (r.kind === "vm.created") return "poweredOff";
      return r.to as string;
    },
  });
  world.addSignal({
    name: "vm[].running",
    type: "boolean",
    summary: "The VM's guest OS is up (booted and not stopped)",
    subjects: vms,
    initial: () => true,
    kinds: ["vm.booted", "vm.power", "vm.reset", "vm.deleted"],
    next: (_v, r, subject) => {
      if (r.subject !== subject) return undefined;
      return r.kind === "vm.booted";
    },
  });
  const lbName = () => world.loadBalancer?.name ?? "lb";
  world.addSignal({
    name: "lb.backendsUp",
    type: "number",
    summary: "Number of load-balancer backends the health checks consider UP",
    range: (w) => ({ min: 0, max: w.topology.controlPlanes.length }),
    initial: (w) => w.topology.controlPlanes.length,
    kinds: ["lb.backend"],
    next: (_v, r) => r.active as number,
  });
  world.addSignal({
    name: "lb.backend[].up",
    type: "boolean",
    summary: "The load balancer considers this control-plane backend UP",
    subjects: (w) => w.topology.controlPlanes,
    initial: () => true,
    kinds: ["lb.backend"],
    next: (_v, r, subject) => (r.subject === `${lbName()}/${subject}` ? r.to === "UP" : undefined),
  });
  world.addSignal({
    name: "endpoint.available",
    type: "boolean",
    summary: "The control-plane endpoint (load balancer) has at least one UP backend",
    initial: () => true,
    kinds: ["lb.available"],
    next: (_v, r) => r.available as boolean,
  });
}
