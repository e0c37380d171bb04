/**
 * `npm run bench -- soak`: a 3-member etcd cluster (the full member model: VMs, disks with fsync,
 * network, systemd units, WAL and snapshots, the invariant checker) under 100 writes/s for 30
 * simulated days, checking that memory stays bounded (log compaction, bounded histories and
 * records) and that nothing breaks. `--size N` simulates N hours instead of 720.
 *
 * Reference, measured in the same run: the kernel's hold loop (bench/hold.ts), so the soak's event
 * rate can be read as a fraction of the bare event loop's.
 */

import v8 from "node:v8";
import vm from "node:vm";
import { EtcdNetworkClient } from "../src/etcd/client.js";
import { etcdConfig } from "../src/etcd/config.js";
import { deployEtcd } from "../src/etcd/deploy.js";
import { LostWriteMonitor } from "../src/etcd/lost-writes.js";
import { ClientWorkload } from "../src/etcd/workload.js";
import { WriteLedger } from "../src/etcd/write-ledger.js";
import { Hypervisor } from "../src/infra/hypervisor.js";
import { Network } from "../src/infra/network.js";
import { ServiceManager } from "../src/infra/services.js";
import { constant } from "../src/sim/distribution.js";
import { Simulation } from "../src/sim/simulation.js";
import { HOUR, MILLISECOND, SECOND } from "../src/sim/time.js";
import { Trace } from "../src/sim/trace.js";
import type { Benchmark, BenchOptions, BenchResult } from "./benchmark.js";
import { DEFAULT_HOLD, holdOnKernel } from "./hold.js";
import { timed } from "./measure.js";

/** Simulated hours unless `--size` says otherwise (30 days). */
export const SOAK_HOURS = 720;
/** Writes per second of the soak's workload. */
export const SOAK_WRITES_PER_SEC = 100;

interface SoakOutcome {
  readonly simHours: number;
  readonly events: number;
  readonly wallSeconds: number;
  readonly peakRssBytes: number;
  /** Largest live heap (after GC) sampled hourly on the first and on the last simulated day. */
  readonly heapFirstDayBytes: number;
  readonly heapLastDayBytes: number;
  readonly writesOk: number;
  readonly writesFailed: number;
  readonly lostWrites: number;
  readonly violations: number;
  readonly records: number;
}

/**
 * The live heap: after a full garbage collection (the bench enables `gc` for itself), so the
 * number measures what the simulation keeps, not when V8 last collected.
 */
let collect: (() => void) | undefined;
function liveHeap(): number {
  if (collect === undefined) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
  return process.memoryUsage().heapUsed;
}

/** Runs the soak for `hours` simulated hours. */
export function runSoak(hours: number, log: (m: string) => void): SoakOutcome {
  let records = 0;
  const trace = new Trace().addSink({ write: () => void records++ });
  const sim = new Simulation({ seed: "soak", trace });
  // The parameter registry's default LAN latency (uniform 200–600 µs).
  const network = new Network(sim, { latency: { kind: "uniform", min: 200, max: 600 } });
  const hypervisor = new Hypervisor(sim, {
    network,
    fsyncLatency: { kind: "lognormal", p50: 2 * MILLISECOND, p99: 8 * MILLISECOND },
  });
  const names = ["cp-0", "cp-1", "cp-2"];
  const machines = names.map((name) => ({
    name,
    systemd: new ServiceManager(sim, hypervisor.create(name, { running: true }), { settled: true }),
  }));
  network.addHost("client");
  const cluster = deployEtcd(sim, network, machines, {
    config: etcdConfig({ version: "3.5" }),
    unit: { startDelay: constant(SECOND), restartAfterUs: 10 * SECOND },
  });
  const ledger = new WriteLedger(8);
  const monitor = new LostWriteMonitor(sim, cluster, ledger, 10 * 60 * SECOND);
  monitor.start();
  const client = new EtcdNetworkClient(sim, network, "client", { endpoints: names });
  const workload = new ClientWorkload(
    sim,
    client,
    {
      writesPerSec: SOAK_WRITES_PER_SEC,
      linearizableReadsPerSec: 0,
      serializableReadsPerSec: 0,
      valueBytes: 256,
      keys: 1000,
      startUs: 5 * SECOND,
      statsIntervalUs: 0,
    },
    ledger,
  );
  workload.start();

  let peakRss = process.memoryUsage().rss;
  // Live heap after a GC every simulated hour: the largest on the first day and on the last day.
  // The Raft log and the WAL grow and shrink with the snapshot cycle (hours at 100 writes/s), so
  // single samples are compared day against day.
  let firstDayMax = 0;
  let lastDayMax = 0;
  const days = Math.ceil(hours / 24);
  const { seconds } = timed(() => {
    for (let h = 1; h <= Math.ceil(hours); h++) {
      sim.runUntil(Math.min(h, hours) * HOUR);
      const rss = process.memoryUsage().rss;
      if (rss > peakRss) peakRss = rss;
      const day = Math.ceil(h / 24);
      if (day === 1 || day === days) {
        const heap = liveHeap();
        if (day === 1 && heap > firstDayMax) firstDayMax = heap;
        if (day === days && heap > lastDayMax) lastDayMax = heap;
      }
      if (h % 24 === 0 || h === Math.ceil(hours))
        log(`  soak: ${h} h simulated, ${sim.eventsProcessed} events, rss ${Math.round(rss / 1e6)} MB`);
    }
  });
  workload.stop();
  sim.runUntil(sim.now + 30 * SECOND);
  const lost = monitor.finish();
  return {
    simHours: hours,
    events: sim.eventsProcessed,
    wallSeconds: seconds,
    peakRssBytes: peakRss,
    heapFirstDayBytes: firstDayMax,
    heapLastDayBytes: lastDayMax,
    writesOk: workload.totals.writesOk,
    writesFailed: workload.totals.writesFailed,
    lostWrites: lost.count,
    violations: cluster.violations,
    records,
  };
}

/** The soak benchmark. */
export const soakBenchmark: Benchmark = {
  name: "soak",
  description: `3-member etcd, ${SOAK_WRITES_PER_SEC} writes/s, 30 simulated days (full member model); peak memory; vs the kernel hold loop`,
  run(options: BenchOptions): BenchResult {
    const hours = options.size ?? SOAK_HOURS;
    const ref = timed(() => holdOnKernel({ ...DEFAULT_HOLD, events: 2_000_000 }));
    const refRate = ref.value.events / ref.seconds;
    const o = runSoak(hours, options.log);
    const rate = o.events / o.wallSeconds;
    const growth = o.heapFirstDayBytes > 0 ? o.heapLastDayBytes / o.heapFirstDayBytes : 1;
    const notes: string[] = [];
    const expectedWrites = hours * 3600 * SOAK_WRITES_PER_SEC * 0.99;
    let ok = true;
    if (o.violations > 0) {
      ok = false;
      notes.push(`${o.violations} invariant violations`);
    }
    if (o.lostWrites > 0) {
      ok = false;
      notes.push(`${o.lostWrites} acknowledged writes lost`);
    }
    if (o.writesOk < expectedWrites) {
      ok = false;
      notes.push(`only ${o.writesOk} writes succeeded (expected about ${Math.round(expectedWrites / 0.99)})`);
    }
    if (hours >= 48 && growth > 1.5) {
      ok = false;
      notes.push(`live heap grew ${growth.toFixed(2)}× between the first and the last day: not bounded`);
    }
    return {
      metrics: [
        { key: "simHours", label: "simulated", value: o.simHours, unit: "h" },
        { key: "wallSeconds", label: "wall time", value: Math.round(o.wallSeconds * 10) / 10, unit: "s" },
        {
          key: "simSecondsPerWallSecond",
          label: "speed",
          value: Math.round((o.simHours * 3600) / o.wallSeconds),
          unit: "× real time",
        },
        { key: "peakRssBytes", label: "peak RSS", value: o.peakRssBytes, unit: "bytes" },
        {
          key: "heapFirstDayBytes",
          label: "live heap, max of day 1",
          value: o.heapFirstDayBytes,
          unit: "bytes",
        },
        {
          key: "heapLastDayBytes",
          label: "live heap, max of last day",
          value: o.heapLastDayBytes,
          unit: "bytes",
        },
        { key: "eventsPerSec", label: "soak events", value: Math.round(rate), unit: "events/s" },
        {
          key: "referenceEventsPerSec",
          label: "kernel hold loop",
          value: Math.round(refRate),
          unit: "events/s",
        },
        { key: "ratio", label: "soak / hold", value: Math.round((rate / refRate) * 1000) / 1000, unit: "×" },
        { key: "writesOk", label: "writes acknowledged", value: o.writesOk, unit: "" },
        { key: "writesFailed", label: "writes failed", value: o.writesFailed, unit: "" },
        { key: "lostWrites", label: "lost writes", value: o.lostWrites, unit: "" },
        { key: "traceRecords", label: "trace records", value: o.records, unit: "" },
      ],
      notes,
      ok,
    };
  },
};
