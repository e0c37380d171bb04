/**
 * The contract every benchmark in `bench/` implements, so `npm run bench -- <name>` can run any of
 * them and print either a table for people or one JSON line per benchmark for pipelines.
 *
 * Every benchmark measures against a reference in the same run (docs/design.md, "bench/"): the
 * machine is shared and noisy, so only a ratio measured side by side means anything.
 */

/** Settings the runner passes to every benchmark. */
export interface BenchOptions {
  /** Timed rounds per contender; the median is reported (alternating contenders round by round). */
  readonly rounds: number;
  /** Work per round (events, requests, seeds... as the benchmark defines it); undefined = its default. */
  readonly size: number | undefined;
  /** Progress messages (the runner sends them to stderr so `--json` output stays clean). */
  readonly log: (message: string) => void;
}

/** One number a benchmark reports. */
export interface BenchMetric {
  /** Key in the JSON line (camelCase, unit last: `eventsPerSec`). */
  readonly key: string;
  /** Label in the human table. */
  readonly label: string;
  readonly value: number;
  /** Unit shown in the human table (`events/s`, `×`, `ms`); empty for plain counts. */
  readonly unit: string;
}

/** What one benchmark run produced. */
export interface BenchResult {
  /** Metrics in the order they are printed; the first ones are the headline numbers. */
  readonly metrics: readonly BenchMetric[];
  /** Notes for the human table (targets missed, checks failed); not part of the JSON line. */
  readonly notes: readonly string[];
  /** False when a correctness check inside the benchmark failed; the runner exits non-zero. */
  readonly ok: boolean;
}

/** A benchmark: one file in `bench/` each (`bench/kernel.ts`, later `raft`, `soak`, `kube`, `sweep`). */
export interface Benchmark {
  /** Name on the command line and in the JSON line's `bench` field. */
  readonly name: string;
  /** One line saying what is measured and against what. */
  readonly description: string;
  run(options: BenchOptions): BenchResult | Promise<BenchResult>;
}
