/**
 * Seed ranges for sweeps: `--seeds 1..1000`, a single seed `--seeds 17`, or a comma-separated list
 * of both (`1..100,500..600`). Seeds are the same whole numbers `quorate run --seed` accepts, so
 * every run of a sweep can be repeated on its own.
 */
import { SweepInputError } from "./input-error.js";

/** The largest seed `quorate run --seed` accepts. */
export const MAX_SEED = 2 ** 32 - 1;
/** A sweep never plans more runs than this (a typo such as `1..10000000000` is refused, not attempted). */
export const MAX_SWEEP_RUNS = 10_000_000;

const PART = /^(\d+)(?:\.\.(\d+))?$/;

/**
 * The seeds a `--seeds` text names, ascending and without repeats. Throws SweepInputError with the
 * reason and an example when the text is not a range, a seed is out of bounds, a range runs
 * backwards, ranges overlap, or there are more than {@link MAX_SWEEP_RUNS} seeds.
 */
export function parseSeedRange(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === "") throw bad(text, "it is empty");
  const seeds: number[] = [];
  for (const rawPart of trimmed.split(",")) {
    const part = rawPart.trim();
    const m = PART.exec(part);
    if (!m) throw bad(text, `"${part}" is not a seed or a range`);
    const first = toSeed(text, m[1]!);
    const last = m[2] === undefined ? first : toSeed(text, m[2]);
    if (last < first) throw bad(text, `the range ${part} runs backwards (write ${last}..${first})`);
    if (seeds.length + (last - first + 1) > MAX_SWEEP_RUNS)
      throw bad(text, `more than ${MAX_SWEEP_RUNS} seeds`);
    for (let s = first; s <= last; s++) seeds.push(s);
  }
  seeds.sort((a, b) => a - b);
  for (let i = 1; i < seeds.length; i++) {
    if (seeds[i] === seeds[i - 1]) throw bad(text, `seed ${seeds[i]} is named twice`);
  }
  return seeds;
}

/** A compact text for a sorted list of seeds: `1..1000`, `1..10,17`. */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < seeds.length) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}..${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

function toSeed(text: string, digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n > MAX_SEED) throw bad(text, `${digits} is larger than ${MAX_SEED}`);
  return n;
}

function bad(text: string, reason: string): SweepInputError {
  return new SweepInputError(
    `--seeds ${JSON.stringify(text)}: ${reason}; expected a range such as 1..1000, a seed such as 17, or a list such as 1..100,500`,
  );
}
