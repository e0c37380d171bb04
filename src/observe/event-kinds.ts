/**
 * The trace record kinds a condition may count with `events(kind)`: those of the infrastructure
 * layer and of the runbook itself (listed here, from the code that emits them), those every
 * registered signal follows, and those later layers declare with `world.addEventKind`. Counting a
 * kind nothing ever emits would silently give 0, so an unknown kind is refused before the run.
 */
import type { World } from "../world/world.js";

/** Kinds every world emits, with what one record means. */
const CORE_EVENT_KINDS: ReadonlyArray<readonly [kind: string, summary: string]> = [
  // src/infra/vm.ts, src/infra/hypervisor.ts
  ["vm.created", "a VM was created"],
  ["vm.clone", "a VM was cloned from its template"],
  ["vm.power", "a VM's power state changed (poweredOn, poweredOff, suspended)"],
  ["vm.deleted", "a VM was deleted"],
  ["vm.reset", "a VM was hard reset"],
  ["vm.booted", "a VM's guest finished booting"],
  ["vm.guestShutdown", "a VM's guest began a clean shutdown"],
  // src/infra/services.ts
  ["unit.state", "a systemd unit changed state"],
  // src/infra/disk.ts
  ["disk.slow", "a disk became slow, or normal again"],
  ["disk.wipe", "a data directory was lost"],
  ["disk.crash", "a disk lost unsynced writes in a crash"],
  // src/infra/loadbalancer.ts
  ["lb.check", "a load-balancer health check finished"],
  ["lb.backend", "a load-balancer backend went UP or DOWN"],
  ["lb.available", "the load balancer gained its first or lost its last UP backend"],
  ["lb.backendAdded", "a backend was added to the load balancer"],
  ["lb.backendRemoved", "a backend was removed from the load balancer"],
  // src/infra/network.ts
  ["net.partition", "the network was partitioned"],
  ["net.heal", "a network partition was healed"],
  ["net.blackhole", "a host's traffic started or stopped being dropped"],
  ["net.delay", "a host's messages were delayed, or no longer"],
  ["net.loss", "a host's messages started being lost with a probability"],
  ["net.link", "a link's latency, bandwidth or loss changed"],
  // src/world/world.ts and the runbook sequencer (src/engine/runbook.ts)
  ["step", "an experiment step acted on the world"],
  ["step.failed", "the world refused a step (e.g. powering on a deleted VM)"],
  ["step.late", "a step's at: time had already passed when its turn came"],
  ["wait.started", "a waitFor step began waiting"],
  ["wait.met", "a waitFor step's condition held"],
  ["wait.timedOut", "a waitFor step gave up (its timeout, or the end of the run)"],
  ["trigger.fired", "a when: trigger's condition became true and its steps started"],
  ["trigger.skipped", "a when: trigger's condition became true while its steps were still running"],
  ["runbook.stopped", "a step list stopped early after a failed wait"],
];

/** Every kind `events(kind)` may count in this world, with its meaning. */
export function knownEventKinds(world: World): Map<string, string> {
  const out = new Map<string, string>(CORE_EVENT_KINDS);
  for (const [kind, summary] of world.eventKinds) out.set(kind, summary);
  for (const spec of world.signals.values()) {
    for (const kind of spec.kinds) if (!out.has(kind)) out.set(kind, `followed by the signal ${spec.name}`);
  }
  return out;
}
