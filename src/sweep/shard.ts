/**
 * Splitting a sweep over machines. Shard i of n takes a contiguous block of the sorted seeds,
 * seeds[⌊i·N/n⌋ .. ⌊(i+1)·N/n⌋), and runs every combination for them — the seed contract of
 * Kubernetes Indexed Jobs (../shared/reference/peers-perf-style.md §5.1: run i of index k is in
 * [k·size, (k+1)·size)). The split depends only on the seed list and n, never on timing, so any
 * pod that runs index i (Kubernetes may start more than one) writes the same file.
 */
import { SweepInputError } from "./input-error.js";

/** Which part of a sweep this process runs. */
export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** A sweep is split into at most this many shards. */
export const MAX_SHARDS = 100_000;

/** Parses `--shard i/n` (0 ≤ i < n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new SweepInputError(`--shard ${JSON.stringify(text)}: expected i/n, e.g. --shard 0/4`);
  return checkShard(Number(m[1]), Number(m[2]), `--shard ${text}`);
}

/**
 * The shard of a pod of an Indexed Job: index from `JOB_COMPLETION_INDEX` (set by Kubernetes for
 * `completionMode: Indexed`), count from `--shards`.
 */
export function shardFromEnvironment(
  count: number,
  env: Readonly<Record<string, string | undefined>>,
): Shard {
  const raw = env.JOB_COMPLETION_INDEX;
  if (raw === undefined || raw.trim() === "") {
    throw new SweepInputError(
      `--shards ${count} needs --shard i/${count} or the JOB_COMPLETION_INDEX environment variable (set by Kubernetes Indexed Jobs)`,
    );
  }
  if (!/^\d+$/.test(raw.trim()))
    throw new SweepInputError(`JOB_COMPLETION_INDEX=${JSON.stringify(raw)}: expected a whole number`);
  return checkShard(Number(raw), count, `JOB_COMPLETION_INDEX=${raw} with --shards ${count}`);
}

/** Checks 0 ≤ index < count ≤ MAX_SHARDS. */
export function checkShard(index: number, count: number, what: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS)
    throw new SweepInputError(`${what}: the number of shards must be from 1 to ${MAX_SHARDS}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new SweepInputError(`${what}: the shard index must be from 0 to ${count - 1}`);
  return { index, count };
}

/** The seeds shard `shard` runs: a contiguous block of the sorted list. */
export function seedsOfShard(seeds: readonly number[], shard: Shard): number[] {
  const n = seeds.length;
  const from = Math.floor((shard.index * n) / shard.count);
  const to = Math.floor(((shard.index + 1) * n) / shard.count);
  return seeds.slice(from, to);
}

/** The output file of a shard: `shard-<i>-of-<n>.jsonl`, or `runs.jsonl` for an unsharded sweep. */
export function shardFileBase(shard: Shard | undefined): string {
  return shard === undefined ? "runs" : `shard-${shard.index}-of-${shard.count}`;
}
