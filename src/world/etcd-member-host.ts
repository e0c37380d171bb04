/**
 * A new VM that runs an etcd member joining an existing cluster: one function for every layer
 * that brings up a member on a host the run did not start with — an OpenShift machine-api Machine
 * (the vSphere provider clones a VM named after the Machine, with a new address: openshift/
 * machine-api-operator pkg/controller/vsphere/reconciler.go `clone`) and the etcd operator's
 * replacement pod (a new pod with the next name of the cluster's sequence: seed 002,
 * "example-etcd-cluster-0003").
 *
 * The VM is created powered on, gets the next address of the hypervisor's pool, and has the
 * `etcd` unit with `--initial-cluster-state existing` (src/world/capi-node-join.ts
 * `installEtcdMember`, the unit the existing members have). It is enabled: it starts when the
 * guest has booted, unless whoever adds the member (`etcdctl member add`) holds it back until the
 * add succeeded — the cluster-etcd-operator moves the static pod's manifest away until then; the
 * etcd operator creates the host with the unit disabled and enables (and starts) it in the add's
 * success callback (src/etcd/backup-operator.ts `addPod`), since the real operator creates the
 * pod only after `member add`.
 */
import type { Vm } from "../infra/vm.js";
import type { Distribution } from "../sim/distribution.js";
import { installEtcdMember } from "./capi-node-join.js";
import type { EtcdLayer } from "./etcd-world.js";
import type { World } from "./world.js";

/** How the new host comes up. */
export interface EtcdHostSpec {
  /** Power-on to guest running; default the model's `vm.bootDuration`. */
  readonly bootDuration?: Distribution;
}

/**
 * Creates the VM `name` (powered on, a new address) with an etcd member's unit; the etcd roles
 * (`etcd.followers`, `etcd.down`) consider it from now on. Throws the hypervisor's
 * VmOperationError (DuplicateName) when a VM of that name exists.
 */
export function addEtcdHost(world: World, etcd: EtcdLayer, name: string, spec: EtcdHostSpec = {}): Vm {
  const vm = world.hypervisor.create(name, {
    powerOn: true,
    ...(spec.bootDuration !== undefined ? { bootDuration: spec.bootDuration } : {}),
  });
  installEtcdMember(world, etcd, vm, name);
  if (!etcd.hosts.includes(name)) etcd.hosts.push(name);
  return vm;
}

/** The host is gone for good (its VM or pod was deleted): the etcd roles forget it. */
export function removeEtcdHost(etcd: EtcdLayer, name: string): void {
  const i = etcd.hosts.indexOf(name);
  if (i >= 0) etcd.hosts.splice(i, 1);
}
