/**
 * Randomised fault schedules against a whole etcd cluster (members on VMs, real network, disks,
 * systemd), TigerBeetle-style: a safety phase with faults chosen by the schedule — process crash
 * and restart, power cycles, partitions, delay, loss, minority data-dir loss repaired by member
 * replacement — under an open-loop write workload, then a liveness phase with every fault healed
 * in which a leader must emerge and every member converge. Invariants are checked online by the
 * cluster registry; acknowledged writes are checked against the surviving state.
 */

import { EtcdNetworkClient } from "../../src/etcd/client.js";
import { ETCD_UNIT } from "../../src/etcd/etcd-unit.js";
import { LostWriteMonitor } from "../../src/etcd/lost-writes.js";
import { ClientWorkload } from "../../src/etcd/workload.js";
import { WriteLedger } from "../../src/etcd/write-ledger.js";
import { MILLISECOND, SECOND } from "../../src/sim/time.js";
import { operatorFor, type TestCluster, testCluster } from "./helpers.js";

/** One fault of a schedule. `member` indexes the VMs; times are offsets from the previous fault. */
export type Fault =
  | { readonly kind: "crash"; readonly member: number; readonly downMs: number }
  | { readonly kind: "powerCycle"; readonly member: number; readonly downMs: number }
  | { readonly kind: "partition"; readonly side: readonly number[]; readonly forMs: number }
  | { readonly kind: "delay"; readonly member: number; readonly extraMs: number; readonly forMs: number }
  | { readonly kind: "loss"; readonly member: number; readonly percent: number; readonly forMs: number }
  | { readonly kind: "replace"; readonly member: number }
  /** Every VM loses power at once (a rack outage): only fsynced data survives. */
  | { readonly kind: "outage"; readonly downMs: number }
  /** fsync takes this much longer on a VM for a while (widens the window of unsynced writes). */
  | { readonly kind: "slowDisk"; readonly member: number; readonly extraMs: number; readonly forMs: number };

export interface ScheduledFault {
  readonly gapMs: number;
  readonly fault: Fault;
}

/** What a run found. */
export interface ChaosOutcome {
  readonly violations: readonly string[];
  /** Data destruction the schedule caused (should be none: it loses only a minority's data). */
  readonly destroyed: readonly string[];
  readonly lostWrites: number;
  readonly ackedWrites: number;
  readonly converged: boolean;
  readonly convergeMs: number;
  readonly detail: string;
}

/** Runs a schedule on an `n`-member cluster and checks safety and liveness. */
export function runChaos(
  seed: number,
  n: number,
  schedule: readonly ScheduledFault[],
  livenessMs = 90_000,
): ChaosOutcome {
  const t = testCluster({
    members: n,
    seed: `chaos-${seed}`,
    keepTrace: process.env.CHAOS_TRACE === "1",
    restartAfterUs: 5 * SECOND,
  });
  const op = operatorFor(t);
  const ledger = new WriteLedger();
  const monitor = new LostWriteMonitor(t.sim, t.cluster, ledger);
  monitor.start();
  const client = new EtcdNetworkClient(t.sim, t.network, "client", { endpoints: t.names });
  const workload = new ClientWorkload(
    t.sim,
    client,
    {
      writesPerSec: 20,
      linearizableReadsPerSec: 2,
      serializableReadsPerSec: 2,
      valueBytes: 64,
      keys: 100,
      startUs: 2 * SECOND,
      statsIntervalUs: 0,
    },
    ledger,
  );
  workload.start();
  const replacing = new Set<string>();
  let at = 3 * SECOND;
  for (const { gapMs, fault } of schedule) {
    at += gapMs * MILLISECOND;
    t.sim.at(at, () => apply(t, op, fault, replacing));
  }
  t.sim.runUntil(at + SECOND);
  // Liveness phase: heal everything, bring every member back.
  heal(t, replacing);
  const healedAt = t.sim.now;
  const converged = t.sim.runUntilTrue(
    () => replacing.size === 0 && settled(t),
    healedAt + livenessMs * MILLISECOND,
  );
  const convergeMs = Math.round((t.sim.now - healedAt) / MILLISECOND);
  workload.stop();
  t.sim.runUntil(t.sim.now + 15 * SECOND);
  const lost = monitor.finish();
  if (process.env.CHAOS_TRACE === "1") {
    const keep = new RegExp(process.env.CHAOS_GREP ?? ".");
    const drop = /became active|version of|TCP stream|became inactive/;
    for (const l of dumpTrace(t, (x) => keep.test(x) && !drop.test(x))) console.log(l);
  }
  return {
    violations: t.cluster.findings(),
    destroyed: t.cluster.destructions.map((d) => d.reason),
    lostWrites: lost.count,
    ackedWrites: ledger.acked.size,
    converged,
    convergeMs,
    detail: describeState(t),
  };
}

/** Debug aid: the trace's etcd records as lines (needs CHAOS_TRACE=1). */
export function dumpTrace(t: TestCluster, filter: (line: string) => boolean): string[] {
  return t.sink.records
    .filter((r) => r.kind.startsWith("etcd.") || r.kind.startsWith("unit.") || r.kind.startsWith("vm."))
    .map(
      (r) =>
        `${r.t} ${r.kind} ${r.subject} ${String(r.msg ?? r.command ?? r.role ?? r.to ?? "")} ${String(r.output ?? "")}`,
    )
    .filter(filter);
}

function host(t: TestCluster, i: number): string {
  return t.names[i % t.names.length]!;
}

function apply(t: TestCluster, op: ReturnType<typeof operatorFor>, f: Fault, replacing: Set<string>): void {
  const net = t.network;
  switch (f.kind) {
    case "crash": {
      const h = host(t, f.member);
      if (replacing.has(h)) return;
      t.systemd.get(h)!.kill(ETCD_UNIT);
      t.sim.after(f.downMs * MILLISECOND, () => {
        if (!replacing.has(h) && t.hypervisor.vm(h)!.isGuestRunning) t.systemd.get(h)!.start(ETCD_UNIT);
      });
      return;
    }
    case "powerCycle": {
      const h = host(t, f.member);
      if (replacing.has(h)) return;
      const vm = t.hypervisor.vm(h)!;
      if (vm.state !== "poweredOn") return;
      vm.powerOff("chaos");
      t.sim.after(f.downMs * MILLISECOND, () => {
        if (vm.state === "poweredOff") vm.powerOn("chaos", 5 * SECOND);
      });
      return;
    }
    case "partition": {
      const side = [...new Set(f.side.map((i) => host(t, i)))];
      const rest = t.names.filter((h) => !side.includes(h));
      if (side.length === 0 || rest.length === 0) return;
      const id = net.partition([side, [...rest, "client", "admin"]]);
      t.sim.after(f.forMs * MILLISECOND, () => {
        if (net.activePartitions().includes(id)) net.heal(id);
      });
      return;
    }
    case "delay": {
      const h = host(t, f.member);
      net.delay(h, f.extraMs * MILLISECOND, 2380);
      t.sim.after(f.forMs * MILLISECOND, () => net.clearDelay(h, 2380));
      return;
    }
    case "loss": {
      const h = host(t, f.member);
      net.setHostLoss(h, f.percent / 100, 2380);
      t.sim.after(f.forMs * MILLISECOND, () => net.setHostLoss(h, 0, 2380));
      return;
    }
    case "outage": {
      for (const h of t.names) {
        const vm = t.hypervisor.vm(h)!;
        if (vm.state !== "poweredOn") continue;
        vm.powerOff("outage");
        t.sim.after(f.downMs * MILLISECOND, () => {
          if (vm.state === "poweredOff") vm.powerOn("outage", 5 * SECOND);
        });
      }
      return;
    }
    case "slowDisk": {
      const vm = t.hypervisor.vm(host(t, f.member))!;
      vm.disk.slow({ extra: f.extraMs * MILLISECOND });
      t.sim.after(f.forMs * MILLISECOND, () => vm.disk.clearSlow());
      return;
    }
    case "replace": {
      // Minority data-dir loss, repaired the safe way: remove, wipe, add back with a new ID.
      // One at a time, and only into a healthy cluster: replacing a member while another is still
      // catching up (or down) loses a majority's data, which no procedure survives.
      const h = host(t, f.member);
      if (replacing.size > 0 || !t.hypervisor.vm(h)!.isGuestRunning) return;
      if (t.cluster.state.healthy !== t.names.length || !settled(t)) return;
      replacing.add(h);
      op.wipe(h);
      const attempt = (): void => {
        op.rejoin(h, (ok) => {
          if (ok) waitCaughtUp(t, h, () => replacing.delete(h));
          else t.sim.after(5 * SECOND, attempt);
        });
      };
      attempt();
      return;
    }
  }
}

/** Calls `done` once the member on `h` has applied what the leader had committed when asked. */
function waitCaughtUp(t: TestCluster, h: string, done: () => void): void {
  const target = t.cluster.leader()?.raft?.commit ?? 0;
  const check = (): void => {
    const m = t.cluster.member(h);
    if (m?.raft != null && m.raft.applied >= target && target > 0) done();
    else t.sim.after(500 * MILLISECOND, check);
  };
  check();
}

function heal(t: TestCluster, replacing: Set<string>): void {
  t.network.clearAllFaults();
  for (const h of t.names) {
    const vm = t.hypervisor.vm(h)!;
    vm.disk.clearSlow();
    if (vm.state === "poweredOff") vm.powerOn("heal", 5 * SECOND);
  }
  const restart = (): void => {
    for (const h of t.names) {
      const s = t.systemd.get(h)!;
      const state = s.state(ETCD_UNIT);
      if (!replacing.has(h) && s.vm.isGuestRunning && (state === "inactive" || state === "failed"))
        s.start(ETCD_UNIT);
    }
    t.sim.after(2 * SECOND, restart);
  };
  restart();
}

/** A leader followed by every running member of its configuration, all at the same applied index. */
function settled(t: TestCluster): boolean {
  const leader = t.cluster.leader();
  if (leader === undefined || t.cluster.state.leader === "") return false;
  const lr = leader.raft!;
  const cs = lr.confState();
  for (const id of [...cs.voters, ...cs.learners]) {
    const info = leader.membership.details(id);
    if (info === undefined) return false;
    const m = t.cluster.member(info.host);
    if (m === undefined || m.raft === null || m.selfId !== id) return false;
    if (m.raft.applied !== lr.commit || m.raft.leader !== leader.selfId) return false;
    if (m.store.revision !== leader.store.revision) return false;
  }
  return lr.applied === lr.commit;
}

function describeState(t: TestCluster): string {
  return t.names
    .map((h) => {
      const m = t.cluster.member(h);
      const r = m?.raft;
      return `${h}:${r ? `${r.role}/t${r.term}/c${r.commit}/a${r.applied}` : t.systemd.get(h)!.state(ETCD_UNIT)}`;
    })
    .join(" ");
}
