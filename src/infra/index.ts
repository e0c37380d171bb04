/**
 * The physical world the control plane runs on: network, disks, VMs and their hypervisor, and
 * load balancers. Every piece is an actor that talks only through the simulation kernel.
 */
export * from "./address.js";
export * from "./check-status.js";
export * from "./defaults.js";
export * from "./disk.js";
export * from "./guest.js";
export * from "./health-check.js";
export * from "./hypervisor.js";
export * from "./lb-config.js";
export * from "./listeners.js";
export * from "./loadbalancer.js";
export * from "./network.js";
export * from "./network-types.js";
export * from "./partition.js";
export * from "./services.js";
export * from "./vm.js";
export * from "./vm-errors.js";
