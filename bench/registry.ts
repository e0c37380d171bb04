/**
 * Every benchmark `npm run bench` knows, in the order they run when no name is given. To add one
 * (`raft`, `soak`, `kube`, `sweep`), write `bench/<name>.ts` exporting a `Benchmark` and list it here.
 */
import type { Benchmark } from "./benchmark.js";
import { kernelBenchmark } from "./kernel.js";
import { kubeBenchmark } from "./kube.js";
import { raftBenchmark } from "./raft.js";
import { soakBenchmark } from "./soak.js";
import { sweepBenchmark } from "./sweep.js";

/** The registered benchmarks. */
export const BENCHMARKS: readonly Benchmark[] = [
  kernelBenchmark,
  raftBenchmark,
  sweepBenchmark,
  soakBenchmark,
  kubeBenchmark,
];

/** The benchmark called `name`, or undefined. */
export function findBenchmark(name: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.name === name);
}
