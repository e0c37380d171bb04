/**
 * The infrastructure half of the action vocabulary (vocabulary.ts): VM power operations as
 * vCenter performs them out of band, network faults as etcd's functional tester injects them
 * (BLACKHOLE_PEER_PORT_TX_RX, DELAY_PEER_PORT_TX_RX, etcd-raft.md §4.1), and disk faults.
 */
import type { Distribution } from "../sim/distribution.js";
import { StepError, type World, type WorldStep } from "./world.js";

function target(step: WorldStep): string {
  if (step.target === undefined) throw new StepError(`${step.action} needs a target`);
  return step.target;
}

function vmOf(world: World, step: WorldStep) {
  const name = target(step);
  const vm = world.hypervisor.vm(name);
  if (!vm) throw new StepError(`no VM named ${name} exists now (it was deleted)`);
  return vm;
}

/** Registers the VM, network and disk actions. */
export function installInfraActions(world: World): void {
  world.addAction("vm.powerOff", (w, s) => w.hypervisor.powerOff(target(s), "experiment"));
  world.addAction("vm.powerOn", (w, s) => w.hypervisor.powerOn(target(s), "experiment"));
  world.addAction("vm.reset", (w, s) => w.hypervisor.reset(target(s), "experiment"));
  world.addAction("vm.suspend", (w, s) => w.hypervisor.suspend(target(s), "experiment"));
  world.addAction("vm.delete", (w, s) => w.hypervisor.delete(target(s), "experiment"));

  world.addAction("net.partition", (w, s) => {
    const groups = s.args.groups as readonly (readonly string[])[];
    w.network.partition(groups);
  });
  world.addAction("net.heal", (w) => w.network.clearAllFaults());
  world.addAction("net.blackhole", (w, s) => {
    const port = s.args.port as number | undefined;
    w.network.blackhole(target(s), port);
  });
  world.addAction("net.delay", (w, s) => w.network.delay(target(s), s.args.latency as Distribution));
  world.addAction("net.loss", (w, s) => w.network.setHostLoss(target(s), s.args.probability as number));

  world.addAction("disk.slow", (w, s) => {
    const fsync = s.args.fsync as Distribution;
    vmOf(w, s).disk.slow({ factor: 0, extra: fsync });
  });
  world.addAction("disk.heal", (w, s) => vmOf(w, s).disk.clearSlow());
  world.addAction("disk.wipe", (w, s) => {
    const disk = vmOf(w, s).disk;
    const dir = s.args.dir as string | undefined;
    const dirs = dir !== undefined ? [dir] : disk.dirs();
    for (const d of dirs) disk.wipe(d);
  });
}
