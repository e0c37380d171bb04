/**
 * Wall-clock helpers for benchmarks. Only `bench/` may read the wall clock; the simulator itself
 * never does (docs/design.md, core rule 1).
 */

/** Seconds of wall time `work` took, with its return value. */
export function timed<T>(work: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, value };
}

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A contender in a side-by-side measurement: one timed round returns its rate (per second). */
export interface Contender {
  readonly name: string;
  readonly round: () => number;
}

/**
 * Runs one warm-up round of each contender, then `rounds` timed rounds alternating between them
 * (A B A B ...), so a burst of load from another process on the shared machine hits both alike.
 * Returns every contender's rates in round order.
 */
export function alternate(
  contenders: readonly Contender[],
  rounds: number,
  log: (message: string) => void,
  warmUp: readonly (() => void)[] = [],
): number[][] {
  for (const w of warmUp) w();
  const rates = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => {
      const rate = c.round();
      rates[i]!.push(rate);
      log(`  round ${r + 1}/${rounds} ${c.name}: ${formatRate(rate)}`);
    });
  }
  return rates;
}

/** `8 034 467` style grouping for rates in tables and logs. */
export function formatRate(rate: number): string {
  return Math.round(rate)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}
