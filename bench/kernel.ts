/**
 * `npm run bench -- kernel`: how many events per second the simulation kernel runs under the hold
 * workload (bench/hold.ts), next to a minimal typed-array heap loop doing the same work in the same
 * process. The headline is the ratio; the target is ≥ 0.6 (docs/benchmarks.md).
 */
import type { Benchmark, BenchOptions, BenchResult } from "./benchmark.js";
import { DEFAULT_HOLD, type HoldOutcome, type HoldParams, holdOnKernel, holdOnReference } from "./hold.js";
import { alternate, median, timed } from "./measure.js";

/** Events per timed round unless `--size` says otherwise. */
export const KERNEL_BENCH_EVENTS = 5_000_000;
/** The kernel should reach this fraction of the reference loop's rate. */
export const KERNEL_TARGET_RATIO = 0.6;

function rateOf(run: (p: HoldParams) => HoldOutcome, params: HoldParams, outcomes: HoldOutcome[]): number {
  const { seconds, value } = timed(() => run(params));
  outcomes.push(value);
  return value.events / seconds;
}

/** The kernel hold benchmark. */
export const kernelBenchmark: Benchmark = {
  name: "kernel",
  description: "hold workload (1 000 pending, Exp(1 ms) delays) on Simulation vs a typed-array heap loop",
  run(options: BenchOptions): BenchResult {
    const params: HoldParams = { ...DEFAULT_HOLD, events: options.size ?? KERNEL_BENCH_EVENTS };
    const warm: HoldParams = { ...params, events: Math.min(params.events, 1_000_000) };
    const kernelOutcomes: HoldOutcome[] = [];
    const referenceOutcomes: HoldOutcome[] = [];
    const [kernelRates, referenceRates] = alternate(
      [
        { name: "kernel", round: () => rateOf(holdOnKernel, params, kernelOutcomes) },
        { name: "reference", round: () => rateOf(holdOnReference, params, referenceOutcomes) },
      ],
      options.rounds,
      options.log,
      [() => holdOnKernel(warm), () => holdOnReference(warm)],
    );
    const eventsPerSec = median(kernelRates!);
    const referenceEventsPerSec = median(referenceRates!);
    const ratio = eventsPerSec / referenceEventsPerSec;

    const notes: string[] = [];
    const expected = referenceOutcomes[0];
    const same = [...kernelOutcomes, ...referenceOutcomes].every(
      (o) => o.events === expected?.events && o.finalTimeUs === expected.finalTimeUs,
    );
    if (!same) {
      notes.push(
        `kernel and reference disagree: kernel ${JSON.stringify(kernelOutcomes[0])}, ` +
          `reference ${JSON.stringify(expected)}`,
      );
    }
    if (ratio < KERNEL_TARGET_RATIO)
      notes.push(`ratio ${ratio.toFixed(2)} is below the target ${KERNEL_TARGET_RATIO}`);
    return {
      metrics: [
        { key: "eventsPerSec", label: "kernel", value: Math.round(eventsPerSec), unit: "events/s" },
        {
          key: "referenceEventsPerSec",
          label: "reference heap loop",
          value: Math.round(referenceEventsPerSec),
          unit: "events/s",
        },
        { key: "ratio", label: "kernel / reference", value: Math.round(ratio * 1000) / 1000, unit: "×" },
      ],
      notes,
      ok: same,
    };
  },
};
