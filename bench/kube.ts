/**
 * `npm run bench -- kube`: a kubeadm cluster of 3 control planes (stacked etcd, the full etcd member
 * model) and 50 workers running 500 nginx pods, for one simulated hour of steady state: 53 kubelets
 * renewing their leases every 10 s and checking their node status, three apiservers with watch
 * caches, the controller-manager and scheduler leaders and their candidates, kube-proxies, HAProxy
 * /readyz checks, and the API and Service probes. `--size N` simulates N hours.
 *
 * Headline: simulated seconds per wall second (target ≥ 1 000× real time) and peak memory. Reference,
 * measured in the same run: the kernel's hold loop (bench/hold.ts), so the cluster's event rate can
 * be read as a fraction of the bare event loop's. Check: the cluster stays healthy the whole hour
 * (every node Ready, every pod available, the API and Service never unavailable, nothing restarted).
 */
import { buildWorld } from "../src/engine/prepare.js";
import type { Pod } from "../src/kube/objects/index.js";
import { isPodReady } from "../src/kube/objects/pod.js";
import { loadModel, modelParameters } from "../src/scenario/models.js";
import { Simulation } from "../src/sim/simulation.js";
import { HOUR } from "../src/sim/time.js";
import { Trace, type TraceRecord } from "../src/sim/trace.js";
import { kubeOf } from "../src/world/kube-world.js";
import type { Benchmark, BenchOptions, BenchResult } from "./benchmark.js";
import { DEFAULT_HOLD, holdOnKernel } from "./hold.js";
import { timed } from "./measure.js";

/** Cluster shape of the benchmark. */
export const KUBE_BENCH = { controlPlanes: 3, workers: 50, pods: 500 } as const;
/** Wanted simulated seconds per wall second. */
export const KUBE_TARGET_SPEED = 1_000;

/** Record kinds that mean the steady state was disturbed. */
const DISTURBANCES = new Set([
  "kube.node.ready",
  "kube.container",
  "kube.api.probe",
  "kube.service.probe",
  "kube.pod.evicting",
]);

interface KubeOutcome {
  readonly events: number;
  readonly records: number;
  readonly wallSeconds: number;
  readonly simSeconds: number;
  readonly readyNodes: number;
  readonly availablePods: number;
  readonly disturbances: readonly TraceRecord[];
}

/** Builds the cluster and runs it for `hours` simulated hours. */
export function runKubeCluster(hours: number): KubeOutcome {
  const loaded = loadModel("kubeadm");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
  const { params, errors } = modelParameters(loaded.model);
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join("; "));
  const set: [string, unknown][] = [
    ["topology.controlPlanes", KUBE_BENCH.controlPlanes],
    ["topology.workers", KUBE_BENCH.workers],
    ["kube.workload.replicas", KUBE_BENCH.pods],
  ];
  for (const [k, v] of set) {
    const p = params.override(k, v, "command line", "bench");
    if (p) throw new Error(p.message);
  }
  let records = 0;
  const disturbances: TraceRecord[] = [];
  const trace = new Trace().addSink({
    write: (r) => {
      records++;
      if (DISTURBANCES.has(r.kind) && r.t > 0) disturbances.push(r);
    },
  });
  const sim = new Simulation({ seed: "bench-kube", trace });
  const world = buildWorld(sim, params, loaded.model);
  const { seconds } = timed(() => sim.runUntil(hours * HOUR));
  const k = kubeOf(world)!;
  const nodes = k.cluster.observer.objects("nodes").length;
  const pods = k.cluster.observer
    .objects<Pod>("pods")
    .filter((p) => p.status.phase === "Running" && isPodReady(p)).length;
  const ready = k.cluster.observer.podCounts;
  return {
    events: sim.eventsProcessed,
    records,
    wallSeconds: seconds,
    simSeconds: hours * 3600,
    readyNodes: nodes - disturbances.filter((r) => r.kind === "kube.node.ready").length,
    availablePods: Math.min(pods, ready.available),
    disturbances,
  };
}

/** The Kubernetes cluster benchmark. */
export const kubeBenchmark: Benchmark = {
  name: "kube",
  description:
    "3 control planes + 50 workers, 500 pods, 1 simulated hour: sim s per wall s, peak memory; vs the hold loop",
  run(options: BenchOptions): BenchResult {
    const hours = options.size ?? 1;
    options.log(
      `  kube: ${KUBE_BENCH.controlPlanes}+${KUBE_BENCH.workers} nodes, ${KUBE_BENCH.pods} pods, ${hours} h`,
    );
    const outcome = runKubeCluster(hours);
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const eventsPerSec = outcome.events / outcome.wallSeconds;
    const speed = outcome.simSeconds / outcome.wallSeconds;
    options.log(`  kube: ${outcome.events} events in ${outcome.wallSeconds.toFixed(2)} s wall`);
    const hold = timed(() => holdOnKernel({ ...DEFAULT_HOLD, events: 2_000_000 }));
    const holdPerSec = hold.value.events / hold.seconds;
    const notes: string[] = [];
    const healthy =
      outcome.disturbances.length === 0 &&
      outcome.readyNodes === KUBE_BENCH.controlPlanes + KUBE_BENCH.workers &&
      outcome.availablePods === KUBE_BENCH.pods;
    if (!healthy) {
      notes.push(
        `cluster disturbed: ${outcome.disturbances.length} records (${outcome.disturbances
          .slice(0, 3)
          .map((r) => r.kind)
          .join(", ")}), ${outcome.readyNodes} nodes Ready, ${outcome.availablePods} pods available`,
      );
    }
    if (speed < KUBE_TARGET_SPEED)
      notes.push(`${Math.round(speed)}× real time is below the target ${KUBE_TARGET_SPEED}×`);
    return {
      metrics: [
        {
          key: "simSecondsPerWallSecond",
          label: "simulated s per wall s",
          value: Math.round(speed),
          unit: "×",
        },
        { key: "peakRssMb", label: "peak RSS", value: Math.round(peakRssBytes / 1e6), unit: "MB" },
        { key: "eventsPerSec", label: "cluster events", value: Math.round(eventsPerSec), unit: "events/s" },
        {
          key: "holdEventsPerSec",
          label: "reference hold loop",
          value: Math.round(holdPerSec),
          unit: "events/s",
        },
        {
          key: "ratio",
          label: "cluster / hold loop",
          value: Math.round((eventsPerSec / holdPerSec) * 1000) / 1000,
          unit: "×",
        },
        { key: "events", label: "events", value: outcome.events, unit: "" },
        { key: "records", label: "trace records", value: outcome.records, unit: "" },
        {
          key: "wallSeconds",
          label: "wall time",
          value: Math.round(outcome.wallSeconds * 100) / 100,
          unit: "s",
        },
      ],
      notes,
      ok: healthy,
    };
  },
};
